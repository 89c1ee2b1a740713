"""Spots recorded along a road segment (gaps, obstructions, crossings): chainages or coordinates."""

from __future__ import annotations

import re
from dataclasses import dataclass

from audit.facility.values import ValueProblem

NONE_WORDS = {"0", "无", "没有", "none", "no", "否", "-"}
_SPLIT = re.compile(r"\s*[;；\n]\s*")
_RANGE = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:-|–|—|~|～|至|到)\s*(\d+(?:\.\d+)?)\s*(?:m|米)?(?:\s+(.*))?$")
_COORD = re.compile(r"^(\d{2,3}\.\d+)[\s,，]+(\d{2,3}\.\d+)(?:\s+(\d+(?:\.\d+)?)\s*(?:m|米))?(?:\s+(.*))?$")
_CHAINAGE = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:m|米)?(?:\s+(\d+(?:\.\d+)?)\s*(?:m|米))?(?:\s+(.*))?$")


@dataclass(frozen=True)
class Mark:
    """One recorded spot: by chainage (`start_m`, `end_m` in metres from the segment start) or by point."""

    text: str
    start_m: float | None = None
    end_m: float | None = None
    point: tuple[float, float] | None = None  # (lon, lat) as written; converted to WGS-84 by the ingester
    length_m: float | None = None
    note: str = ""
    # the spot's own shape (WGS-84 GeoJSON) when it lies off the segment: an unrecorded hole between two rows
    geometry: dict | None = None


def parse_marks(text: str) -> tuple[Mark, ...]:
    """'120-135; 240 3m 电线杆; 112.9801 28.1932' -> marks. '0' or '无' means none were found."""
    if text.strip().lower() in NONE_WORDS:
        return ()
    return tuple(parse_mark(part) for part in _SPLIT.split(text.strip()) if part)


def parse_mark(part: str) -> Mark:
    if m := _COORD.match(part):
        lon, lat = float(m.group(1)), float(m.group(2))
        if lon < lat:  # an inspector who writes 'lat lon': Hunan longitudes are always the larger number
            lon, lat = lat, lon
        return Mark(part, point=(lon, lat), length_m=_float(m.group(3)), note=m.group(4) or "")
    if m := _RANGE.match(part):
        start, end = sorted((float(m.group(1)), float(m.group(2))))
        return Mark(part, start_m=start, end_m=end, length_m=end - start, note=m.group(3) or "")
    if m := _CHAINAGE.match(part):
        start, length = float(m.group(1)), _float(m.group(2))
        end = start + length if length is not None else None
        return Mark(part, start_m=start, end_m=end, length_m=length, note=m.group(3) or "")
    raise ValueProblem("facility.value.marks", part=part)


def _float(text: str | None) -> float | None:
    return None if text is None else float(text)
