"""Information accessibility: each government portal's stored score, grade, critical findings and trend."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping

from audit.model import Check, Outcome, Severity, Subject
from audit.model.scoring import effective_severity
from audit.render.report.content import PortalRow
from audit.render.view import RoundView

PORTAL_KINDS = ("website", "web-page")


def _portal_subjects(view: RoundView) -> list[Subject]:
    """Websites when the round scored whole sites; single pages when it only scored pages."""
    for kind in PORTAL_KINDS:
        found = [s for s in view.subjects.values() if s.kind == kind]
        if found:
            return found
    return []


def _owner(subject: Subject, portal_keys: set[str]) -> str:
    """The portal a page's findings count towards: its site (attributes.site), or the page itself."""
    site = subject.attributes.get("site")
    if site and f"site:{site}" in portal_keys:
        return f"site:{site}"
    return subject.key


def critical_counts(view: RoundView, portal_keys: set[str], checks: Mapping[str, Check]) -> Counter:
    """Failed findings of critical effective severity, on the portal itself or any of its pages."""
    counts: Counter = Counter()
    for finding in view.findings():
        check = checks.get(finding.check_id)
        if finding.outcome is not Outcome.FAIL or check is None:
            continue
        if effective_severity(finding, check) is Severity.CRITICAL:
            subject = view.subjects[finding.subject_key]
            counts[_owner(subject, portal_keys)] += 1
    return counts


def portal_rows(
    view: RoundView | None,
    previous: RoundView | None,
    checks: Mapping[str, Check],
    division: Callable[[str | None], str],
) -> list[PortalRow]:
    """Lowest score first, so the portals needing most work lead the table."""
    if view is None:
        return []
    portals = _portal_subjects(view)
    keys = {p.key for p in portals}
    critical = critical_counts(view, keys, checks)
    rows = []
    for portal in portals:
        score = view.scores.get(portal.key)
        before = previous.scores.get(portal.key) if previous else None
        rows.append(
            PortalRow(
                key=portal.key,
                name=portal.name,
                url=portal.url or "",
                division=division(portal.area_code),
                score=score.score if score else None,
                grade=score.grade if score else None,
                compliant=score.compliant if score else None,
                critical=critical.get(portal.key, 0),
                previous_score=before.score if before else None,
                audited_before=before is not None,
            )
        )
    return sorted(rows, key=lambda r: (r.score is None, r.score if r.score is not None else 0, r.name))
