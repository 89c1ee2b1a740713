"""Barrier-free tourism service circles: their areas, and which required services a compliant facility inside provides."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import shapely
from shapely.geometry import Point, Polygon, mapping, shape

from audit import geo
from audit.catalog import Catalog
from audit.catalog.errors import ChecklistError
from audit.catalog.load import default_root, read_yaml
from audit.catalog.regions import LEGACY_REGION
from audit.catalog.regions import circle_paths as region_circle_paths
from audit.catalog.validate import require_valid
from audit.model.findings import Finding
from audit.model.subjects import Subject
from audit.model.vocab import Category, Outcome

CIRCLE_KIND = "service-circle"
SCHEMA = "circle.schema.json"


# -- the circle as data ----------------------------------------------------------------------------
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


# -- loading ---------------------------------------------------------------------------------------
def circle_paths(root: Path, region: str = LEGACY_REGION) -> list[Path]:
    return region_circle_paths(root, region)


def load_circles(root: Path | str | None = None, region: str = LEGACY_REGION) -> list[Circle]:
    """Every circle of the province `region` (checklists/regions/<region>/circles/; none when it has no such
    folder); raises ChecklistError naming the file and item."""
    root = Path(root) if root else default_root()
    circles: dict[str, Circle] = {}
    for path in circle_paths(root, region):
        circle = load_circle(path, root)
        if circle.county[:2] != region[:2]:
            raise ChecklistError(circle.path, [f"county: {circle.county} is not in the region {region}"])
        if circle.id in circles:
            raise ChecklistError(circle.path, [f"id: {circle.id!r} is already used by {circles[circle.id].path}"])
        circles[circle.id] = circle
    return list(circles.values())


def load_circle(path: Path, root: Path) -> Circle:
    source = f"{root.name}/{path.relative_to(root).as_posix()}"
    document = read_yaml(path, source)
    require_valid(document, root / "schema" / SCHEMA, source)
    problems = circle_problems(document)
    if problems:
        raise ChecklistError(source, problems)
    return _to_circle(document, source)


def circle_problems(document: Mapping[str, Any]) -> list[str]:
    """What the schema cannot say: unique ids, the county inside the city, points inside the area."""
    problems = []
    seen: set[str] = set()
    for index, item in enumerate(document["points"]):
        if item["id"] in seen:
            problems.append(f"points[{index}] (id {item['id']}) > id: {item['id']!r} is used more than once")
        seen.add(item["id"])
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


def _reproject(geometry, transformer):
    return shapely.transform(geometry, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def _to_circle(document: Mapping[str, Any], source: str) -> Circle:
    system = document.get("coord_system", "wgs84")
    area = document["area"]
    centre = geo.to_wgs84(*area["centre"], system) if "centre" in area else None
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
        points,
        mapping(polygon),
        centre,
        area.get("radius_m"),
        document.get("approximate", False),
        dict(document.get("geometry_note", {})),
        source,
    )


# -- the services a circle must provide (checks of the `circle` checklists) -------------------------
@dataclass(frozen=True)
class Matcher:
    """A facility serves when its kind is listed and, with `field`, its recorded choice of that field is in `values`."""

    kinds: tuple[str, ...]
    field: str | None = None
    values: tuple[str, ...] = ()

    def matches(self, subject: Subject) -> bool:
        if subject.kind not in self.kinds:
            return False
        return self.field is None or (subject.attributes or {}).get(self.field) in self.values


@dataclass(frozen=True)
class Service:
    """One required service: the check its finding is recorded under and the facilities that can provide it."""

    check_id: str
    title: Mapping[str, str]
    matchers: tuple[Matcher, ...]
    verified: bool = True

    def matches(self, subject: Subject) -> bool:
        return any(m.matches(subject) for m in self.matchers)


def services(catalog: Catalog) -> tuple[Service, ...]:
    """Every check of the catalog's `circle` checklists (checklists/circles/checks/), in file order."""
    return tuple(
        Service(
            check.id,
            dict(check.title),
            tuple(
                Matcher(tuple(m["kind"]), m.get("field"), tuple(m.get("values", ()))) for m in check.answer["served_by"]
            ),
            all(clause.verified for clause in check.clauses),
        )
        for checklist in catalog.domain("circle")
        for check in checklist.checks
    )


# -- analysis --------------------------------------------------------------------------------------
class Compliance(Protocol):
    """What the analysis needs of a stored SubjectScore (kept structural so this module never imports scoring)."""

    compliant: bool | None
    state: str


COMPLIANT, NOT_COMPLIANT, NOT_GRADED = "compliant", "not-compliant", "not-graded"
STATUS_ORDER = (NOT_COMPLIANT, NOT_GRADED, COMPLIANT)
EVIDENCE_LIMIT = 50  # providers listed per finding; the counts are always whole


@dataclass(frozen=True)
class Provider:
    """A facility of a service's kinds inside the circle, and whether its stored score makes it compliant."""

    key: str
    name: str
    kind: str
    geometry: Mapping[str, Any]
    status: str


@dataclass(frozen=True)
class ServiceResult:
    """One required service of one circle. Met when a compliant provider lies in the circle.

    `reason` is None when met, else 'missing' (no facility of the service in the circle), 'not-compliant'
    (some, every one graded non-compliant) or 'not-graded' (some, none compliant, some not graded yet).
    """

    service: Service
    providers: tuple[Provider, ...]

    def count(self, status: str) -> int:
        return sum(p.status == status for p in self.providers)

    @property
    def met(self) -> bool:
        return self.count(COMPLIANT) > 0

    @property
    def reason(self) -> str | None:
        if self.met:
            return None
        if not self.providers:
            return "missing"
        return NOT_GRADED if self.count(NOT_GRADED) else NOT_COMPLIANT


@dataclass(frozen=True)
class CircleCoverage:
    """Coverage = services met / services required; gaps are the services not met, in checklist order.

    `facilities_inside` counts every facility of the round in the circle, serving a service or not: with none,
    nothing of the circle has been inspected and it is not assessed (no subject, no findings)."""

    circle: Circle
    results: tuple[ServiceResult, ...]
    facilities_inside: int

    @property
    def assessed(self) -> bool:
        return self.facilities_inside > 0

    @property
    def required(self) -> int:
        return len(self.results)

    @property
    def met(self) -> int:
        return sum(r.met for r in self.results)

    @property
    def coverage(self) -> float | None:
        return self.met / self.required if self.required else None

    @property
    def gaps(self) -> tuple[ServiceResult, ...]:
        return tuple(r for r in self.results if not r.met)


def analyse(
    circles: Iterable[Circle],
    required: Sequence[Service],
    facilities: Iterable[Subject],
    scores: Mapping[str, Compliance],
) -> list[CircleCoverage]:
    """Coverage and gaps of every circle, from the round's facility subjects and their stored scores (by key)."""
    located = [s for s in facilities if s.geometry and s.kind != CIRCLE_KIND]
    shapes = _shapes(located)
    return [analyse_circle(circle, required, located, shapes, scores) for circle in circles]


def _shapes(located: Sequence[Subject]) -> np.ndarray:
    """Each facility's shape; the points (most facilities) made in one call, the same geometries as `shape`."""
    shapes = np.empty(len(located), dtype=object)
    points = [i for i, s in enumerate(located) if s.geometry.get("type") == "Point" and _flat(s.geometry)]
    if points:
        shapes[points] = shapely.points([located[i].geometry["coordinates"] for i in points])
    for i, s in enumerate(located):
        if shapes[i] is None:
            shapes[i] = shape(s.geometry)
    return shapes


def _flat(point: Mapping[str, Any]) -> bool:
    coordinates = point.get("coordinates")
    return isinstance(coordinates, (list, tuple)) and len(coordinates) == 2


def analyse_circle(
    circle: Circle,
    required: Sequence[Service],
    facilities: Sequence[Subject],
    shapes: np.ndarray,
    scores: Mapping[str, Compliance],
) -> CircleCoverage:
    """A facility is in the circle when any part of it lies in the circle's area (a road may cross its edge)."""
    area = shape(circle.polygon)
    shapely.prepare(area)
    hits = shapely.intersects(area, shapes) if len(shapes) else np.array([], dtype=bool)
    inside = sorted((facilities[int(i)] for i in np.flatnonzero(hits)), key=lambda s: s.key)
    results = tuple(
        ServiceResult(service, tuple(_provider(s, scores) for s in inside if service.matches(s)))
        for service in required
    )
    return CircleCoverage(circle, results, len(inside))


def _provider(subject: Subject, scores: Mapping[str, Compliance]) -> Provider:
    score = scores.get(subject.key)
    if score is None or getattr(score, "state", "graded") != "graded":
        status = NOT_GRADED  # an insufficient (待补充) facility is neither shown compliant nor shown failing
    else:
        status = COMPLIANT if score.compliant else NOT_COMPLIANT
    return Provider(subject.key, subject.name, subject.kind, subject.geometry, status)


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


def as_findings(result: CircleCoverage) -> list[Finding]:
    """One finding per required service: pass when a compliant provider lies in the circle, else fail (a
    missing service fails too: the circle must provide it). Instances are the compliant and non-compliant
    providers; evidence lists the providers considered, the ones that let the circle down first."""
    return [_finding(result.circle, r) for r in result.results]


def _finding(circle: Circle, result: ServiceResult) -> Finding:
    ordered = sorted(result.providers, key=lambda p: (STATUS_ORDER.index(p.status), p.key))
    return Finding(
        subject_key=circle.key,
        check_id=result.service.check_id,
        outcome=Outcome.PASS if result.met else Outcome.FAIL,
        passed=result.count(COMPLIANT),
        failed=result.count(NOT_COMPLIANT),
        evidence=tuple(_evidence(p) for p in ordered[:EVIDENCE_LIMIT]),
        measured=result.count(COMPLIANT),
        required="≥ 1",
    )


def _evidence(provider: Provider) -> dict[str, Any]:
    return {
        "key": provider.key,
        "name": provider.name,
        "where": provider.name,
        "kind": provider.kind,
        "status": provider.status,
        "geometry": dict(provider.geometry),
    }


def failure_reason(finding: Finding) -> str | None:
    """Why a stored circle finding failed, read back from its evidence (see ServiceResult.reason)."""
    if finding.outcome is not Outcome.FAIL:
        return None
    statuses = {e.get("status") for e in finding.evidence}
    if not statuses:
        return "missing"
    return NOT_GRADED if NOT_GRADED in statuses else NOT_COMPLIANT
