"""Marks along a road segment -> exact spots: position and length along the line, and their geometry."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely import ops
from shapely.geometry import LineString, Point, mapping, shape

from audit.facility.marks import Mark
from audit.geo import metric_transformers, utm_epsg

FAR_FROM_LINE_M = 30.0  # a point recorded farther than this from its segment is probably on another street
BEYOND_END_M = 5.0  # a chainage this far past the segment's end is a wrong number or the wrong segment
JOIN_M = 2.0  # parts of a multi-part line whose ends are this close are one line drawn in pieces


@dataclass(frozen=True)
class Spot:
    """Where a mark lies: GeoJSON geometry (WGS-84), metres from the start, length, and distance off the line."""

    geometry: dict[str, Any] | None
    position_m: float | None
    length_m: float | None
    offset_m: float | None = None


class Segment:
    """A road segment in metres (UTM), to place chainages and points on it."""

    def __init__(self, geometry: dict[str, Any]):
        line = shape(geometry)
        self.epsg = utm_epsg(line.coords[0][0])
        to_metric, back = metric_transformers(self.epsg)
        self._to_metric, self._back = to_metric.transform, back.transform
        self.line: LineString = shapely.transform(line, _array(self._to_metric))

    @property
    def length_m(self) -> float:
        return self.line.length

    def _wgs84(self, geometry: Any) -> dict[str, Any]:
        return _rounded(mapping(shapely.transform(geometry, _array(self._back))))

    def place(self, mark: Mark) -> Spot:
        if mark.point is not None:
            return self._place_point(mark)
        start = min(mark.start_m, self.length_m)
        if mark.end_m is not None and mark.end_m > mark.start_m:
            end = min(mark.end_m, self.length_m)
            piece = ops.substring(self.line, start, end)
            return Spot(self._wgs84(piece), round(mark.start_m, 1), round(mark.end_m - mark.start_m, 1))
        return Spot(self._wgs84(self.line.interpolate(start)), round(mark.start_m, 1), mark.length_m)

    def _place_point(self, mark: Mark) -> Spot:
        point = Point(self._to_metric(*mark.point))
        position = self.line.project(point)
        offset = round(self.line.distance(point), 1)
        if mark.length_m:
            end = min(position + mark.length_m, self.length_m)
            geometry = self._wgs84(ops.substring(self.line, position, end))
        else:
            geometry = self._wgs84(self.line.interpolate(position))
        return Spot(geometry, round(position, 1), mark.length_m, offset)


def mark_problems(geometry: dict[str, Any] | None, marks: tuple[Mark, ...]) -> list[tuple[str, dict[str, Any]]]:
    """(message key, params) for marks that cannot be on this segment: far off it, or past its end."""
    if not marks or not geometry or geometry.get("type") != "LineString":
        return []
    segment, found = Segment(geometry), []
    length = round(segment.length_m, 1)
    for mark in marks:
        if mark.point is not None:
            offset = segment.line.distance(Point(segment._to_metric(*mark.point)))
            if offset > FAR_FROM_LINE_M:
                found.append(("facility.location.mark-far", {"distance": round(offset, 1)}))
        elif max(mark.start_m or 0.0, mark.end_m or 0.0) > segment.length_m + BEYOND_END_M:
            position = max(mark.start_m or 0.0, mark.end_m or 0.0)
            found.append(("facility.location.mark-beyond", {"position": f"{position:g}", "length": length}))
    return found


@dataclass(frozen=True)
class Hole:
    """An unrecorded stretch between two parts of a multi-part line: `part` is the later part (1-based)."""

    part: int
    distance_m: float
    lon: float
    lat: float


def join_parts(parts: list[list[tuple[float, float]]]) -> tuple[list[tuple[float, float]], list[Hole]]:
    """The parts of a MultiLineString (WGS-84) as one line, in the order drawn (a part drawn backwards is
    turned round), and every hole wider than JOIN_M between consecutive parts."""
    epsg = utm_epsg(parts[0][0][0])
    to_metric = metric_transformers(epsg)[0].transform
    joined, holes = list(parts[0]), []
    for number, part in enumerate(parts[1:], start=2):
        end = Point(to_metric(*joined[-1]))
        first, last = (Point(to_metric(*p)) for p in (part[0], part[-1]))
        if last.distance(end) < first.distance(end):
            part, first = part[::-1], last
        gap = end.distance(first)
        if gap > JOIN_M:
            middle = ((joined[-1][0] + part[0][0]) / 2, (joined[-1][1] + part[0][1]) / 2)
            holes.append(Hole(number, round(gap, 1), round(middle[0], 6), round(middle[1], 6)))
        joined += part[1:] if gap <= JOIN_M else part
    return joined, holes


def _array(transform: Any) -> Any:
    """A pyproj (x, y) transform applied to shapely's (N, 2) coordinate arrays."""
    return lambda xy: np.column_stack(transform(xy[:, 0], xy[:, 1]))


def place_marks(geometry: dict[str, Any] | None, marks: tuple[Mark, ...]) -> list[Spot]:
    """Spots for marks on a line; without a line, chainages keep their numbers and points their place."""
    if geometry and geometry.get("type") == "LineString":
        segment = Segment(geometry)
        return [segment.place(mark) for mark in marks]
    return [
        Spot({"type": "Point", "coordinates": list(m.point)} if m.point else None, m.start_m, m.length_m) for m in marks
    ]


def _rounded(geometry: dict[str, Any]) -> dict[str, Any]:
    def walk(value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], float):
                return [round(v, 7) for v in value]
            return [walk(v) for v in value]
        return value

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def stretch_counts(geometry: dict[str, Any] | None, spots: list[Spot], stretch_m: float) -> tuple[int, int] | None:
    """(intact, broken) stretches of `stretch_m` metres along a line; a stretch any spot touches is broken.

    These are the check's instances, so ten gaps along a road cost more than one. None when the
    subject is not a line or a spot has no position on it: then the check stays all-or-nothing.
    """
    if not geometry or geometry.get("type") != "LineString" or any(s.position_m is None for s in spots):
        return None
    length = Segment(geometry).length_m
    total = max(1, math.ceil(length / stretch_m - 1e-9))
    broken: set[int] = set()
    for spot in spots:
        start = min(max(spot.position_m, 0.0), length)
        end = min(start + (spot.length_m or 0.0), length)
        # a gap ending exactly on a stretch boundary does not break the next stretch
        first, last = (min(int(x // stretch_m), total - 1) for x in (start, max(start, end - 1e-6)))
        broken.update(range(first, last + 1))
    return total - len(broken), len(broken)
