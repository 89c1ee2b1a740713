"""Who may do what in the problem ledger, and the actions themselves (the service's pages and API share them).

Officials assign problems in their areas to a responsible unit; a unit (an account of role `unit`, its name
the unit's) reports its own problems fixed; inspectors review fixes in their areas; admins may do all three;
viewers and everyone else read. The transitions are audit.model.problems'; this module adds rights and I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from audit.model import is_within
from audit.model.problems import Event, LedgerError, Problem, assign, rectify, review
from audit.service.accounts import Accounts, User
from audit.service.safety import Upload, store_photo
from audit.store import Store

SAFE_PHOTO = re.compile(r"^[0-9a-f]{24}\.(jpg|png|webp|heic)$")
PROBLEM_ID = re.compile(r"^[A-Z2-7]{12}$")
NOTE_CHARS = 2000
# wrong state for the action (409) versus bad input (422)
CONFLICTS = {"ledger.error.not-assignable", "ledger.error.not-rectifiable", "ledger.error.not-rectified"}


class Forbidden(Exception):
    """The user may not do this to this problem."""


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _in_areas(user: User, area_code: str | None) -> bool:
    return any(is_within(area_code, scope) for scope in user.areas)


def may_see(user: User, problem: Problem) -> bool:
    if user.role in ("admin", "viewer"):
        return True
    if user.role == "unit":
        return problem.unit == user.username
    return _in_areas(user, problem.area_code)


def may_assign(user: User, problem: Problem) -> bool:
    return user.is_admin or (user.role == "official" and _in_areas(user, problem.area_code))


def may_rectify(user: User, problem: Problem) -> bool:
    return user.is_admin or (user.role == "unit" and problem.unit == user.username)


def may_review(user: User, problem: Problem) -> bool:
    return user.is_admin or (user.role == "inspector" and _in_areas(user, problem.area_code))


def visible(store: Store, user: User, area: str | None, statuses: list[str] | None) -> list[Problem]:
    """The problems this user may see, narrowed to an area and states; oldest first."""
    if user.role in ("admin", "viewer"):
        return store.problems(area=area, statuses=statuses)
    if user.role == "unit":
        found = store.problems(area=area, statuses=statuses, unit=user.username)
        return found
    scopes = [a for a in user.areas if area is None or is_within(a, area)]
    if area is not None and _in_areas(user, area):
        scopes = [area]  # the filter lies inside one of the user's areas
    merged = {p.id: p for scope in scopes for p in store.problems(area=scope, statuses=statuses)}
    return sorted(merged.values(), key=lambda p: (p.first_seen, p.id))


def units_for(store: Store, problem: Problem) -> list[str]:
    """Active unit accounts whose areas hold the problem's place: whom it can be given to."""
    return [
        u.username for u in Accounts(store).all() if u.role == "unit" and u.active and _in_areas(u, problem.area_code)
    ]


@dataclass(frozen=True)
class Ledger:
    """The ledger as the service acts on it: each action checks the right, applies the transition, stores it."""

    store: Store
    photos_dir: Path

    def get(self, user: User, problem_id: str) -> Problem | None:
        """None when there is no such problem; Forbidden when there is one the user may not see."""
        pid = problem_id.strip().upper()
        problem = self.store.problem(pid) if PROBLEM_ID.match(pid) else None
        if problem is not None and not may_see(user, problem):
            raise Forbidden
        return problem

    def history(self, problem: Problem) -> list[Event]:
        return self.store.problem_events(problem.id)

    def assign(self, user: User, problem: Problem, unit: str, deadline: str, note: str) -> Problem:
        if not may_assign(user, problem):
            raise Forbidden
        unit = unit.strip()
        if unit and unit not in units_for(self.store, problem):
            raise LedgerError("ledger.error.unknown-unit", unit=unit)
        return self._save(*assign(problem, unit, deadline.strip(), user.username, now_iso(), note[:NOTE_CHARS]))

    def rectify(self, user: User, problem: Problem, note: str, photo: Upload | None) -> Problem:
        if not may_rectify(user, problem):
            raise Forbidden
        stored = store_photo(photo, self.photos_dir) if photo is not None and photo.data else None
        return self._save(*rectify(problem, note[:NOTE_CHARS], stored, user.username, now_iso()))

    def review(self, user: User, problem: Problem, decision: str, note: str) -> Problem:
        if not may_review(user, problem):
            raise Forbidden
        if decision not in ("verify", "reopen"):
            raise LedgerError("ledger.error.bad-status", status=decision, states="verify, reopen")
        return self._save(*review(problem, decision == "verify", user.username, now_iso(), note[:NOTE_CHARS]))

    def _save(self, problem: Problem, event: Event) -> Problem:
        self.store.put_problems([(problem, event)])
        return problem
