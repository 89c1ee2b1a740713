"""`a11y-audit areas load|list|locate|circles`: the configured province's areas and point-to-county lookup."""

from __future__ import annotations

import json
from collections import Counter

import click

from audit import areas as registry
from audit import geo
from audit.cli.common import fail_with, messages_from, region_from, store_from


def _province(region: str) -> dict[str, str]:
    """Message values naming the region; English names exist for Hunan only, elsewhere the Chinese one stands."""
    area = registry.get_area(region)
    zh = registry.provinces()[region].name
    return {"region": region, "province": zh, "province_en": area.name_en if area and area.name_en else zh}


@click.group("areas")
def command() -> None:
    """The configured province (--region, default 430000 Hunan), its cities/prefectures and counties."""


@command.command("load")
@click.pass_context
def load(ctx: click.Context) -> None:
    """Put every area of the configured province with its display boundary into the store (safe to repeat).

    The store then knows its region: later commands on it need no --region. A store holds one province.

    \b
    Examples:
        a11y-audit --db audit.db areas load
        a11y-audit --db guangdong.db --region 440000 areas load
    """
    store = store_from(ctx)
    try:
        region = region_from(ctx, store)
        count = registry.load_into(store, region)
        levels = Counter(a.level for a in registry.province_areas(region))
        click.echo(
            messages_from(ctx).t(
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
    """One line per area of the configured province: code, level, parent, Chinese and English name
    (English names exist for Hunan only; elsewhere the column is empty).

    \b
    Examples:
        a11y-audit areas list --level city
        a11y-audit areas list --parent 430300
        a11y-audit --region 440000 areas list --level city
    """
    region = region_from(ctx)
    if parent and (registry.province_of(parent) != region or registry.get_area(parent) is None):
        fail_with(ctx, "areas.unknown-code", code=parent, **_province(region))
    rows = registry.province_areas(region, level, parent)
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
        click.echo(messages_from(ctx).t("areas.none", ctx.obj["lang"]))
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
    """The county, city and province containing a point (longitude first), in the configured province.

    \b
    Example:
        a11y-audit areas locate 112.53 27.92
        a11y-audit areas locate 112.9388 28.2282 --crs gcj02
        a11y-audit --region 440000 areas locate 113.26 23.13
    """
    region = region_from(ctx)
    wlon, wlat = geo.to_wgs84(lon, lat, crs)
    county = registry.county_at(wlon, wlat, region)
    if county is None:
        fail_with(ctx, "areas.outside", lon=lon, lat=lat, crs=crs, **_province(region))
    # A county the province governs directly (a municipality's district, 济源市, 东莞市) has no city: its
    # parent, the province, stands in that place of the answer.
    city = registry.get_area(county.parent)
    province = registry.get_area(region)
    lang = ctx.obj["lang"]
    click.echo(
        messages_from(ctx).t(
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
    """Validate and list the tourism service circles of the configured province
    (checklists/regions/<code>/circles/*.yaml).

    \b
    Example:
        a11y-audit areas circles
    """
    from audit.catalog import ChecklistError
    from audit.circles import load_circles

    try:
        found = load_circles(ctx.obj.get("checklists"), region_from(ctx))
    except ChecklistError as exc:
        fail_with(ctx, "circles.invalid", detail=f"\n{exc}")
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
    note = messages_from(ctx).t("circles.approximate", lang)
    for circle in found:
        county = registry.get_area(circle.county)
        click.echo(
            f"{circle.id:12} {circle.county} {county.label(lang) if county else '?':10} "
            f"{len(circle.points)} points  "
            f"{circle.name[lang]}{' ' + note if circle.approximate else ''}"
        )
