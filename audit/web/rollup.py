"""A website's findings, rolled up from its pages' findings (no scores here: the model scores them).

Per check: fail if any page fails it, else review if any page needs review, else pass if any page
passes, else n/a. `passed`/`failed` count *pages*, so partial credit means "3 of 40 pages fail"; the
severity is the worst among failing pages; evidence keeps the first instances with their page URL.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby

from audit.model.findings import Finding
from audit.model.vocab import Outcome, Severity

EVIDENCE_PER_CHECK = 20


def site_findings(site_key: str, page_findings: Iterable[Finding]) -> list[Finding]:
    ordered = sorted(page_findings, key=lambda f: f.check_id)
    return [_roll(site_key, check_id, list(group)) for check_id, group in groupby(ordered, key=lambda f: f.check_id)]


def _roll(site_key: str, check_id: str, findings: list[Finding]) -> Finding:
    by_outcome = {o: [f for f in findings if f.outcome is o] for o in Outcome}
    failing, passing = by_outcome[Outcome.FAIL], by_outcome[Outcome.PASS]
    if failing:
        outcome = Outcome.FAIL
    elif by_outcome[Outcome.REVIEW]:
        outcome = Outcome.REVIEW
    elif passing:
        outcome = Outcome.PASS
    else:
        outcome = Outcome.NA
    shown = failing or by_outcome[Outcome.REVIEW] or by_outcome[Outcome.NA]
    severities = [f.severity for f in failing if f.severity] or [f.severity for f in shown if f.severity]
    severity = max(severities, key=lambda s: s.rank) if severities else None
    evidence = [e for f in shown for e in f.evidence][:EVIDENCE_PER_CHECK]
    information_only = any(f.extra.get("information_only") for f in findings)
    extra = {"pages": len(findings), "information_only": True} if information_only else {"pages": len(findings)}
    applicable = outcome in (Outcome.PASS, Outcome.FAIL)
    return Finding(
        site_key,
        check_id,
        outcome,
        passed=len(passing) if applicable else None,
        failed=len(failing) if applicable else None,
        severity=severity if isinstance(severity, Severity) else None,
        evidence=tuple(evidence),
        measured=shown[0].measured if information_only and shown else None,
        note=f"{len(failing)}/{len(findings)} pages fail" if applicable else "",
        extra=extra,
    )
