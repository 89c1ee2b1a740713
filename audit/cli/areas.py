"""`a11y-audit areas load|list|locate`: Hunan's administrative areas and point-to-county lookup."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import click

from audit import areas as registry
from audit import geo
from audit.catalog import Messages, default_root
from audit.cli.common import EXIT_ERROR, store_from


def _messages(ctx: click.Context) -> Messages:
    # Only the message files: a broken checklist elsewhere must not stop area look-ups.
    root = ctx.obj.get("checklists") or default_root()
    return Messages.load(Path(root))


def _fail(ctx: click.Context, key: str, **values: object) -> None:
    messages = _messages(ctx)
    click.echo(f"错误：{messages.t(key, 'zh', **values)}\nError: {messages.t(key, 'en', **values)}", err=True)
    sys.exit(EXIT_ERROR)


@click.group("areas")
def command() -> None:
    """Hunan's province, 14 cities/prefectures and their counties (codes, names, boundaries)."""


@command.command("load")
@click.pass_context
def load(ctx: click.Context) -> None:
    """Put every Hunan area with its display boundary into the store (safe to repeat).

    \b
    Example:
        a11y-audit --db audit.db areas load
    """
    store = store_from(ctx)
    try:
        count = registry.load_into(store)
        levels = Counter(a.level for a in registry.hunan_areas())
        click.echo(
            _messages(ctx).t(
                "areas.loaded",
                ctx.obj["lang"],
                count=count,
                province=levels["province"],
                cities=levels["city"],
                counties=levels["county"],
                store=store.url,
                version=registry.source_version(),
            )
        )
    finally:
        store.close()


@command.command("list")
@click.option("--level", type=click.Choice(["province", "city", "county"]), help="Only this level.")
@click.option("--parent", metavar="CODE", help="Only the direct children of this area, e.g. 430100.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (without boundaries).")
@click.pass_context
def list_areas(ctx: click.Context, level: str | None, parent: str | None, as_json: bool) -> None:
    """One line per area: code, level, parent, Chinese and English name.

    \b
    Examples:
        a11y-audit areas list --level city
        a11y-audit areas list --parent 430300
    """
    if parent and registry.get_area(parent) is None:
        _fail(ctx, "areas.unknown-code", code=parent)
    rows = registry.hunan_areas(level, parent)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {"code": a.code, "name": a.name, "name_en": a.name_en, "level": a.level, "parent": a.parent}
                    for a in rows
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if not rows:
        click.echo(_messages(ctx).t("areas.none", ctx.obj["lang"]))
    for area in rows:
        click.echo(f"{area.code}  {area.level:8}  {area.parent or '-':6}  {area.name}\t{area.name_en or ''}")


@command.command("locate")
@click.argument("lon", type=float)
@click.argument("lat", type=float)
@click.option(
    "--crs",
    type=click.Choice(list(geo.SYSTEMS)),
    default="wgs84",
    show_default=True,
    help="Coordinate system of LON LAT: GPS (wgs84), Amap/Tencent (gcj02) or Baidu (bd09).",
)
@click.pass_context
def locate(ctx: click.Context, lon: float, lat: float, crs: str) -> None:
    """The county, city and province containing a point (longitude first).

    \b
    Example:
        a11y-audit areas locate 112.53 27.92
        a11y-audit areas locate 112.9388 28.2282 --crs gcj02
    """
    wlon, wlat = geo.to_wgs84(lon, lat, crs)
    county = registry.county_at(wlon, wlat)
    if county is None:
        _fail(ctx, "areas.outside", lon=lon, lat=lat, crs=crs)
    city = registry.get_area(county.parent)
    province = registry.get_area(city.parent)
    lang = ctx.obj["lang"]
    click.echo(
        _messages(ctx).t(
            "areas.located",
            lang,
            county=county.label(lang),
            county_code=county.code,
            city=city.label(lang),
            city_code=city.code,
            province=province.label(lang),
            province_code=province.code,
        )
    )


@command.command("circles")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def circles(ctx: click.Context, as_json: bool) -> None:
    """Validate and list the tourism service circles in checklists/circles/.

    \b
    Example:
        a11y-audit areas circles
    """
    from audit.catalog import ChecklistError
    from audit.circles import load_circles

    try:
        found = load_circles(ctx.obj.get("checklists"))
    except ChecklistError as exc:
        _fail(ctx, "circles.invalid", detail=f"\n{exc}")
    lang = ctx.obj["lang"]
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": c.id,
                        "name": dict(c.name),
                        "city": c.city,
                        "county": c.county,
                        "approximate": c.approximate,
                        "points": len(c.points),
                        "file": c.path,
                    }
                    for c in found
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    note = _messages(ctx).t("circles.approximate", lang)
    for circle in found:
        county = registry.get_area(circle.county)
        click.echo(
            f"{circle.id:12} {circle.county} {county.label(lang) if county else '?':10} "
            f"{len(circle.points)} points  "
            f"{circle.name[lang]}{' ' + note if circle.approximate else ''}"
        )
