"""Report content from two stored rounds, against values worked out by hand from the data in conftest.py."""

from __future__ import annotations

import pytest

from audit.render.report import RoundNotFound, build_report, select_rounds

from .conftest import ALT, CONTRAST, CURB, DOOR, GRAB, R1, S1, S2, T1, T2, T3


@pytest.fixture
def report(rounds):
    return build_report(rounds.store, rounds.catalog, select_rounds(rounds.store), area=None)


def _rows(report):
    return {(r.subject_key, r.check_id): r for r in report.rectification}


def test_latest_complete_rounds_are_compared_with_the_complete_round_before(rounds):
    pairs = {p.kind: p for p in select_rounds(rounds.store)}
    assert (pairs["facility"].current.id, pairs["facility"].previous.id) == (rounds.f2.id, rounds.f1.id)
    assert (pairs["web"].current.id, pairs["web"].previous.id) == (rounds.w2.id, rounds.w1.id)


def test_rounds_are_addressed_by_id_or_by_a_label_shared_by_both_kinds(rounds):
    pairs = {p.kind: p for p in select_rounds(rounds.store, rounds=["2024-spring"], compare=[])}
    assert pairs["facility"].current.id == rounds.f1.id and pairs["facility"].previous.id == rounds.f0.id
    assert pairs["web"].current.id == rounds.w1.id and pairs["web"].previous is None
    pairs = {p.kind: p for p in select_rounds(rounds.store, compare=[str(rounds.f0.id)])}
    assert pairs["facility"].previous.id == rounds.f0.id and pairs["web"].previous.id == rounds.w1.id


def test_unknown_round_and_a_compare_round_after_the_current_are_errors(rounds):
    with pytest.raises(RoundNotFound) as missing:
        select_rounds(rounds.store, rounds=["no-such-round"])
    assert missing.value.key == "report.cli.unknown-round"
    with pytest.raises(RoundNotFound) as later:
        select_rounds(rounds.store, rounds=[str(rounds.f1.id)], compare=[str(rounds.f2.id)])
    assert later.value.key == "report.cli.compare-after"


def test_indicators_failed_floor_first_with_hand_computed_values_and_points(report):
    rows = [(r.id, r.value, r.met, r.points) for r in report.indicators]
    # toilets: T1 100 (ok), T2 41.18 (veto), T3 58.82, T4 100 (ok) -> 2/4; roads: R1 fail, R2 pass -> 1/2;
    # information mean: S1 100, S2 0 -> 50 -> 0.5 of target 0.5; parking: nothing audited.
    assert rows[0] == ("toilet-rate", 0.5, False, 0.0)
    assert rows[1:] == [
        ("road-rate", 0.5, False, 3.75),
        ("info-mean", 0.5, True, 4.0),
        ("parking-rate", None, None, 0.0),
    ]
    previous = {r.id: r.previous for r in report.indicators}
    assert previous["toilet-rate"] == pytest.approx(1 / 3) and previous["road-rate"] == 0.0
    assert previous["info-mean"] == pytest.approx(0.7059)  # S1 in w1: (10*0.5 + 7) / 17
    assert (report.points, report.max_points, report.floors_failed) == (7.75, 20.0, 1)
    assert [r.verified for r in report.indicators if r.id == "info-mean"] == [False]


def test_categories_compliance_rates_means_grades_and_top_failed_with_clauses(report):
    cats = {r.category: r for r in report.categories}
    assert [r.category for r in report.categories] == ["all", "information", "roads", "toilets"]
    toilets = cats["toilets"]
    assert (toilets.subjects, toilets.scored, toilets.compliance_rate, toilets.mean_score) == (4, 4, 0.5, 75.0)
    assert dict(toilets.grades) == {"A": 2, "D": 2}
    assert toilets.previous_rate == pytest.approx(1 / 3) and toilets.previous_mean == 66.67
    assert toilets.rate_change == pytest.approx(0.5 - 1 / 3)
    assert [(c.check_id, c.subjects) for c in toilets.top_failed] == [(DOOR, 1), (GRAB, 1)]
    grab = next(c for c in toilets.top_failed if c.check_id == GRAB)
    assert grab.clauses == ("GB 50763-2012 3.9.3 [待核实]",)
    everything = cats["all"]
    assert (everything.subjects, everything.compliance_rate, everything.mean_score) == (8, 0.5, 62.5)


def test_rectification_statuses_open_new_fixed_and_first_seen(report, rounds):
    rows = _rows(report)
    expected = {
        (T1.key, DOOR): "fixed",
        (T2.key, GRAB): "open",
        (T3.key, DOOR): "new",
        (R1.key, CURB): "open",
        (S1.key, ALT): "fixed",
        (S2.key, ALT): "new",
        (S2.key, CONTRAST): "new",
    }
    assert {k: r.status for k, r in rows.items()} == expected
    assert report.status_counts() == {"open": 2, "new": 3, "fixed": 2}
    assert [r.status for r in report.rectification] == ["open", "open", "new", "new", "new", "fixed", "fixed"]
    # R1 failed in every facility round: first seen in f0; T2's grab bar passed in f0, failed from f1.
    assert rows[(R1.key, CURB)].first_seen == rounds.f0.started_at
    assert rows[(T2.key, GRAB)].first_seen == rounds.f1.started_at
    assert rows[(T3.key, DOOR)].first_seen == rounds.f2.started_at
    assert rows[(T1.key, DOOR)].first_seen == rounds.f1.started_at


def test_rectification_rows_carry_place_clause_measured_required_and_photo(report):
    rows = _rows(report)
    grab = rows[(T2.key, GRAB)]
    assert (grab.subject, grab.division, grab.location) == ("五一广场公厕", "芙蓉区（430102）", "28.20000, 112.98000")
    assert (grab.measured, grab.required, grab.photo, grab.severity) == (
        "无",
        "有 [待核实]",
        "t2-grab-2.jpg",
        "critical",
    )
    door = rows[(T3.key, DOOR)]
    assert (door.measured, door.required, door.clauses) == ("750 mm", "≥ 800 mm", ("GB 55019-2021 3.6.2",))
    assert rows[(R1.key, CURB)].location == "五一大道 1 号路口"
    assert rows[(S2.key, ALT)].location == "https://www.xiangtan.gov.cn"


def test_portals_scores_grades_critical_findings_and_trend(report):
    portals = {p.key: p for p in report.portals}
    assert [p.key for p in report.portals] == [S2.key, S1.key]  # lowest score first
    s1, s2 = portals[S1.key], portals[S2.key]
    assert (s1.score, s1.grade, s1.compliant, s1.critical, s1.previous_score) == (100.0, "A", True, 0, 70.59)
    assert s1.change == pytest.approx(29.41)
    assert (s2.score, s2.grade, s2.compliant, s2.critical, s2.audited_before) == (0.0, "D", False, 1, False)


def test_a_city_report_counts_only_the_city(rounds):
    report = build_report(rounds.store, rounds.catalog, select_rounds(rounds.store), area="430100")
    toilets = next(r for r in report.categories if r.category == "toilets")
    # T1 100 ok, T2 41.18, T4 100 ok (T3 is in Xiangtan)
    assert (toilets.subjects, toilets.compliance_rate, toilets.mean_score) == (3, pytest.approx(2 / 3), 80.39)
    assert report.area_name == "长沙市"
    assert {r.subject_key for r in report.rectification} == {T1.key, T2.key, R1.key, S1.key}
    assert [p.key for p in report.portals] == [S1.key]


def test_the_first_round_has_no_progress_and_everything_failing_is_new(rounds):
    report = build_report(
        rounds.store, rounds.catalog, select_rounds(rounds.store, rounds=[str(rounds.f0.id)]), area="430100"
    )
    assert next(line for line in report.rounds if line.kind == "facility").previous is None
    assert {r.status for r in report.rectification if r.round_kind == "facility"} == {"new"}
