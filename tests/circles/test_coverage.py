"""Coverage and gaps on a hand-made circle; expected distances worked out by hand below."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import pytest

from audit.circles import analyse, as_findings, as_subject, check_id, load_circles
from audit.model.subjects import Subject
from audit.model.vocab import Category, Outcome

# At 28° N one degree of longitude is 111412.84·cos 28° − 93.5·cos 84° ≈ 98 362 m and one degree of
# latitude is 111132.92 − 559.82·cos 56° + 1.175·cos 112° ≈ 110 819 m. UTM zone 49 shrinks distances
# near 112° E by ~0.03 %, inside the 0.2 % tolerance used below.
M_PER_DEG_LON = 98_362
M_PER_DEG_LAT = 110_819

CIRCLE = """
id: tiny
version: 1
name: {zh: 测试服务圈, en: Test circle}
city: "430100"
county: "430104"
area: {centre: [112.005, 28.0], radius_m: 3000}
requires:
  - type: accessible-toilet
    name: {zh: 无障碍厕所, en: accessible toilet}
    match: [{kind: [toilet]}]
    within_m: 500
    applies_to: [entrance, attraction]
  - type: accessible-parking
    name: {zh: 无障碍停车位, en: accessible parking}
    match: [{kind: [parking]}]
    within_m: 300
    applies_to: [entrance]
  - type: rest-point
    name: {zh: 休息点, en: rest point}
    match: [{kind: [scenic-spot], attribute: facility_type, values: [rest-point]}]
    within_m: 300
    applies_to: [attraction]
points:
  - {id: gate, name: {zh: 大门, en: Gate}, kind: entrance, location: [112.000, 28.000]}
  - {id: view, name: {zh: 观景台, en: Viewpoint}, kind: attraction, location: [112.010, 28.000]}
"""


@dataclass(frozen=True)
class Score:
    compliant: bool | None


def facility(key: str, kind: str, lon: float, lat: float, **attributes) -> Subject:
    category = {"toilet": Category.TOILETS, "parking": Category.PARKING}.get(kind, Category.SCENIC)
    return Subject(
        key, kind, category, key.upper(), geometry={"type": "Point", "coordinates": [lon, lat]}, attributes=attributes
    )


FACILITIES = [
    facility("t1", "toilet", 112.0020, 28.0000),  # gate 0.002° E = 196.7 m; view 0.008° W = 786.9 m
    facility("t2", "toilet", 112.0105, 28.0000),  # view 0.0005° E = 49.2 m
    facility("p1", "parking", 112.0000, 28.0040),  # gate 0.004° N = 443.3 m, beyond 300 m
    facility("r1", "scenic-spot", 112.0100, 28.0020, facility_type="rest-point"),  # view 0.002° N = 221.6 m
    facility("r2", "scenic-spot", 112.0101, 28.0000, facility_type="viewpoint"),  # not a rest point
    facility("far", "toilet", 113.5000, 29.0000),
]
SCORES = {"t1": Score(True), "t2": Score(False), "p1": Score(True), "r2": Score(True), "far": Score(True)}


@pytest.fixture
def circle(circle_root):
    (circle_root / "circles" / "tiny.yaml").write_text(textwrap.dedent(CIRCLE), encoding="utf-8")
    (loaded,) = load_circles(circle_root)
    return loaded


def items_by_key(result):
    return {(i.point.id, i.requirement.type): i for i in result.items}


def test_coverage_and_the_reason_of_each_gap(circle):
    (result,) = analyse([circle], FACILITIES, SCORES)
    assert (result.met, result.required, result.coverage) == (1, 4, 0.25)
    assert result.by_type() == {"accessible-toilet": (1, 2), "accessible-parking": (0, 1), "rest-point": (0, 1)}
    assert result.facilities_inside == 4  # t1, t2, p1, r1; r2 matches no requirement, `far` is outside
    items = items_by_key(result)

    gate_toilet = items[("gate", "accessible-toilet")]
    assert gate_toilet.met and gate_toilet.reason is None
    assert gate_toilet.nearest_compliant.key == "t1"
    assert gate_toilet.nearest_compliant.distance_m == pytest.approx(0.002 * M_PER_DEG_LON, rel=2e-3)

    view_toilet = items[("view", "accessible-toilet")]
    assert not view_toilet.met and view_toilet.reason == "not-compliant"
    assert view_toilet.nearest.key == "t2"
    assert view_toilet.nearest.distance_m == pytest.approx(0.0005 * M_PER_DEG_LON, rel=2e-3)
    assert view_toilet.nearest_compliant.distance_m == pytest.approx(0.008 * M_PER_DEG_LON, rel=2e-3)

    gate_parking = items[("gate", "accessible-parking")]
    assert gate_parking.reason == "missing"
    assert gate_parking.nearest.distance_m == pytest.approx(0.004 * M_PER_DEG_LAT, rel=2e-3)

    view_rest = items[("view", "rest-point")]
    assert view_rest.reason == "not-scored" and view_rest.nearest.key == "r1"
    assert view_rest.nearest.distance_m == pytest.approx(0.002 * M_PER_DEG_LAT, rel=2e-3)

    assert [(g.point.id, g.requirement.type) for g in result.gaps] == [
        ("view", "accessible-toilet"),
        ("gate", "accessible-parking"),
        ("view", "rest-point"),
    ]
    assert view_toilet.location == {"type": "Point", "coordinates": [112.01, 28.0]}


def test_fixing_a_facility_raises_coverage(circle):
    fixed = {**SCORES, "t2": Score(True), "r1": Score(True)}
    (result,) = analyse([circle], FACILITIES, fixed)
    assert (result.met, result.required) == (3, 4)
    assert [(g.point.id, g.requirement.type) for g in result.gaps] == [("gate", "accessible-parking")]


def test_no_facilities_at_all(circle):
    (result,) = analyse([circle], [], {})
    assert result.coverage == 0.0 and len(result.gaps) == 4
    assert all(g.reason == "missing" and g.nearest is None for g in result.gaps)


def test_findings_one_per_required_type_with_gaps_as_evidence(circle):
    (result,) = analyse([circle], FACILITIES, SCORES)
    findings = {f.check_id: f for f in as_findings(result)}
    assert set(findings) == {check_id(t) for t in ("accessible-toilet", "accessible-parking", "rest-point")}
    toilets = findings["circle-accessible-toilet"]
    assert (toilets.outcome, toilets.passed, toilets.failed, toilets.subject_key) == (Outcome.FAIL, 1, 1, "circle:tiny")
    (evidence,) = toilets.evidence
    assert evidence["point"] == "view" and evidence["reason"] == "not-compliant"
    assert evidence["geometry"]["coordinates"] == [112.01, 28.0]


def test_circle_subject(circle):
    subject = as_subject(circle)
    assert (subject.key, subject.kind, subject.category, subject.area_code) == (
        "circle:tiny",
        "service-circle",
        Category.SCENIC,
        "430104",
    )
    assert subject.geometry["type"] == "Polygon"
    assert [p["id"] for p in subject.attributes["points"]] == ["gate", "view"]


def test_mission_circles_run_on_an_empty_round():
    results = analyse(load_circles(), [], {})
    assert [r.circle.id for r in results] == ["mangshan", "shaoshan", "wulingyuan"]
    assert all(r.required > 0 and r.coverage == 0.0 for r in results)


def test_from_a_real_store_with_stored_scores(circle, store):
    from audit.model import SubjectScore

    def stored(key: str, compliant: bool | None) -> SubjectScore:
        return SubjectScore(
            key, 80.0 if compliant else 40.0, "B" if compliant else "D", compliant, 1.0, {}, (), (), "test"
        )

    round_ = store.begin_round("facility")
    with store.transaction():
        store.upsert_subjects(FACILITIES)
        store.put_scores(round_.id, [stored(k, s.compliant) for k, s in SCORES.items()])
    scores = {s.subject_key: s for s in store.scores(round_.id)}
    (result,) = analyse([circle], store.subjects(), scores)
    assert (result.met, result.required) == (1, 4)
