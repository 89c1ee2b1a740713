"""`a11y-audit map`: draw the stored scores of the latest (or chosen) rounds as a map and a table page."""

from __future__ import annotations

import os
import re
from pathlib import Path

import click

from audit.cli.common import EXIT_ERROR, catalog_from, fail, region_from, store_from
from audit.runs import current_scores
from audit.store import Round, Store

ROUND_KINDS = ("facility", "web")


@click.command("map")
@click.option("--area", default=None, help="Only this area: a 6-digit GB/T 2260 code (province, city or county).")
@click.option(
    "--round",
    "round_ids",
    type=int,
    multiple=True,
    help="Round id to draw (repeatable). Default: the latest complete facility and web rounds.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Map file; the table goes beside it as <name>-table.html. Default: maps/map-<area|all>.html.",
)
@click.option(
    "--tiles",
    type=click.Choice(["osm", "tianditu", "amap", "none"]),
    default="osm",
    show_default=True,
    help="Base map. Tianditu needs $TIANDITU_KEY; Amap (GCJ-02) converts points for display.",
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Language (default: the global --lang).")
@click.option(
    "--photos",
    "photo_base",
    default=None,
    help="Where photo thumbnails are loaded from: a folder relative to the map, or a URL prefix. "
    "Default: the store's photo folder, relative to the map.",
)
@click.pass_context
def command(
    ctx: click.Context,
    area: str | None,
    round_ids: tuple[int, ...],
    out: Path | None,
    tiles: str,
    lang: str | None,
    photo_base: str | None,
) -> None:
    """Draw facilities, roads, circles, portals and county compliance as a map, with an accessible table.

    \b
    Example:
        a11y-audit map
        a11y-audit map --area 430100 --tiles amap --lang en --out maps/changsha.html
    """
    # Imported here so `a11y-audit --help` does not load the map renderer and its assets.
    from audit.render.map import MapOptions, TileKeyMissing, write_map
    from audit.render.view import RoundView

    lang = lang or ctx.obj.get("lang") or "zh"
    catalog = catalog_from(ctx)
    messages = catalog.messages
    if area and not re.fullmatch(r"\d{6}", area):
        fail(messages.t("map.cli.bad-area", "zh", area=area), messages.t("map.cli.bad-area", "en", area=area))
    store = store_from(ctx)
    try:
        rounds = _rounds(store, round_ids, messages)
        version = catalog.policy.version
        for r in rounds:
            current_scores(store, catalog, r.id)
            previous = store.latest_round(r.kind, before=r.id)
            if previous:  # the county change column compares with it, so its scores must be current too
                current_scores(store, catalog, previous.id)
        views = [RoundView.load(store, r.id, version, area) for r in rounds]
        out = out or Path("maps") / f"map-{area or 'all'}.html"
        photo_base = photo_base or _photo_folder_from(out, store)
        try:
            files = write_map(
                views,
                catalog,
                out,
                MapOptions(lang=lang, tiles=tiles, photo_base=photo_base, region=region_from(ctx, store)),
            )
        except TileKeyMissing:
            fail(messages.t("map.cli.no-key", "zh"), messages.t("map.cli.no-key", "en"))
        click.echo(
            messages.t(
                "map.cli.written", lang, map=files.map_path, table=files.table_path, csv=files.csv_path, n=files.items
            )
        )
    finally:
        store.close()


def _photo_folder_from(out: Path, store: Store) -> str:
    """The store's photo folder as seen from the map file, so thumbnails work when the map is opened locally."""
    from audit.runs.facility import photo_store_for

    relative = os.path.relpath(photo_store_for(store).resolve(), out.resolve().parent)
    return Path(relative).as_posix().rstrip("/") + "/"


def _rounds(store: Store, round_ids: tuple[int, ...], messages) -> list[Round]:
    if round_ids:
        found = []
        for round_id in round_ids:
            try:
                found.append(store.get_round(round_id))
            except KeyError:
                fail(
                    messages.t("map.cli.unknown-round", "zh", round=round_id),
                    messages.t("map.cli.unknown-round", "en", round=round_id),
                    EXIT_ERROR,
                )
        return found
    latest = [r for kind in ROUND_KINDS if (r := store.latest_round(kind)) is not None]
    if not latest:
        fail(messages.t("map.cli.no-round", "zh"), messages.t("map.cli.no-round", "en"))
    return latest
