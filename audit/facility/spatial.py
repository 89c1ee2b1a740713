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
