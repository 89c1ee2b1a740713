"""The report's ledger section: open problems by age and severity (overdue first) and problems closed this period,
read from the problem ledger in the store (nothing recomputed from findings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from audit.model.problems import CLOSED, STATES, VERIFIED
from audit.model.vocab import Severity
from audit.render.report.places import check_title
from audit.render.report.text import Text
from audit.store import Store

AGE_BANDS = ((30, "30"), (90, "90"), (180, "180"), (None, "more"))
SEVERITIES = tuple(s.value for s in sorted(Severity, key=lambda s: -s.rank))
RANK = {s.value: s.rank for s in Severity}
SHOWN = 200  # rows of each table; the CLI export has them all


@dataclass(frozen=True)
class LedgerRow:
    reference: str
    subject: str
    area_code: str | None
    check: str
    severity: str
    status: str
    first_seen: str
    age_days: int
    unit: str | None
    deadline: str | None
    overdue: bool
    closed_at: str | None = None


@dataclass
class LedgerSection:
    since: str
    open_rows: list[LedgerRow] = field(default_factory=list)
    closed_rows: list[LedgerRow] = field(default_factory=list)
    open_total: int = 0
    overdue_total: int = 0
    closed_total: int = 0
    # age band -> severity -> count of problems not closed
    ages: dict[str, dict[str, int]] = field(default_factory=dict)


def band_of(days: int) -> str:
    return next(name for limit, name in AGE_BANDS if limit is None or days <= limit)


def ledger_section(store: Store, checks, text: Text, area: str | None, since: str, today: date) -> LedgerSection:
    """Problems of `area` not closed (overdue first, then severity and age) and those verified since `since`."""
    open_states = [s for s in STATES if s not in CLOSED]
    still_open = store.problems(area=area, statuses=open_states)
    still_open.sort(key=lambda p: (not p.is_overdue(today), -RANK.get(p.severity, 0), -p.age_days(today), p.id))
    section = LedgerSection(since=since[:10], open_total=len(still_open))
    section.overdue_total = sum(p.is_overdue(today) for p in still_open)
    section.ages = {name: dict.fromkeys(SEVERITIES, 0) for _, name in AGE_BANDS}
    for problem in still_open:
        counts = section.ages[band_of(problem.age_days(today))]
        counts[problem.severity] = counts.get(problem.severity, 0) + 1
    closed = [
        p for p in store.problems(area=area, statuses=[VERIFIED]) if p.closed_at and p.closed_at[:10] >= since[:10]
    ]
    closed.sort(key=lambda p: (p.closed_at or "", p.id), reverse=True)
    section.closed_total = len(closed)
    section.open_rows = [_row(p, checks, text, today) for p in still_open[:SHOWN]]
    section.closed_rows = [_row(p, checks, text, today) for p in closed[:SHOWN]]
    return section


def _row(problem, checks, text: Text, today: date) -> LedgerRow:
    return LedgerRow(
        reference=problem.reference,
        subject=problem.subject_name or problem.subject_key,
        area_code=problem.area_code,
        check=check_title(checks, problem.check_id, text),
        severity=problem.severity,
        status=problem.status,
        first_seen=problem.first_seen,
        age_days=problem.age_days(today),
        unit=problem.unit,
        deadline=problem.deadline,
        overdue=problem.is_overdue(today),
        closed_at=problem.closed_at,
    )
