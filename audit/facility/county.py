"""County division codes of facility locations: the one place that asks audit.areas."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from audit.areas import HUNAN, counties_along, counties_at, county_at, get_area, provinces

# Points this far outside the province's extent are almost always swapped or mistyped, not near a border.
BOX_MARGIN_DEG = 0.2


@dataclass(frozen=True)
class Placement:
    """Where a facility lies: `county` files it (a line: the county holding most of its length);
    `touched` is every county any part of it lies in, None standing for outside every county of the province."""

    county: str | None
    touched: tuple[str | None, ...]


def county_codes_at(points: Iterable[Sequence[float]], province: str = HUNAN) -> list[str | None]:
    """6-digit GB/T 2260 county code of each WGS-84 (lon, lat), None outside `province`; batched for speed."""
    return [area.code if area else None for area in counties_at(points, province)]


def in_province(lon: float, lat: float, province: str = HUNAN) -> bool:
    """Whether a WGS-84 point lies in the province: in one of its counties (their union is the province)."""
    return county_at(lon, lat, province) is not None


def province_box(province: str = HUNAN) -> tuple[float, float, float, float]:
    """The province's extent (west, south, east, north) widened by BOX_MARGIN_DEG."""
    west, south, east, north = provinces()[province].bounds
    return (west - BOX_MARGIN_DEG, south - BOX_MARGIN_DEG, east + BOX_MARGIN_DEG, north + BOX_MARGIN_DEG)


def province_names(province: str = HUNAN) -> dict[str, str]:
    """Message parameters naming the province: `province` (Chinese) and `province_en` (English where the
    registry has it, else the Chinese name)."""
    zh = provinces()[province].name
    area = get_area(province) if province == HUNAN else None  # only Hunan has English names (names_en.tsv)
    return {"province": zh, "province_en": (area.name_en if area and area.name_en else zh)}


def place(geometries: Sequence[dict[str, Any]], province: str = HUNAN) -> list[Placement]:
    """The placement of each WGS-84 GeoJSON Point or LineString; points are looked up in one batch."""
    points = [i for i, g in enumerate(geometries) if g.get("type") == "Point"]
    codes = county_codes_at([geometries[i]["coordinates"][:2] for i in points], province)
    placed: list[Placement | None] = [None] * len(geometries)
    for i, code in zip(points, codes):
        placed[i] = Placement(code, (code,))
    for i, geometry in enumerate(geometries):
        if placed[i] is None:
            placed[i] = _line_placement(geometry.get("coordinates") or [], province)
    return placed  # type: ignore[return-value]


def _line_placement(coords: Sequence[Sequence[float]], province: str) -> Placement:
    if not coords:
        return Placement(None, (None,))
    parts = counties_along([c[:2] for c in coords], province)
    codes = [area.code if area else None for area, _ in parts]
    inside = [code for code in codes if code]
    return Placement(inside[0] if inside else None, tuple(sorted(codes, key=lambda c: c or "~")))
