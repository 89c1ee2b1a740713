"""Barrier-free tourism service circles: the stored circle subjects of the facility round, their coverage and gaps."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from audit.circles import CIRCLE_KIND, failure_reason
from audit.model.checks import Check
from audit.model.findings import Finding
from audit.model.subjects import Subject
from audit.model.vocab import Outcome
from audit.render.report.content import CircleGap, CircleRow
from audit.render.report.text import Text
from audit.render.view import RoundView

NAMES_SHOWN = 5  # providers named per gap; the count is always whole


def _gap(finding: Finding, checks: Mapping[str, Check], text: Text) -> CircleGap:
    """'accessible toilet [unverified]' — 'none in the circle' / '2 in the circle, none compliant: A, B'."""
    check = checks.get(finding.check_id)
    need = text.pick(check.title if check else None, finding.check_id)
    if check and not all(c.verified for c in check.clauses):
        need += f" [{text.t('report.unverified')}]"
    reason = failure_reason(finding) or "missing"
    names = [str(e.get("name") or e.get("key")) for e in finding.evidence]
    shown = text.t("report.sep.list").join(names[:NAMES_SHOWN]) + ("…" if len(names) > NAMES_SHOWN else "")
    where = text.t(f"report.circles.reason.{reason}", n=max(len(names), finding.failed or 0), names=shown)
    return CircleGap(need, where)


def _row(subject: Subject, findings: list[Finding], checks: Mapping[str, Check], text: Text, division) -> CircleRow:
    name = text.pick({"zh": subject.name, "en": subject.attributes.get("name_en") or ""}, subject.key)
    if subject.attributes.get("approximate"):
        name += f" [{text.t('report.circles.approximate')}]"
    answered = [f for f in findings if f.outcome in (Outcome.PASS, Outcome.FAIL)]
    met = sum(f.outcome is Outcome.PASS for f in answered)
    coverage = met / len(answered) if answered else None
    gaps = tuple(_gap(f, checks, text) for f in answered if f.outcome is Outcome.FAIL)
    return CircleRow(subject.key, name, division(subject.area_code), coverage, gaps)


def circle_rows(
    facility_view: RoundView | None,
    checks: Mapping[str, Check],
    text: Text,
    division: Callable[[str | None], str],
) -> list[CircleRow]:
    """The circle subjects the round's circle step stored (`audit.runs.circles`), in the view's area.

    Coverage is services met / services required, read from the stored findings (one per required service).
    No facility round, or no circle assessed in it: nothing to show.
    """
    if facility_view is None:
        return []
    circles = sorted((s for s in facility_view.subjects.values() if s.kind == CIRCLE_KIND), key=lambda s: s.key)
    return [_row(s, list(facility_view.findings(s.key)), checks, text, division) for s in circles]
