"""County division codes of facility locations: the one place that asks audit.areas."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from audit.areas import counties_at


def county_codes_at(points: Iterable[Sequence[float]]) -> list[str | None]:
    """6-digit GB/T 2260 county code of each WGS-84 (lon, lat), None outside Hunan; batched for speed."""
    return [area.code if area else None for area in counties_at(points)]
