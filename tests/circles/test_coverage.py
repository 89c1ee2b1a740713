"""Which required services a circle provides: compliant facilities inside its area, by kind, as findings."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import pytest

from audit.catalog import load_catalog
from audit.circles import analyse, as_findings, as_subject, failure_reason, load_circles, services
from audit.model.subjects import Subject
from audit.model.vocab import Category, Outcome

# A disc of 3 km around (112.005, 28.0): 0.01° of longitude is ~983 m there, so 112.005 ± 0.02 is inside
# and 113.5 is far outside.
CIRCLE = """
id: tiny
version: 1
name: {zh: 测试服务圈, en: Test circle}
city: "430100"
county: "430104"
area: {centre: [112.005, 28.0], radius_m: 3000}
points:
  - {id: gate, name: {zh: 大门, en: Gate}, kind: entrance, location: [112.000, 28.000]}
"""
ALL = (
    "circle-accessible-entrance",
    "circle-accessible-parking",
    "circle-accessible-toilet",
    "circle-visitor-centre",
    "circle-accessible-route",
    "circle-rest-point",
    "circle-signage",
)


@dataclass(frozen=True)
class Score:
    compliant: bool | None
    state: str = "graded"


CATEGORY = {"toilet": Category.TOILETS, "parking": Category.PARKING, "road-segment": Category.ROADS}


def facility(key: str, kind: str, lon: float, lat: float = 28.0, **attributes) -> Subject:
    return Subject(
        key,
        kind,
        CATEGORY.get(kind, Category.SCENIC if kind == "scenic-spot" else Category.BUILDINGS),
        key.upper(),
        geometry={"type": "Point", "coordinates": [lon, lat]},
        attributes=attributes,
    )


FACILITIES = [
    facility("e1", "scenic-spot", 112.001, spot_type="entrance"),
    facility("b-far", "building-entrance", 113.5, 29.0),  # compliant, but outside
    facility("p1", "parking", 112.002),
    facility("t1", "toilet", 112.003),  # never scored
    facility("t2", "toilet", 112.004),  # insufficient data
    facility("v1", "scenic-spot", 112.005, spot_type="visitor-centre"),
    facility("sc1", "service-counter", 112.006),
    facility("a1", "scenic-spot", 112.007, spot_type="attraction"),
    facility("r1", "scenic-spot", 112.008, spot_type="rest-point"),
    facility("x1", "scenic-spot", 112.009),  # stored before spot types were recorded: serves nothing
    Subject(
        "road",
        "road-segment",
        Category.ROADS,
        "ROAD",
        geometry={"type": "LineString", "coordinates": [[111.9, 28.0], [112.0, 28.0]]},  # crosses the edge
    ),
]
SCORES = {
    "e1": Score(True),
    "b-far": Score(True),
    "p1": Score(False),
    "t2": Score(False, "insufficient"),
    "v1": Score(True),
    "sc1": Score(False),
    "a1": Score(True),
    "r1": Score(True),
    "x1": Score(True),
    "road": Score(True),
}


@pytest.fixture(scope="module")
def required():
    return services(load_catalog())


@pytest.fixture
def circle(circle_root):
    (circle_root / "circles" / "tiny.yaml").write_text(textwrap.dedent(CIRCLE), encoding="utf-8")
    (loaded,) = load_circles(circle_root)
    return loaded


def test_the_required_services_are_the_checks_of_the_circle_checklist(required):
    assert tuple(s.check_id for s in required) == ALL
    catalog = load_catalog()
    for service in required:
        check = catalog.checks[service.check_id]
        assert check.checklist == "service-circle" and check.title["zh"] and check.title["en"]
        assert not service.verified  # no official definition of a circle: every clause is marked unverified


def test_each_service_met_missing_non_compliant_or_not_graded(circle, required):
    (result,) = analyse([circle], required, FACILITIES, SCORES)
    by_check = {r.service.check_id: r for r in result.results}
    assert {c: r.reason for c, r in by_check.items()} == {
        "circle-accessible-entrance": None,
        "circle-accessible-parking": "not-compliant",
        "circle-accessible-toilet": "not-graded",
        "circle-visitor-centre": None,
        "circle-accessible-route": None,
        "circle-rest-point": None,
        "circle-signage": "missing",
    }
    assert (result.met, result.required, result.coverage) == (4, 7, pytest.approx(4 / 7))
    assert [p.key for p in by_check["circle-accessible-entrance"].providers] == ["e1"]  # b-far is outside
    assert [(p.key, p.status) for p in by_check["circle-visitor-centre"].providers] == [
        ("sc1", "not-compliant"),
        ("v1", "compliant"),
    ]
    assert [p.status for p in by_check["circle-accessible-toilet"].providers] == ["not-graded", "not-graded"]
    assert result.facilities_inside == 11 - 1  # all but b-far: x1 and the road lie in it, serving nothing


def test_findings_one_per_service_with_counts_and_the_facilities_considered(circle, required):
    (result,) = analyse([circle], required, FACILITIES, SCORES)
    findings = {f.check_id: f for f in as_findings(result)}
    assert tuple(findings) == ALL and {f.subject_key for f in findings.values()} == {"circle:tiny"}
    centre = findings["circle-visitor-centre"]
    assert (centre.outcome, centre.passed, centre.failed, centre.measured) == (Outcome.PASS, 1, 1, 1)
    # the one that lets the circle down first, each with its place for the map
    assert [(e["key"], e["status"]) for e in centre.evidence] == [("sc1", "not-compliant"), ("v1", "compliant")]
    assert centre.evidence[0]["geometry"] == {"type": "Point", "coordinates": [112.006, 28.0]}
    parking = findings["circle-accessible-parking"]
    assert (parking.outcome, parking.passed, parking.failed) == (Outcome.FAIL, 0, 1)
    signage = findings["circle-signage"]
    assert (signage.outcome, signage.passed, signage.failed, signage.evidence) == (Outcome.FAIL, 0, 0, ())
    assert [failure_reason(findings[c]) for c in ALL] == [
        None,
        "not-compliant",
        "not-graded",
        None,
        None,
        None,
        "missing",
    ]


def test_every_kind_of_scenic_spot_serves_a_circle(circle, required):
    """Each spot type of the scenic checklist, alone and compliant in the circle, provides some service."""
    spot_types = [c["value"] for c in load_catalog().checklists["scenic-spots"].field("spot_type").choices]
    assert set(spot_types) == {"entrance", "visitor-centre", "attraction", "viewing-platform", "rest-point"}
    for spot_type in spot_types:
        spot = facility("s", "scenic-spot", 112.005, spot_type=spot_type)
        (result,) = analyse([circle], required, [spot], {"s": Score(True)})
        assert result.met == 1, spot_type


@pytest.mark.parametrize(
    ("kind", "check"),
    [
        ("building-entrance", "circle-accessible-entrance"),
        ("parking", "circle-accessible-parking"),
        ("toilet", "circle-accessible-toilet"),
        ("service-counter", "circle-visitor-centre"),
        ("ramp", "circle-accessible-route"),
        ("lift", "circle-accessible-route"),
        ("signage", "circle-signage"),
    ],
)
def test_facility_kinds_that_serve_a_circle(circle, required, kind, check):
    (result,) = analyse([circle], required, [facility("f", kind, 112.005)], {"f": Score(True)})
    assert [r.service.check_id for r in result.results if r.met] == [check]


def test_an_uninspected_circle_is_not_assessed(circle, required):
    (result,) = analyse([circle], required, [facility("far", "toilet", 113.5, 29.0)], {"far": Score(True)})
    assert not result.assessed and result.coverage == 0.0
    (mission,) = [r for r in analyse(load_circles(), required, [], {}) if r.circle.id == "mangshan"]
    assert not mission.assessed


def test_circle_subject(circle):
    subject = as_subject(circle)
    assert (subject.key, subject.kind, subject.category, subject.area_code) == (
        "circle:tiny",
        "service-circle",
        Category.SCENIC,
        "430104",
    )
    assert subject.geometry["type"] == "Polygon"
    assert [p["id"] for p in subject.attributes["points"]] == ["gate"]
