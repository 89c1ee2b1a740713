"""The problem ledger (问题台账) as pure logic: a failed check on a subject is a problem with a stable id, moved
open → assigned → rectified → verified (or reopened) by people and by later inspections. No I/O here."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from audit.model.vocab import Outcome

OPEN, ASSIGNED, RECTIFIED, VERIFIED, REOPENED = "open", "assigned", "rectified", "verified", "reopened"
STATES = (OPEN, ASSIGNED, RECTIFIED, VERIFIED, REOPENED)
CLOSED = frozenset({VERIFIED})
# how an event came about: a person acting in the service/API, or an inspection round stored
BY_INSPECTION = "inspection"
ID_CHARS = 12  # base32 characters of sha256: 60 bits, no collision expected among millions of problems


class LedgerError(ValueError):
    """A transition that is not allowed; `key` names the message (checklists/messages/ledger.yaml)."""

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key, self.values = key, values


@dataclass(frozen=True)
class Problem:
    """One failed check on one subject, followed across rounds. Dates are ISO strings."""

    id: str
    subject_key: str
    check_id: str
    severity: str
    status: str
    first_seen: str  # date of the inspection that first found it
    last_seen: str  # date of the latest inspection that found it failing
    first_round: int | None = None
    last_round: int | None = None
    area_code: str | None = None
    subject_name: str = ""
    measured: Any = None
    required: Any = None
    photo: str | None = None  # the inspector's photo of the defect (safe stored name)
    unit: str | None = None  # the responsible unit (a unit account's name)
    deadline: str | None = None
    rectified_note: str = ""
    rectified_photo: str | None = None
    closed_at: str | None = None
    updated_at: str = ""

    @property
    def reference(self) -> str:
        """What people quote: 'P-ABCD-EFGH-JKLM'."""
        return reference(self.id)

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED

    def age_days(self, today: date) -> int:
        return max((today - date.fromisoformat(self.first_seen[:10])).days, 0)

    def is_overdue(self, today: date) -> bool:
        return (
            not self.is_closed
            and self.status != RECTIFIED
            and bool(self.deadline)
            and self.deadline < today.isoformat()
        )


@dataclass(frozen=True)
class Event:
    """One change of a problem: who, when, from → to, a note and an evidence photo."""

    problem_id: str
    at: str
    by: str
    from_status: str | None
    to_status: str
    note: str = ""
    photo: str | None = None
    round_id: int | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)


def problem_id(subject_key: str, check_id: str) -> str:
    """The same subject and check give the same id in every round, so a reopened problem keeps its id."""
    digest = hashlib.sha256(f"{subject_key}\x1f{check_id}".encode()).digest()
    return base64.b32encode(digest).decode()[:ID_CHARS]


def reference(pid: str) -> str:
    return "P-" + "-".join(pid[i : i + 4] for i in range(0, len(pid), 4))


def parse_reference(text: str) -> str:
    """'p-abcd-efgh-jklm' or 'ABCDEFGHJKLM' -> the id."""
    cleaned = text.strip().upper().removeprefix("P-").replace("-", "")
    return cleaned


@dataclass(frozen=True)
class Seen:
    """What one inspection said about one (subject, check): the outcome and, for a failure, its evidence."""

    subject_key: str
    check_id: str
    outcome: Outcome
    on: str  # inspection date
    round_id: int | None = None
    severity: str = "minor"
    area_code: str | None = None
    subject_name: str = ""
    measured: Any = None
    required: Any = None
    photo: str | None = None


def inspect(current: Problem | None, seen: Seen, at: str) -> tuple[Problem, Event] | None:
    """What a stored inspection does to the ledger; None when nothing changes state.

    A failure opens a problem (or reopens a rectified or verified one, same id); a pass closes any problem
    still open as verified by inspection; 'review' and 'n/a' answer nothing and change nothing.
    A failure that stays failing refreshes the evidence and last-seen date (returned with an event of no
    state change only when the state changed, so history holds transitions, not every round)."""
    if seen.outcome is Outcome.FAIL:
        if current is None:
            opened = Problem(
                id=problem_id(seen.subject_key, seen.check_id),
                subject_key=seen.subject_key,
                check_id=seen.check_id,
                severity=seen.severity,
                status=OPEN,
                first_seen=seen.on,
                last_seen=seen.on,
                first_round=seen.round_id,
                last_round=seen.round_id,
                area_code=seen.area_code,
                subject_name=seen.subject_name,
                measured=seen.measured,
                required=seen.required,
                photo=seen.photo,
                updated_at=at,
            )
            return opened, _event(opened, None, at, seen)
        refreshed = replace(
            current,
            severity=seen.severity,
            last_seen=max(current.last_seen, seen.on),
            last_round=seen.round_id,
            area_code=seen.area_code or current.area_code,
            subject_name=seen.subject_name or current.subject_name,
            measured=seen.measured,
            required=seen.required,
            photo=seen.photo or current.photo,
            updated_at=at,
        )
        if current.status in (RECTIFIED, VERIFIED):
            reopened = replace(refreshed, status=REOPENED, closed_at=None)
            return reopened, _event(reopened, current.status, at, seen)
        return refreshed, None  # still failing: stays as it is, with its age
    if seen.outcome is Outcome.PASS and current is not None and not current.is_closed:
        verified = replace(current, status=VERIFIED, closed_at=at, last_round=seen.round_id, updated_at=at)
        return verified, _event(verified, current.status, at, seen)
    return None


def _event(problem: Problem, before: str | None, at: str, seen: Seen) -> Event:
    return Event(
        problem.id,
        at,
        BY_INSPECTION,
        before,
        problem.status,
        round_id=seen.round_id,
        photo=seen.photo if seen.outcome is Outcome.FAIL else None,
        detail={"outcome": seen.outcome.value, "inspected_on": seen.on},
    )


def assign(problem: Problem, unit: str, deadline: str, by: str, at: str, note: str = "") -> tuple[Problem, Event]:
    """An official gives an open (or reopened, or already assigned) problem to a unit with a deadline."""
    if problem.status not in (OPEN, ASSIGNED, REOPENED):
        raise LedgerError("ledger.error.not-assignable", status=problem.status)
    if not unit.strip():
        raise LedgerError("ledger.error.no-unit")
    _check_date(deadline)
    changed = replace(problem, status=ASSIGNED, unit=unit.strip(), deadline=deadline, updated_at=at)
    return changed, Event(
        problem.id, at, by, problem.status, ASSIGNED, note, detail={"unit": unit, "deadline": deadline}
    )


def rectify(problem: Problem, note: str, photo: str | None, by: str, at: str) -> tuple[Problem, Event]:
    """The responsible unit reports the fix, with a note and (for a facility) a photo of it."""
    if problem.status not in (ASSIGNED, REOPENED) or not problem.unit:
        raise LedgerError("ledger.error.not-rectifiable", status=problem.status)
    if not note.strip():
        raise LedgerError("ledger.error.no-note")
    if photo is None and needs_photo(problem):
        raise LedgerError("ledger.error.no-photo")
    changed = replace(problem, status=RECTIFIED, rectified_note=note.strip(), rectified_photo=photo, updated_at=at)
    return changed, Event(problem.id, at, by, problem.status, RECTIFIED, note.strip(), photo)


def review(problem: Problem, accepted: bool, by: str, at: str, note: str = "") -> tuple[Problem, Event]:
    """An inspector checks a rectified problem on site: verified (closed), or reopened when not fixed."""
    if problem.status != RECTIFIED:
        raise LedgerError("ledger.error.not-rectified", status=problem.status)
    if accepted:
        changed = replace(problem, status=VERIFIED, closed_at=at, updated_at=at)
    else:
        if not note.strip():
            raise LedgerError("ledger.error.no-note")
        changed = replace(problem, status=REOPENED, updated_at=at)
    return changed, Event(problem.id, at, by, RECTIFIED, changed.status, note.strip())


def undo_round(
    problem: Problem, history: list[Event], round_id: int, by: str, at: str, detail: Mapping[str, Any]
) -> tuple[str, Problem | None, Event | None]:
    """What withdrawing round `round_id`'s inspection of this problem's subject does to it, given its events
    (oldest first): ('delete', None, None) when that inspection opened it and nothing happened since;
    ('revert', problem, event) to the state before that inspection when only that inspection moved it;
    ('keep', None, None) when there was no such event, or a person or a later inspection has acted on the
    problem since (their decisions stand; the withdrawal is then left to them)."""
    withdrawn = [i for i, e in enumerate(history) if e.by == BY_INSPECTION and e.round_id == round_id]
    if not withdrawn:
        return "keep", None, None
    first = withdrawn[0]
    if any(i not in withdrawn for i in range(first, len(history))):
        return "keep", None, None
    before = history[first].from_status
    if before is None:
        return "delete", None, None
    earlier = history[:first]
    closed_at = next((e.at for e in reversed(earlier) if e.to_status in CLOSED), None) if before in CLOSED else None
    last_round = next((e.round_id for e in reversed(earlier) if e.round_id is not None), problem.first_round)
    reverted = replace(problem, status=before, closed_at=closed_at, last_round=last_round, updated_at=at)
    return "revert", reverted, Event(problem.id, at, by, problem.status, before, round_id=round_id, detail=detail)


def needs_photo(problem: Problem) -> bool:
    """A facility fix is shown by a photo; a web page's fix is seen by auditing the page again."""
    return problem.subject_key.startswith("facility:")


def _check_date(text: str) -> None:
    try:
        date.fromisoformat(text)
    except (TypeError, ValueError):
        raise LedgerError("ledger.error.bad-deadline", deadline=text) from None
    if len(text) != 10:
        raise LedgerError("ledger.error.bad-deadline", deadline=text)
