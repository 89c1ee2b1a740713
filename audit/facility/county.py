"""County division codes of facility locations: the one place that asks audit.areas."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from audit.areas import counties_along, counties_at, county_at


@dataclass(frozen=True)
class Placement:
    """Where a facility lies: `county` files it (a line: the county holding most of its length);
    `touched` is every county any part of it lies in, None standing for outside every Hunan county."""

    county: str | None
    touched: tuple[str | None, ...]


def county_codes_at(points: Iterable[Sequence[float]]) -> list[str | None]:
    """6-digit GB/T 2260 county code of each WGS-84 (lon, lat), None outside Hunan; batched for speed."""
    return [area.code if area else None for area in counties_at(points)]


def in_hunan(lon: float, lat: float) -> bool:
    """Whether a WGS-84 point lies in the province: in one of its counties (their union is Hunan)."""
    return county_at(lon, lat) is not None


def place(geometries: Sequence[dict[str, Any]]) -> list[Placement]:
    """The placement of each WGS-84 GeoJSON Point or LineString; points are looked up in one batch."""
    points = [i for i, g in enumerate(geometries) if g.get("type") == "Point"]
    codes = county_codes_at([geometries[i]["coordinates"][:2] for i in points])
    placed: list[Placement | None] = [None] * len(geometries)
    for i, code in zip(points, codes):
        placed[i] = Placement(code, (code,))
    for i, geometry in enumerate(geometries):
        if placed[i] is None:
            placed[i] = _line_placement(geometry.get("coordinates") or [])
    return placed  # type: ignore[return-value]


def _line_placement(coords: Sequence[Sequence[float]]) -> Placement:
    if not coords:
        return Placement(None, (None,))
    parts = counties_along([c[:2] for c in coords])
    codes = [area.code if area else None for area, _ in parts]
    inside = [code for code in codes if code]
    return Placement(inside[0] if inside else None, tuple(sorted(codes, key=lambda c: c or "~")))
