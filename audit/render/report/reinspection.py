"""The re-inspection list: subjects with too little answered to grade (待补充), why, and what is missing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from audit.model import Check, Subject, SubjectScore, counts_in_aggregates
from audit.render.report.content import ReinspectRow
from audit.render.report.places import check_title, location
from audit.render.report.text import Text

MISSING_SHOWN = 8  # a row names this many missing checks, then says how many more


def reinspection_rows(
    pairs: Iterable[tuple[Subject, SubjectScore]],
    checks: Mapping[str, Check],
    text: Text,
    division: Callable[[str | None], str],
) -> list[ReinspectRow]:
    """Every insufficient subject that counts in the area's figures, by division then name."""
    rows = [
        _row(subject, score, checks, text, division)
        for subject, score in pairs
        if score.insufficient and counts_in_aggregates(subject)
    ]
    return sorted(rows, key=lambda r: (r.division, r.subject, r.subject_key))


def _row(subject: Subject, score: SubjectScore, checks: Mapping[str, Check], text: Text, division) -> ReinspectRow:
    reasons = [
        text.t(f"report.reinspect.reason.{code}", coverage=text.percent(score.coverage)) for code in score.reasons
    ]
    vetoes = [check_title(checks, c, text) for c in score.unanswered_vetoes]
    if vetoes:
        reasons.append(text.t("report.reinspect.vetoes", checks=text.t("report.sep.list").join(vetoes)))
    missing = [check_title(checks, c, text) for c in score.unanswered_checks]
    shown = text.t("report.sep.list").join(missing[:MISSING_SHOWN])
    if len(missing) > MISSING_SHOWN:
        shown += text.t("report.reinspect.more", count=len(missing) - MISSING_SHOWN)
    return ReinspectRow(
        subject_key=subject.key,
        subject=subject.name,
        location=location(subject),
        division=division(subject.area_code),
        coverage=score.coverage,
        reason=text.t("report.sep.list").join(reasons),
        missing=shown or "—",
        missing_count=len(missing),
    )
