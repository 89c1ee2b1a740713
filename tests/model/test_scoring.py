"""The scoring contract: worked examples and properties (hypothesis)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.model import Check, Finding, Outcome, Severity, score_subject
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
    assert result.grade == "A" and result.compliant is False and result.blocking_checks == ("floor",)


def test_nothing_applicable_means_no_score_not_zero(catalog):
    checks = {"a": check("a"), "b": check("b")}
    result = score_subject(
        "p", [Finding("p", "a", Outcome.REVIEW), Finding("p", "b", Outcome.NA)], checks, catalog.policy
    )
    assert (result.score, result.grade, result.compliant) == (None, None, None)
    assert result.coverage == 0.5
    assert result.counts == {"pass": 0, "fail": 0, "review": 1, "n/a": 1}


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
    assert catalog.policy.version.startswith("1+")


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
    assert after.score >= before.score


@given(subject_findings(), st.sampled_from([Outcome.NA, Outcome.REVIEW]), st.sampled_from(list(Severity)))
def test_na_and_review_never_change_the_score(catalog, data, outcome, severity):
    checks, findings = data
    extra = check("extra-check", severity, veto=True)
    before = score_subject("s", findings, checks, catalog.policy)
    after = score_subject(
        "s", findings + [Finding("s", extra.id, outcome)], {**checks, extra.id: extra}, catalog.policy
    )
    assert (after.score, after.grade, after.compliant) == (before.score, before.grade, before.compliant)


@given(subject_findings(min_size=1), st.sampled_from([True, False]))
def test_a_critical_or_veto_failure_is_never_compliant(catalog, data, as_veto):
    checks, findings = data
    bad = check("bad", Severity.MINOR if as_veto else Severity.CRITICAL, veto=as_veto, pin_severity=True)
    result = score_subject("s", findings + [Finding("s", "bad", Outcome.FAIL)], {**checks, "bad": bad}, catalog.policy)
    assert result.compliant is False


def test_unknown_check_is_an_error_not_a_silent_pass(catalog):
    with pytest.raises(KeyError):
        score_subject("s", [Finding("s", "nope", Outcome.FAIL)], {}, catalog.policy)
