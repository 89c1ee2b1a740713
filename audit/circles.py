"""Barrier-free tourism service circles: coverage of required accessible facilities, and its gaps."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import shapely
from shapely.geometry import Point, Polygon, mapping, shape

from audit import geo
from audit.catalog.errors import ChecklistError
from audit.catalog.load import default_root, read_yaml
from audit.catalog.validate import require_valid
from audit.model.findings import Finding
from audit.model.subjects import Subject
from audit.model.vocab import Category, Outcome

CIRCLE_KIND = "service-circle"
SCHEMA = "circle.schema.json"


# -- the circle as data ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Matcher:
    """A facility subject matches when its kind is listed and, if given, attributes[attribute] is in values."""

    kinds: tuple[str, ...]
    attribute: str | None = None
    values: tuple[Any, ...] = ()

    def matches(self, subject: Subject) -> bool:
        if subject.kind not in self.kinds:
            return False
        return self.attribute is None or (subject.attributes or {}).get(self.attribute) in self.values


@dataclass(frozen=True)
class Requirement:
    """A facility type every point of the listed kinds must reach within `within_m` metres."""

    type: str
    name: Mapping[str, str]
    matchers: tuple[Matcher, ...]
    within_m: float
    applies_to: tuple[str, ...]
    verified: bool = True

    def matches(self, subject: Subject) -> bool:
        return any(m.matches(subject) for m in self.matchers)


@dataclass(frozen=True)
class CirclePoint:
    """An attraction or entrance of the circle, in WGS-84."""

    id: str
    name: Mapping[str, str]
    kind: str
    lon: float
    lat: float


@dataclass(frozen=True)
class Circle:
    id: str
    version: int
    name: Mapping[str, str]
    city: str
    county: str
    requires: tuple[Requirement, ...]
    points: tuple[CirclePoint, ...]
    polygon: Mapping[str, Any] = field(repr=False)
    centre: tuple[float, float] | None = None
    radius_m: float | None = None
    approximate: bool = False
    geometry_note: Mapping[str, str] = field(default_factory=dict)
    path: str = ""

    @property
    def key(self) -> str:
        return f"circle:{self.id}"

    def epsg(self) -> int:
        """The UTM zone of the circle's centroid: distances are computed in metres there."""
        return geo.utm_epsg(shape(self.polygon).centroid.x)


# -- loading ---------------------------------------------------------------------------------------
def circle_paths(root: Path) -> list[Path]:
    return sorted((root / "circles").glob("*.yaml"))


def load_circles(root: Path | str | None = None) -> list[Circle]:
    """Every circle in `checklists/circles/`; raises ChecklistError naming the file and item."""
    root = Path(root) if root else default_root()
    circles: dict[str, Circle] = {}
    for path in circle_paths(root):
        circle = load_circle(path, root)
        if circle.id in circles:
            raise ChecklistError(circle.path, [f"id: {circle.id!r} is already used by {circles[circle.id].path}"])
        circles[circle.id] = circle
    return list(circles.values())


def load_circle(path: Path, root: Path) -> Circle:
    source = f"{root.name}/circles/{path.name}"
    document = read_yaml(path, source)
    require_valid(document, root / "schema" / SCHEMA, source)
    problems = circle_problems(document)
    if problems:
        raise ChecklistError(source, problems)
    return _to_circle(document, source)


def circle_problems(document: Mapping[str, Any]) -> list[str]:
    """What the schema cannot say: unique ids, the county inside the city, points inside the area."""
    problems = []
    for section, key in (("points", "id"), ("requires", "type")):
        seen: set[str] = set()
        for index, item in enumerate(document[section]):
            if item[key] in seen:
                problems.append(f"{section}[{index}] ({key} {item[key]}) > {key}: {item[key]!r} is used more than once")
            seen.add(item[key])
    if document["county"][:4] != document["city"][:4] or document["city"][4:] != "00":
        problems.append(f"county: {document['county']} is not a county of city {document['city']}")
    system = document.get("coord_system", "wgs84")
    area = _area_polygon(document["area"], system)
    for index, point in enumerate(document["points"]):
        lon, lat = geo.to_wgs84(*point["location"], system)
        if not area.buffer(1e-9).covers(Point(lon, lat)):
            problems.append(
                f"points[{index}] (id {point['id']}) > location: {point['location']} lies outside the "
                "circle's area (swapped longitude/latitude, or an area too small?)"
            )
    return problems


def _area_polygon(area: Mapping[str, Any], system: str) -> Polygon:
    """The area in WGS-84: the polygon as given, or the centre buffered by the radius in metres."""
    if "polygon" in area:
        return Polygon([geo.to_wgs84(lon, lat, system) for lon, lat in area["polygon"]])
    lon, lat = geo.to_wgs84(*area["centre"], system)
    epsg = geo.utm_epsg(lon)
    to_m, to_deg = geo.metric_transformers(epsg)
    disc = Point(*to_m.transform(lon, lat)).buffer(area["radius_m"], quad_segs=16)
    return _reproject(disc, to_deg)


def _to_circle(document: Mapping[str, Any], source: str) -> Circle:
    system = document.get("coord_system", "wgs84")
    area = document["area"]
    centre = geo.to_wgs84(*area["centre"], system) if "centre" in area else None
    requires = tuple(
        Requirement(
            r["type"],
            dict(r["name"]),
            tuple(Matcher(tuple(m["kind"]), m.get("attribute"), tuple(m.get("values", ()))) for m in r["match"]),
            float(r["within_m"]),
            tuple(r["applies_to"]),
            r.get("verified", True),
        )
        for r in document["requires"]
    )
    points = tuple(
        CirclePoint(p["id"], dict(p["name"]), p["kind"], *geo.to_wgs84(*p["location"], system))
        for p in document["points"]
    )
    polygon = shapely.transform(_area_polygon(area, system), lambda xy: np.round(xy, 6))
    return Circle(
        document["id"],
        document["version"],
        dict(document["name"]),
        document["city"],
        document["county"],
        requires,
        points,
        mapping(polygon),
        centre,
        area.get("radius_m"),
        document.get("approximate", False),
        dict(document.get("geometry_note", {})),
        source,
    )


# -- analysis --------------------------------------------------------------------------------------
class Compliance(Protocol):
    """What the analysis needs of a stored SubjectScore (kept structural so auditors may use this module)."""

    compliant: bool | None


@dataclass(frozen=True)
class Candidate:
    """A facility of a required type and its distance from the point, in metres."""

    key: str
    name: str
    distance_m: float
    compliant: bool | None


@dataclass(frozen=True)
class Item:
    """One required item: a point of the circle and a facility type it must reach.

    `reason` is None when met, else 'missing' (no facility of the type in range), 'not-compliant'
    (some in range, none compliant) or 'not-scored' (some in range, none scored yet).
    """

    circle_id: str
    point: CirclePoint
    requirement: Requirement
    met: bool
    reason: str | None
    nearest: Candidate | None
    nearest_compliant: Candidate | None

    @property
    def location(self) -> dict[str, Any]:
        return {"type": "Point", "coordinates": [self.point.lon, self.point.lat]}


@dataclass(frozen=True)
class CircleCoverage:
    """Coverage = met items / required items; gaps are the items not met, in point order."""

    circle: Circle
    items: tuple[Item, ...]
    facilities_inside: int

    @property
    def required(self) -> int:
        return len(self.items)

    @property
    def met(self) -> int:
        return sum(item.met for item in self.items)

    @property
    def coverage(self) -> float | None:
        return self.met / self.required if self.required else None

    @property
    def gaps(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if not item.met)

    def by_type(self) -> dict[str, tuple[int, int]]:
        """requirement type -> (met, required)."""
        counts: dict[str, tuple[int, int]] = {}
        for item in self.items:
            met, required = counts.get(item.requirement.type, (0, 0))
            counts[item.requirement.type] = (met + item.met, required + 1)
        return counts


def analyse(
    circles: Iterable[Circle], facilities: Iterable[Subject], scores: Mapping[str, Compliance]
) -> list[CircleCoverage]:
    """Coverage and gaps of every circle, from facility subjects and their stored scores (by subject key)."""
    located = [s for s in facilities if s.geometry]
    return [analyse_circle(circle, located, scores) for circle in circles]


def analyse_circle(circle: Circle, facilities: Sequence[Subject], scores: Mapping[str, Compliance]) -> CircleCoverage:
    to_metres = _projector(circle.epsg())
    points = {p.id: to_metres(Point(p.lon, p.lat)) for p in circle.points}
    items = []
    relevant: dict[str, Subject] = {}
    for requirement in circle.requires:
        candidates = [s for s in facilities if requirement.matches(s)]
        relevant.update((s.key, s) for s in candidates)
        geometries = np.array([to_metres(shape(s.geometry)) for s in candidates], dtype=object)
        for point in circle.points:
            if point.kind in requirement.applies_to:
                distances = shapely.distance(points[point.id], geometries) if len(candidates) else np.array([])
                items.append(_item(circle.id, point, requirement, candidates, distances, scores))
    area = shape(circle.polygon)
    inside = sum(1 for s in relevant.values() if area.intersects(shape(s.geometry)))
    return CircleCoverage(circle, tuple(items), inside)


def _reproject(geometry, transformer):
    return shapely.transform(geometry, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def _projector(epsg: int):
    to_m, _ = geo.metric_transformers(epsg)
    return lambda geometry: _reproject(geometry, to_m)


def _item(
    circle_id: str,
    point: CirclePoint,
    requirement: Requirement,
    candidates: Sequence[Subject],
    distances: np.ndarray,
    scores: Mapping[str, Compliance],
) -> Item:
    def compliance(subject: Subject) -> bool | None:
        score = scores.get(subject.key)
        return None if score is None else score.compliant

    def candidate(index: int) -> Candidate:
        subject = candidates[index]
        return Candidate(subject.key, subject.name, round(float(distances[index]), 1), compliance(subject))

    order = np.argsort(distances, kind="stable")
    nearest = candidate(int(order[0])) if len(order) else None
    compliant_order = [int(i) for i in order if compliance(candidates[int(i)]) is True]
    nearest_ok = candidate(compliant_order[0]) if compliant_order else None
    if nearest_ok is not None and nearest_ok.distance_m <= requirement.within_m:
        return Item(circle_id, point, requirement, True, None, nearest, nearest_ok)
    in_range = [compliance(candidates[int(i)]) for i in order if distances[int(i)] <= requirement.within_m]
    if not in_range:
        reason = "missing"
    elif False in in_range:
        reason = "not-compliant"
    else:
        reason = "not-scored"
    return Item(circle_id, point, requirement, False, reason, nearest, nearest_ok)


# -- what maps, reports and the store take ---------------------------------------------------------
def as_subject(circle: Circle) -> Subject:
    """The circle as a subject (`circle:<id>`, kind service-circle, Polygon) for the store and maps."""
    return Subject(
        key=circle.key,
        kind=CIRCLE_KIND,
        category=Category.SCENIC,
        name=circle.name["zh"],
        area_code=circle.county,
        geometry=circle.polygon,
        attributes={
            "circle": circle.id,
            "version": circle.version,
            "name_en": circle.name["en"],
            "approximate": circle.approximate,
            "geometry_note": dict(circle.geometry_note),
            "points": [
                {"id": p.id, "name": dict(p.name), "kind": p.kind, "lon": p.lon, "lat": p.lat} for p in circle.points
            ],
        },
    )


def check_id(requirement_type: str) -> str:
    """The check a circle's findings are recorded under: one per required facility type."""
    return f"circle-{requirement_type}"


def as_findings(result: CircleCoverage) -> list[Finding]:
    """One finding per required type: instances are the points served / not served; each gap is evidence."""
    findings = []
    for requirement in result.circle.requires:
        items = [i for i in result.items if i.requirement is requirement]
        if not items:
            continue
        gaps = [i for i in items if not i.met]
        findings.append(
            Finding(
                subject_key=result.circle.key,
                check_id=check_id(requirement.type),
                outcome=Outcome.FAIL if gaps else Outcome.PASS,
                passed=len(items) - len(gaps),
                failed=len(gaps),
                evidence=tuple(_gap_evidence(i) for i in gaps),
                measured=f"{len(items) - len(gaps)}/{len(items)}",
                required=f"≤ {requirement.within_m:g} m",
            )
        )
    return findings


def _gap_evidence(item: Item) -> dict[str, Any]:
    nearest = item.nearest
    return {
        "geometry": item.location,
        "where": item.point.name["zh"],
        "name": item.point.name["zh"],
        "point": item.point.id,
        "reason": item.reason,
        "within_m": item.requirement.within_m,
        "nearest": None if nearest is None else {"key": nearest.key, "distance_m": nearest.distance_m},
        "nearest_compliant": None
        if item.nearest_compliant is None
        else {"key": item.nearest_compliant.key, "distance_m": item.nearest_compliant.distance_m},
        "message": f"{item.point.name['en']}: no compliant {item.requirement.name['en']} within "
        f"{item.requirement.within_m:g} m ({item.reason})",
    }
