"""The scoring contract: worked examples and properties (hypothesis)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.model import MODEL_VERSION, Check, Finding, Outcome, Severity, score_subject
from tests.model.strategies import subject_findings


def check(cid: str, severity: Severity = Severity.SERIOUS, veto: bool = False, **answer) -> Check:
    return Check(id=cid, severity=severity, title={"zh": cid, "en": cid}, veto=veto, answer=answer)


def test_all_pass_scores_100_grade_a(catalog):
    checks = {c.id: c for c in (check("a"), check("b", Severity.MINOR))}
    result = score_subject(
        "s", [Finding("s", "a", Outcome.PASS), Finding("s", "b", Outcome.PASS)], checks, catalog.policy
    )
    assert (result.score, result.grade, result.compliant, result.coverage) == (100.0, "A", True, 1.0)


def test_weighted_share_uses_severity_weights(catalog):
    # critical (10) passes, serious (7) fails, moderate (3) passes: (10 + 3) / 20 = 65
    checks = {
        c.id: c for c in (check("c", Severity.CRITICAL), check("s", Severity.SERIOUS), check("m", Severity.MODERATE))
    }
    findings = [Finding("x", "c", Outcome.PASS), Finding("x", "s", Outcome.FAIL), Finding("x", "m", Outcome.PASS)]
    result = score_subject("x", findings, checks, catalog.policy)
    assert result.score == 65.0
    assert result.grade == "C" and result.compliant is True
    assert result.failed_checks == ("s",)


def test_one_failed_instance_among_200_still_costs_half_the_check(catalog):
    checks = {"img": check("img", Severity.CRITICAL), "t": check("t", Severity.CRITICAL)}
    findings = [Finding("p", "img", Outcome.FAIL, passed=199, failed=1), Finding("p", "t", Outcome.PASS)]
    result = score_subject("p", findings, checks, catalog.policy)
    assert result.score == 75.0  # (10 * 0.5 + 10) / 20
    assert result.compliant is False  # a failed critical is never compliant
    assert result.grade == "D"  # ... and never graded as passing, though its score is 75
    assert result.blocking_checks == ("img",)


def test_partial_credit_below_the_cap(catalog):
    checks = {"a": check("a", Severity.SERIOUS)}
    result = score_subject("p", [Finding("p", "a", Outcome.FAIL, passed=1, failed=3)], checks, catalog.policy)
    assert result.score == 25.0


def test_auditor_severity_overrides_unless_pinned(catalog):
    loose = {"a": check("a", Severity.MINOR), "b": check("b", Severity.MINOR)}
    pinned = {"a": check("a", Severity.MINOR), "b": check("b", Severity.MINOR, pin_severity=True)}
    findings = [Finding("p", "a", Outcome.PASS), Finding("p", "b", Outcome.FAIL, severity=Severity.CRITICAL)]
    assert score_subject("p", findings, loose, catalog.policy).score == round(100 * 1 / 11, 2)
    assert score_subject("p", findings, pinned, catalog.policy).score == 50.0


def test_veto_failure_is_never_compliant_even_at_high_score(catalog):
    checks = {f"ok{i}": check(f"ok{i}", Severity.CRITICAL) for i in range(20)}
    checks["floor"] = check("floor", Severity.MINOR, veto=True)
    findings = [Finding("p", cid, Outcome.PASS) for cid in checks if cid != "floor"]
    findings.append(Finding("p", "floor", Outcome.FAIL))
    result = score_subject("p", findings, checks, catalog.policy)
    assert result.score > 95 and result.grade == "D" and result.compliant is False
    assert result.blocking_checks == ("floor",) and result.state == "graded"


def test_critical_failure_at_70_is_graded_d_with_its_score_shown(catalog):
    # W3C's inaccessible demo: half the images without alt (critical), scoring 70, was C 合格.
    checks = {
        "alt": check("alt", Severity.CRITICAL),
        "label": check("label", Severity.MINOR),
        "ok": check("ok", Severity.SERIOUS),
        "n1": check("n1", Severity.MINOR),
        "n2": check("n2", Severity.MINOR),
    }
    findings = [Finding("w3c", "alt", Outcome.FAIL, passed=33, failed=33), Finding("w3c", "label", Outcome.FAIL)]
    findings += [Finding("w3c", cid, Outcome.PASS) for cid in ("ok", "n1", "n2")]
    result = score_subject("w3c", findings, checks, catalog.policy)
    assert result.score == 70.0  # (10 * 0.5 + 0 + 7 + 1 + 1) / 20, still shown
    assert result.grade == catalog.policy.non_compliant_grade == "D"
    assert catalog.policy.grade("D").label["zh"] == "不合格"
    assert result.compliant is False and result.state == "graded"


def test_nothing_applicable_is_insufficient_never_a_grade(catalog):
    checks = {"a": check("a"), "b": check("b")}
    result = score_subject(
        "p", [Finding("p", "a", Outcome.REVIEW), Finding("p", "b", Outcome.NA)], checks, catalog.policy
    )
    assert (result.score, result.grade, result.compliant, result.state) == (None, None, False, "insufficient")
    assert result.reasons == ("nothing-applicable",)
    assert result.coverage == 0.0 and result.unanswered_checks == ("a",)
    assert result.counts == {"pass": 0, "fail": 0, "review": 1, "n/a": 1}
    nothing = score_subject("p", [Finding("p", "b", Outcome.NA)], checks, catalog.policy)
    assert (nothing.grade, nothing.compliant, nothing.state) == (None, False, "insufficient")
    empty = score_subject("p", [], checks, catalog.policy)
    assert (empty.grade, empty.compliant, empty.state) == (None, False, "insufficient")


def test_toilet_with_1_of_15_answered_is_insufficient_not_100_a(catalog):
    checks = {f"c{i}": check(f"c{i}") for i in range(15)}
    checks["c14"] = check("c14", Severity.CRITICAL, veto=True)
    findings = [Finding("t", "c0", Outcome.PASS)] + [Finding("t", f"c{i}", Outcome.REVIEW) for i in range(1, 15)]
    result = score_subject("t", findings, checks, catalog.policy)
    assert (result.score, result.grade, result.compliant, result.state) == (None, None, False, "insufficient")
    assert result.reasons == ("coverage-below-floor", "veto-unanswered")
    assert result.unanswered_vetoes == ("c14",)
    assert len(result.unanswered_checks) == 14
    assert result.coverage == round(1 / 15, 4)


def test_an_unanswered_veto_alone_makes_a_subject_insufficient(catalog):
    checks = {f"c{i}": check(f"c{i}") for i in range(9)}
    checks["veto"] = check("veto", Severity.MINOR, veto=True)
    findings = [Finding("t", f"c{i}", Outcome.PASS) for i in range(9)] + [Finding("t", "veto", Outcome.REVIEW)]
    result = score_subject("t", findings, checks, catalog.policy)
    assert result.coverage == 0.9
    assert (result.grade, result.compliant, result.state, result.reasons) == (
        None,
        False,
        "insufficient",
        ("veto-unanswered",),
    )


def test_coverage_exactly_at_the_floor_is_graded(catalog):
    assert catalog.policy.insufficient.coverage_floor == 0.6
    checks = {f"c{i}": check(f"c{i}") for i in range(5)}
    findings = [Finding("t", f"c{i}", Outcome.PASS) for i in range(3)]
    findings += [Finding("t", f"c{i}", Outcome.REVIEW) for i in range(3, 5)]
    findings.append(Finding("t", "na", Outcome.NA))  # n/a is not applicable: not in the coverage
    result = score_subject("t", findings, {**checks, "na": check("na")}, catalog.policy)
    assert (result.coverage, result.state, result.score, result.grade, result.compliant) == (
        0.6,
        "graded",
        100.0,
        "A",
        True,
    )
    below = score_subject("t", findings[:2] + findings[3:], checks | {"na": check("na")}, catalog.policy)
    assert below.state == "insufficient" and below.reasons == ("coverage-below-floor",)


def test_checks_left_out_count_against_coverage_so_one_check_run_never_grades_a_page(catalog):
    """`a11y-audit web --only axe-image-alt` on a clean page: 1 check passed, 71 left out -> not 100/A."""
    checks = {"alt": check("alt")}
    findings = [Finding("p", "alt", Outcome.PASS)]
    alone = score_subject("p", findings, checks, catalog.policy, left_out=71)
    assert (alone.state, alone.score, alone.grade, alone.reasons) == (
        "insufficient",
        None,
        None,
        ("coverage-below-floor",),
    )
    assert alone.coverage == round(1 / 72, 4)
    # a few left out (--ignore two rules) of many answered: still graded, on what was run
    many = {f"c{i}": check(f"c{i}") for i in range(20)}
    some = score_subject("p", [Finding("p", c, Outcome.PASS) for c in many], many, catalog.policy, left_out=2)
    assert (some.state, some.score, some.coverage) == ("graded", 100.0, round(20 / 22, 4))


def test_a_known_blocking_failure_wins_over_missing_data(catalog):
    checks = {f"c{i}": check(f"c{i}") for i in range(10)}
    checks["veto"] = check("veto", Severity.MINOR, veto=True)
    findings = [Finding("t", "veto", Outcome.FAIL)] + [Finding("t", f"c{i}", Outcome.REVIEW) for i in range(10)]
    result = score_subject("t", findings, checks, catalog.policy)
    assert (result.state, result.grade, result.compliant, result.score) == ("graded", "D", False, 0.0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"non_compliant_grade": "A"}, "non_compliant_grade"),
        ({"non_compliant_grade": "Z"}, "non_compliant_grade"),
        ({"insufficient": None}, "insufficient"),
        ({"insufficient": {"coverage_floor": 1.5, "veto_unanswered": "insufficient"}}, "coverage_floor"),
        ({"insufficient": {"coverage_floor": "most", "veto_unanswered": "insufficient"}}, "coverage_floor"),
        ({"insufficient": {"coverage_floor": 0.6, "veto_unanswered": "pass"}}, "veto_unanswered"),
        ({"insufficient": {"coverage_floor": 0.6, "veto_unanswered": "insufficient", "label": {"zh": "x"}}}, "label"),
    ],
)
def test_bad_policy_values_are_errors_naming_the_key(change, message):
    import yaml

    from audit.catalog.load import default_root
    from audit.model import ScoringPolicy

    data = yaml.safe_load((default_root() / "scoring.yaml").read_text(encoding="utf-8"))
    with pytest.raises(ValueError, match=message):
        ScoringPolicy.from_mapping(data | change)


def test_grade_bands(catalog):
    grade = catalog.policy.grade_for
    assert [grade(s).code for s in (100, 90, 89.99, 75, 74.99, 60, 59.99, 0)] == [
        "A",
        "A",
        "B",
        "B",
        "C",
        "C",
        "D",
        "D",
    ]
    assert [grade(s).label["zh"] for s in (95, 80, 65, 10)] == ["优秀", "良好", "合格", "不合格"]


def test_scoring_version_changes_with_the_policy(catalog):
    changed = replace(catalog.policy, failed_check_max_credit=0.4)
    assert changed.version != catalog.policy.version
    assert catalog.policy.version.startswith(f"{MODEL_VERSION}+")
    stricter = replace(catalog.policy, insufficient=replace(catalog.policy.insufficient, coverage_floor=0.8))
    assert stricter.version != catalog.policy.version


@given(subject_findings())
def test_score_is_within_0_and_100(catalog, data):
    checks, findings = data
    result = score_subject("s", findings, checks, catalog.policy)
    assert result.score is None or 0.0 <= result.score <= 100.0
    assert 0.0 <= result.coverage <= 1.0


@given(subject_findings(min_size=1), st.data())
def test_turning_a_fail_into_a_pass_never_lowers_the_score(catalog, data, draw):
    checks, findings = data
    failing = [i for i, f in enumerate(findings) if f.outcome is Outcome.FAIL]
    if not failing:
        return
    i = draw.draw(st.sampled_from(failing))
    before = score_subject("s", findings, checks, catalog.policy)
    fixed = findings[:i] + [replace(findings[i], outcome=Outcome.PASS, failed=0)] + findings[i + 1 :]
    after = score_subject("s", fixed, checks, catalog.policy)
    # Fixing a blocking failure may reveal that the rest was never answered: insufficient, not a lower score.
    assert after.insufficient or after.score >= before.score
    assert after.compliant or not before.compliant


@given(subject_findings(), st.sampled_from(list(Severity)), st.booleans())
def test_na_never_changes_the_verdict(catalog, data, severity, veto):
    checks, findings = data
    extra = check("extra-check", severity, veto=veto)
    before = score_subject("s", findings, checks, catalog.policy)
    after = score_subject(
        "s", findings + [Finding("s", extra.id, Outcome.NA)], {**checks, extra.id: extra}, catalog.policy
    )
    assert (after.score, after.grade, after.compliant, after.state) == (
        before.score,
        before.grade,
        before.compliant,
        before.state,
    )


@given(subject_findings(), st.sampled_from(list(Severity)), st.booleans())
def test_an_unanswered_check_never_improves_the_verdict(catalog, data, severity, veto):
    checks, findings = data
    extra = check("extra-check", severity, veto=veto)
    before = score_subject("s", findings, checks, catalog.policy)
    after = score_subject(
        "s", findings + [Finding("s", extra.id, Outcome.REVIEW)], {**checks, extra.id: extra}, catalog.policy
    )
    assert after.score in (before.score, None)
    assert after.compliant is False or before.compliant is True
    if veto and not after.blocking_checks:
        assert after.state == "insufficient" and extra.id in after.unanswered_vetoes


@given(subject_findings())
def test_no_failed_critical_or_veto_has_a_passing_grade(catalog, data):
    checks, findings = data
    result = score_subject("s", findings, checks, catalog.policy)
    passing = {g.code for g in catalog.policy.grades if g.passing}
    if result.blocking_checks:
        assert result.grade == catalog.policy.non_compliant_grade and result.grade not in passing
        assert result.compliant is False and result.score is not None


@given(subject_findings())
def test_no_insufficient_subject_is_compliant_or_graded(catalog, data):
    checks, findings = data
    result = score_subject("s", findings, checks, catalog.policy)
    assert result.state in ("graded", "insufficient")
    assert result.compliant is not None  # every verdict is explicit
    if result.insufficient:
        assert (result.score, result.grade, result.compliant) == (None, None, False) and result.reasons
    else:
        assert result.score is not None and result.grade is not None
        assert result.coverage >= catalog.policy.insufficient.coverage_floor - 1e-9 or result.blocking_checks


@given(subject_findings(min_size=1), st.sampled_from([True, False]))
def test_a_critical_or_veto_failure_is_never_compliant(catalog, data, as_veto):
    checks, findings = data
    bad = check("bad", Severity.MINOR if as_veto else Severity.CRITICAL, veto=as_veto, pin_severity=True)
    result = score_subject("s", findings + [Finding("s", "bad", Outcome.FAIL)], {**checks, "bad": bad}, catalog.policy)
    assert result.compliant is False


def test_unknown_check_is_an_error_not_a_silent_pass(catalog):
    with pytest.raises(KeyError):
        score_subject("s", [Finding("s", "nope", Outcome.FAIL)], {}, catalog.policy)
