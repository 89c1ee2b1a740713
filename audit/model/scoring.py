"""Findings of one subject -> its score, grade and compliance. Pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from audit.model.checks import Check
from audit.model.findings import Finding
from audit.model.policy import ScoringPolicy
from audit.model.vocab import Outcome, Severity


@dataclass(frozen=True)
class SubjectScore:
    """The scored state of one subject in one round. `score` is None when nothing applicable was answered."""

    subject_key: str
    score: float | None
    grade: str | None
    compliant: bool | None
    coverage: float
    counts: Mapping[str, int]
    failed_checks: tuple[str, ...]
    blocking_checks: tuple[str, ...]
    version: str


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
) -> SubjectScore:
    """Severity-weighted share of applicable checks passed; review and n/a count neither way."""
    earned = total = 0.0
    counts = {o.value: 0 for o in Outcome}
    failed: list[str] = []
    blocking: list[str] = []
    for finding in findings:
        check = checks[finding.check_id]
        counts[finding.outcome.value] += 1
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
    n_findings = sum(counts.values())
    coverage = (n_findings - counts[Outcome.REVIEW.value]) / n_findings if n_findings else 0.0
    if total <= 0:
        return SubjectScore(
            subject_key, None, None, None, coverage, counts, tuple(failed), tuple(blocking), policy.version
        )
    score = round(100.0 * earned / total, 2)
    grade = policy.grade_for(score)
    compliant = grade.passing and not blocking
    return SubjectScore(
        subject_key, score, grade.code, compliant, coverage, counts, tuple(failed), tuple(blocking), policy.version
    )
