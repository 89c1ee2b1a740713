"""Builds the map page (our own Leaflet template) and its table page from stored rounds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audit.areas import provinces
from audit.catalog import Catalog
from audit.render.map.data import MapData, collect
from audit.render.map.geometry import Projector
from audit.render.map.page import map_view, render_page
from audit.render.map.payload import build_payload
from audit.render.map.problems import open_problems, problem_layer
from audit.render.map.style import COUNTY_BINS, COUNTY_NO_DATA, GAP_STYLE, ROAD_DASH_NON_COMPLIANT, grade_styles
from audit.render.map.table import render_csv, render_table, table_rows
from audit.render.map.text import Texts, round_date
from audit.render.map.tiles import Tiles, tiles_for
from audit.render.view import RoundView

LEGEND_ID = "a11y-legend"
TABLE_LINK_ID = "a11y-table-link"


@dataclass(frozen=True)
class MapOptions:
    """What a user may choose: language, base tiles, where photos are served from."""

    lang: str = "zh"
    tiles: str = "osm"
    photo_base: str = "photos/"
    environ: Mapping[str, str] | None = None  # for the Tianditu key; os.environ when None
    region: str | None = None  # the configured province; None: the store's (`areas load`), else Hunan


@dataclass
class RenderedMap:
    map_html: str
    table_html: str
    payload: dict[str, Any]
    data: MapData = field(repr=False)
    csv_text: str = field(default="", repr=False)


@dataclass(frozen=True)
class MapFiles:
    map_path: Path
    table_path: Path
    items: int
    csv_path: Path | None = None


def table_path_for(map_path: Path) -> Path:
    return map_path.with_name(map_path.stem + "-table.html")


def csv_path_for(map_path: Path) -> Path:
    return map_path.with_name(map_path.stem + "-table.csv")


def render_map(
    views: Sequence[RoundView],
    catalog: Catalog,
    options: MapOptions = MapOptions(),
    table_href: str = "map-table.html",
    map_href: str = "map.html",
    csv_href: str = "map-table.csv",
) -> RenderedMap:
    """The map page and its table page as HTML text; `views` are the rounds shown (facility and web)."""
    tiles = tiles_for(options.tiles, None if options.environ is None else dict(options.environ))
    texts = Texts(catalog, options.lang)
    styles = grade_styles(catalog.policy, options.lang, texts.t("map.legend.ungraded"))
    data = collect(views, catalog.policy.version, options.lang, options.region)
    projector = Projector(tiles.system)
    payload = build_payload(data, texts, styles, projector, options.photo_base)
    payload["problems"] = problem_layer(open_problems(views, data), data, texts, projector)
    title = _title(data, texts)
    rounds_text = texts.t(
        "map.rounds",
        rounds="; ".join(texts.t("map.round-item", id=r.id, date=round_date(r.started_at)) for r in data.rounds),
    )
    map_html = _page(payload, texts, styles, tiles, title, rounds_text, table_href, region_centre(data.region))
    rows = table_rows(data, texts, styles)
    table = render_table(
        data,
        texts,
        styles,
        title=_table_title(data, texts),
        map_href=map_href,
        rounds_text=rounds_text,
        csv_href=csv_href,
        rows=rows,
        problems=payload["problems"],
    )
    return RenderedMap(map_html, table, payload, data, render_csv(rows, texts))


def write_map(views: Sequence[RoundView], catalog: Catalog, out: Path, options: MapOptions = MapOptions()) -> MapFiles:
    """Writes `out`, `<out>-table.html` and the complete table as `<out>-table.csv` beside it.

    The pages link to each other (and the table to the CSV) by relative addresses."""
    out = Path(out)
    table_path, csv_path = table_path_for(out), csv_path_for(out)
    rendered = render_map(
        views, catalog, options, table_href=table_path.name, map_href=out.name, csv_href=csv_path.name
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(rendered.map_html, encoding="utf-8")
    table_path.write_text(rendered.table_html, encoding="utf-8")
    csv_path.write_text(rendered.csv_text, encoding="utf-8", newline="")
    return MapFiles(out, table_path, len(rendered.data.items), csv_path)


def _title(data: MapData, texts: Texts) -> str:
    return texts.t("map.title-area", area=data.area.name) if data.area else texts.t("map.title")


def _table_title(data: MapData, texts: Texts) -> str:
    return texts.t("map.table-title-area", area=data.area.name) if data.area else texts.t("map.table-title")


def region_centre(region: str) -> tuple[float, float]:
    """The middle (lat, lon) of the province's extent: the view of a map with nothing to draw."""
    west, south, east, north = provinces()[region].bounds
    return (round((south + north) / 2, 4), round((west + east) / 2, 4))


def _page(
    payload: dict,
    texts: Texts,
    styles,
    tiles: Tiles,
    title: str,
    rounds_text: str,
    table_href: str,
    centre: tuple[float, float],
) -> str:
    tiles_name = texts.t(f"map.tiles.{tiles.name}")
    has_counties = bool(payload["counties"]["geojson"]["features"])
    return render_page(
        texts.lang,
        title,
        payload,
        map_view(payload, tiles, _bounds(payload), LEGEND_ID, centre),
        t=texts.t,
        table_href=table_href,
        table_link_id=TABLE_LINK_ID,
        rounds_text=rounds_text,
        coords_text=texts.t("map.coords", tiles=tiles_name, system=texts.t(f"map.system.{tiles.system}")),
        legend_id=LEGEND_ID,
        styles=styles,
        has_roads=any(c["lines"] for c in payload["categories"]),
        has_gaps=bool(payload["gaps"]["items"]),
        has_circles=bool(payload["circles"]["items"]),
        has_problems=bool(payload["problems"]["items"]),
        road_svg=_road_svg,
        gap_svg=_gap_svg(),
        bins=[(round(lo * 100), min(100, round(hi * 100)), c) for lo, hi, c in COUNTY_BINS] if has_counties else [],
        no_data_colour=COUNTY_NO_DATA,
    )


def _bounds(payload: dict) -> list[list[float]] | None:
    """South-west and north-east corners of everything drawn, in (lat, lon)."""
    lats: list[float] = []
    lons: list[float] = []

    def visit(coords):
        if coords and isinstance(coords[0], (int, float)):
            lats.append(coords[0])
            lons.append(coords[1])
        else:
            for part in coords:
                visit(part)

    for category in payload["categories"]:
        for record in category["points"] + category["lines"]:
            visit(record[0])
    for record in payload["circles"]["items"]:
        visit(record[0])
    if not lats:
        for feature in payload["counties"]["geojson"]["features"]:
            for lon_lat in _flatten(feature["geometry"]["coordinates"]):
                lons.append(lon_lat[0])
                lats.append(lon_lat[1])
    if not lats:
        return None
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def _flatten(coords):
    if coords and isinstance(coords[0], (int, float)):
        yield coords
    else:
        for part in coords:
            yield from _flatten(part)


def _road_svg(dashed: bool) -> str:
    dash = f' stroke-dasharray="{ROAD_DASH_NON_COMPLIANT}"' if dashed else ""
    return (
        f'<svg class="line" width="40" height="12" aria-hidden="true" focusable="false">'
        f'<line x1="0" y1="6" x2="40" y2="6" stroke="#333" stroke-width="4"{dash}/></svg>'
    )


def _gap_svg() -> str:
    s = GAP_STYLE
    return (
        f'<svg class="line" width="40" height="12" aria-hidden="true" focusable="false">'
        f'<line x1="0" y1="6" x2="40" y2="6" stroke="{s["outer"]}" stroke-width="9"/>'
        f'<line x1="0" y1="6" x2="40" y2="6" stroke="{s["inner"]}" stroke-width="5" '
        f'stroke-dasharray="{s["dash"]}"/></svg>'
    )
