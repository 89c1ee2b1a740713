"""The rectification list (整改清单): failed items now, each open / new, and items fixed since the compared round."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from audit.model import Check, Finding, Outcome, Severity, Subject
from audit.model.scoring import effective_severity
from audit.render.report.content import STATUSES, RectifyRow
from audit.render.report.places import clause_labels, location, photo_of, required_text, value_text
from audit.render.report.text import Text
from audit.render.view import RoundView
from audit.store import Round, Store

Item = tuple[str, str]  # (subject key, check id)
FIXED_OUTCOMES = (Outcome.PASS, Outcome.NA)


def failed_items(findings: Iterable[Finding]) -> dict[Item, Finding]:
    return {(f.subject_key, f.check_id): f for f in findings if f.outcome is Outcome.FAIL}


def _complete_rounds_back_from(store: Store, start: Round) -> list[Round]:
    """Complete rounds of `start`'s kind up to and including it, newest first."""
    rounds = [
        r
        for r in store.rounds(start.kind)
        if r.id == start.id or (r.status == "complete" and (r.started_at, r.id) < (start.started_at, start.id))
    ]
    return sorted(rounds, key=lambda r: (r.started_at, r.id), reverse=True)


def first_seen(store: Store, start: Round, items: set[Item]) -> dict[Item, Round]:
    """For items failing in `start`, the first round of the unbroken run of rounds in which each failed.

    A round where the item passed or was not audited ends the run: a defect that comes back is a new one.
    """
    seen: dict[Item, Round] = {}
    remaining = set(items)
    for round_ in _complete_rounds_back_from(store, start):
        if not remaining:
            break
        failing = {
            (f.subject_key, f.check_id)
            for f in store.findings(round_.id)
            if f.outcome is Outcome.FAIL and (f.subject_key, f.check_id) in remaining
        }
        for item in failing:
            seen[item] = round_
        remaining = failing
    return seen


def inspection_dates(store: Store, seen: Mapping[Item, Round]) -> dict[tuple[int, str], str]:
    """(round id, subject key) -> the inspection date written on that round's row, where one was written."""
    wanted: dict[int, set[str]] = {}
    for (key, _check), round_ in seen.items():
        wanted.setdefault(round_.id, set()).add(key)
    return {
        (round_id, s.key): str(s.attributes["inspected_on"])
        for round_id, keys in wanted.items()
        for s in store.snapshots(round_id, keys=keys)
        if s.attributes.get("inspected_on")
    }


def found_on(round_: Round, subject_key: str, dates: Mapping[tuple[int, str], str]) -> str:
    """First found: the inspection date on the row of the round that first found it, else that round's start."""
    return dates.get((round_.id, subject_key), round_.started_at)


def _status(item: Item, now_failed: Mapping[Item, Finding], before_failed: Mapping[Item, Finding]) -> str:
    if item in now_failed:
        return "open" if item in before_failed else "new"
    return "fixed"


class _RowMaker:
    """Turns one failed finding into a row; holds what every row needs so the loop stays short."""

    def __init__(
        self,
        checks: Mapping[str, Check],
        text: Text,
        division: Callable[[str | None], str],
        label: Callable[[Any, str], Any] | None = None,
        dates: Mapping[tuple[int, str], str] | None = None,
    ):
        self.checks, self.text, self.division = checks, text, division
        self.dates = dates or {}  # (round id, subject key) -> inspection date written on that round's row
        self.label = label or (lambda value, _check_id: value)  # choice codes -> labels in the reader's language

    def row(self, finding: Finding, subject: Subject, status: str, seen: Round | None, kind: str) -> RectifyRow:
        check = self.checks.get(finding.check_id)
        severity = effective_severity(finding, check).value if check else (finding.severity or Severity.MINOR).value
        return RectifyRow(
            subject_key=subject.key,
            subject=subject.name,
            location=location(subject),
            division=self.division(subject.area_code),
            check_id=finding.check_id,
            item=self.text.pick(check.title, finding.check_id) if check else finding.check_id,
            clauses=clause_labels(check.clauses, self.text) if check else (),
            measured=value_text(self.label(finding.measured, finding.check_id)),
            required=required_text(self.label(finding.required, finding.check_id), check, self.text),
            photo=photo_of(finding.evidence, subject),
            first_seen=found_on(seen, subject.key, self.dates) if seen else None,
            status=status,
            severity=severity,
            round_kind=kind,
        )


def rectification_rows(
    store: Store,
    view: RoundView,
    previous: RoundView | None,
    checks: Mapping[str, Check],
    text: Text,
    division: Callable[[str | None], str],
    label: Callable[[Any, str], Any] | None = None,
) -> list[RectifyRow]:
    """Open and new items of the current round, and items fixed since the compared round.

    Fixed means the compared round failed the check and this round answered it pass or n/a; a subject
    not re-audited, or a check now left for review, is not claimed as fixed.
    """
    now_all = list(view.findings())
    now_failed = failed_items(now_all)
    before_failed = failed_items(previous.findings()) if previous else {}
    now_ok = {(f.subject_key, f.check_id) for f in now_all if f.outcome in FIXED_OUTCOMES}
    fixed = {item: f for item, f in before_failed.items() if item in now_ok and item[0] in view.subjects}
    seen = first_seen(store, view.round, set(now_failed))
    if previous:
        seen.update(first_seen(store, previous.round, set(fixed)))
    maker = _RowMaker(checks, text, division, label, inspection_dates(store, seen))
    rows = [
        maker.row(f, view.subjects[item[0]], _status(item, now_failed, before_failed), seen.get(item), view.round.kind)
        for item, f in {**now_failed, **fixed}.items()
    ]
    return rows


def sort_rows(rows: list[RectifyRow]) -> list[RectifyRow]:
    """Open before new before fixed; within each, the worst severity first, then by division and subject."""
    rank = {s.value: s.rank for s in Severity}
    return sorted(
        rows, key=lambda r: (STATUSES.index(r.status), -rank.get(r.severity, 0), r.division, r.subject, r.item)
    )
