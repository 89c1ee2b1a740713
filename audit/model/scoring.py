"""Findings of one subject -> its score, grade and compliance. Pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from audit.model.checks import Check
from audit.model.findings import Finding
from audit.model.policy import ScoringPolicy
from audit.model.vocab import Outcome, Severity

GRADED = "graded"
INSUFFICIENT = "insufficient"

# Why a subject is insufficient (待补充), as codes outputs translate (`scoring.reason.<code>` messages).
NOTHING_APPLICABLE = "nothing-applicable"
COVERAGE_BELOW_FLOOR = "coverage-below-floor"
VETO_UNANSWERED = "veto-unanswered"


@dataclass(frozen=True)
class SubjectScore:
    """The scored state of one subject in one round.

    `state` is GRADED or INSUFFICIENT. An insufficient subject has no score and no grade, is not
    compliant (False, never None), and says why (`reasons`), which veto checks were left unanswered
    and which checks are missing (`unanswered_checks`), so outputs can list it for re-inspection.
    `coverage` is the share of applicable checks (pass, fail, review; n/a excluded) that were answered.
    """

    subject_key: str
    score: float | None
    grade: str | None
    compliant: bool | None
    coverage: float
    counts: Mapping[str, int]
    failed_checks: tuple[str, ...]
    blocking_checks: tuple[str, ...]
    version: str
    state: str = GRADED
    reasons: tuple[str, ...] = ()
    unanswered_vetoes: tuple[str, ...] = ()
    unanswered_checks: tuple[str, ...] = ()

    @property
    def insufficient(self) -> bool:
        return self.state == INSUFFICIENT


def effective_severity(finding: Finding, check: Check) -> Severity:
    """An auditor's severity (axe impact) wins unless the checklist pins one for the check."""
    if check.answer.get("pin_severity") or finding.severity is None:
        return check.severity
    return finding.severity


def check_credit(finding: Finding, policy: ScoringPolicy) -> float:
    """Share of the check's weight earned: 1 for pass, partial by instances for fail, capped.

    The cap makes any failed instance cost at least (1 - cap) of the weight, so one missing alt
    among 200 images still shows.
    """
    if finding.outcome is Outcome.PASS:
        return 1.0
    passed, failed = finding.passed or 0, finding.failed or 0
    if failed <= 0 or passed <= 0:
        return 0.0
    return min(passed / (passed + failed), policy.failed_check_max_credit)


def _blocks(finding: Finding, check: Check, severity: Severity) -> bool:
    return finding.outcome is Outcome.FAIL and (check.veto or severity is Severity.CRITICAL)


def score_subject(
    subject_key: str,
    findings: Iterable[Finding],
    checks: Mapping[str, Check],
    policy: ScoringPolicy,
    left_out: int = 0,
) -> SubjectScore:
    """Severity-weighted share of applicable checks passed; review and n/a count neither way.

    `left_out` checks were not run on the subject (the user left them out): unanswered, they lower its coverage,
    so a grade from a few checks run is never shown as the grade of the whole checklist.

    A failed critical or veto check makes the subject non-compliant and grades it `non_compliant_grade`
    whatever the number; that known failure wins over missing data. Otherwise a subject with nothing
    applicable answered, coverage below the floor, or an unanswered veto check is insufficient.
    """
    earned = total = 0.0
    counts = {o.value: 0 for o in Outcome}
    failed: list[str] = []
    blocking: list[str] = []
    unanswered: list[str] = []
    vetoes: list[str] = []
    for finding in findings:
        check = checks[finding.check_id]
        counts[finding.outcome.value] += 1
        if finding.outcome is Outcome.REVIEW:
            unanswered.append(finding.check_id)
            if check.veto:
                vetoes.append(finding.check_id)
        if not finding.outcome.is_applicable:
            continue
        severity = effective_severity(finding, check)
        weight = policy.weight(severity)
        total += weight
        earned += weight * check_credit(finding, policy)
        if finding.outcome is Outcome.FAIL:
            failed.append(finding.check_id)
            if _blocks(finding, check, severity):
                blocking.append(finding.check_id)
    answered = counts[Outcome.PASS.value] + counts[Outcome.FAIL.value]
    applicable = answered + counts[Outcome.REVIEW.value] + max(0, left_out)
    coverage = answered / applicable if applicable else 0.0
    common = {
        "subject_key": subject_key,
        "coverage": round(coverage, 4),
        "counts": counts,
        "failed_checks": tuple(failed),
        "blocking_checks": tuple(blocking),
        "version": policy.version,
    }
    reasons = insufficiency(total, coverage, vetoes, policy) if total <= 0 or not blocking else ()
    if reasons:
        return SubjectScore(
            score=None,
            grade=None,
            compliant=False,
            state=INSUFFICIENT,
            reasons=reasons,
            unanswered_vetoes=tuple(vetoes),
            unanswered_checks=tuple(unanswered),
            **common,
        )
    score = round(100.0 * earned / total, 2)
    grade = policy.grade(policy.non_compliant_grade) if blocking else policy.grade_for(score)
    return SubjectScore(score=score, grade=grade.code, compliant=grade.passing and not blocking, **common)


def insufficiency(total: float, coverage: float, vetoes: list[str], policy: ScoringPolicy) -> tuple[str, ...]:
    """Why the answered checks cannot grade the subject; empty when they can."""
    if total <= 0:
        return (NOTHING_APPLICABLE,)
    rule = policy.insufficient
    reasons = []
    if coverage < rule.coverage_floor - 1e-9:
        reasons.append(COVERAGE_BELOW_FLOOR)
    if vetoes and rule.veto_unanswered == INSUFFICIENT:
        reasons.append(VETO_UNANSWERED)
    return tuple(reasons)
