"""Unrecorded holes between rows of one sidewalk: a recorded gap on both segments, and a warning naming both rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shapely.geometry import LineString, Point

from audit.catalog import Checklist, Messages
from audit.facility.marks import Mark
from audit.facility.problems import WARNING, Problem
from audit.geo import metric_transformers, utm_epsg

if TYPE_CHECKING:  # ingest calls this module: a runtime import would be circular
    from audit.facility.ingest import IngestResult, Submission


@dataclass(frozen=True)
class End:
    """One end of a row's line: which row (index in its group), which end (0 start, 1 end), where in metres."""

    row: int
    end: int
    point: Point


@dataclass(frozen=True)
class Hole:
    """The stretch between the nearest free ends of two rows of one sidewalk, in metres and as a WGS-84 line."""

    first: End
    second: End
    distance_m: float
    geometry: dict[str, Any]


def record_holes(result: IngestResult, checklist: Checklist, messages: Messages) -> None:
    """For each check whose answer has `between_rows`, find the holes between rows of one sidewalk, add each as a
    gap mark to both rows' field (so the check fails on both, with the hole as evidence) and warn about it."""
    for check in checklist.checks:
        rule = check.answer.get("between_rows")
        if not rule:
            continue
        for members in same_sidewalk(result.rows, rule["same"]).values():
            lines = [m.geometry["coordinates"] for m in members]
            for hole in find_holes(lines, float(rule["join_m"]), float(rule["max_gap_m"])):
                _record(result, members, check.answer["field"], hole, messages)


def same_sidewalk(rows: Sequence[Submission], fields: Sequence[str]) -> Mapping[tuple[str, ...], list[Submission]]:
    """Line rows grouped by the identity fields (trimmed, case-folded); a row missing any of them is in no group."""
    groups: dict[tuple[str, ...], list[Submission]] = defaultdict(list)
    for row in rows:
        if (row.geometry or {}).get("type") != "LineString":
            continue
        identity = tuple(" ".join(str(row.values.get(f) or "").split()).casefold() for f in fields)
        if all(identity):
            groups[identity].append(row)
    return {k: v for k, v in groups.items() if len(v) > 1}


def find_holes(lines: Sequence[Sequence[Sequence[float]]], join_m: float, max_gap_m: float) -> list[Hole]:
    """Holes between lines (WGS-84 coordinate lists) that belong together.

    An end within `join_m` of another line is joined to it (pieces that touch, or a T); the remaining free ends
    of different pieces are paired nearest first, at most `max_gap_m` apart, each end once, never within one
    joined run: so a chain A-B · C with a hole between B and C yields one hole, not A-to-C as well."""
    to_metric = metric_transformers(utm_epsg(lines[0][0][0]))[0].transform
    metric = [LineString([to_metric(x, y) for x, y, *_ in line]) for line in lines]
    parent = list(range(len(lines)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    free: list[End] = []
    for i, line in enumerate(metric):
        for end, point in enumerate((Point(line.coords[0]), Point(line.coords[-1]))):
            touching = [j for j, other in enumerate(metric) if j != i and other.distance(point) <= join_m]
            for j in touching:
                parent[root(j)] = root(i)
            if not touching:
                free.append(End(i, end, point))
    pairs = sorted(
        (a.point.distance(b.point), n, m)
        for n, a in enumerate(free)
        for m, b in enumerate(free)
        if n < m and a.row != b.row and join_m < a.point.distance(b.point) <= max_gap_m
    )
    used: set[int] = set()
    holes = []
    for distance, n, m in pairs:
        a, b = free[n], free[m]
        if n in used or m in used or root(a.row) == root(b.row):
            continue
        used |= {n, m}
        parent[root(b.row)] = root(a.row)
        ends = [list(lines[e.row][0 if e.end == 0 else -1][:2]) for e in (a, b)]
        holes.append(Hole(a, b, round(distance, 1), {"type": "LineString", "coordinates": ends}))
    return holes


def _record(result: IngestResult, members: list[Submission], field: str, hole: Hole, messages: Messages) -> None:
    first, second = members[hole.first.row], members[hole.second.row]
    for row, end, other in ((first, hole.first.end, second), (second, hole.second.end, first)):
        text = messages.both(
            "facility.continuity.hole-mark", distance=hole.distance_m, row=other.row, id=other.submission_id
        )
        # placed at the row's end the hole touches (chainage 0 or its length), shown as the hole itself
        chainage = 0.0 if end == 0 else _length_m(LineString(row.geometry["coordinates"]))
        mark = Mark(text, start_m=chainage, length_m=hole.distance_m, geometry=hole.geometry)
        value = row.values.get(field)
        if value is None or isinstance(value, tuple):
            row.values[field] = (*(value or ()), mark)
    lon, lat = hole.geometry["coordinates"][0]
    params = {
        "distance": hole.distance_m,
        "row": second.row,
        "id": second.submission_id,
        "first_id": first.submission_id,
        "lon": round(lon, 6),
        "lat": round(lat, 6),
    }
    result.problems.append(
        Problem(result.file, "facility.continuity.hole", row=first.row, params=params, level=WARNING)
    )


def _length_m(line: LineString) -> float:
    """Metres along a WGS-84 line: the chainage of its far end."""
    to_metric = metric_transformers(utm_epsg(line.coords[0][0]))[0].transform
    return LineString([to_metric(x, y) for x, y, *_ in line.coords]).length
