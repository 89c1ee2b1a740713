"""Which rounds a report covers: per kind (web, facility) a current round and the round it is compared with.

`--round` and `--compare` name rounds by id or by label and may be repeated. A round has one kind, so a
value selects the round of that kind; a label shared by a web and a facility round (e.g. "2024Q4")
selects both. A kind no value names uses its latest complete round, compared with the complete round of
the same kind before it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from audit.store import Round, Store
from audit.store.base import ROUND_KINDS


class RoundNotFound(LookupError):
    """A value names no round, or several rounds of one kind; `key` is the message key, `values` its fields."""

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class RoundPair:
    """One kind's current round and the round it is compared with (None: first round, nothing to compare)."""

    kind: str
    current: Round
    previous: Round | None


def match_rounds(store: Store, value: str) -> list[Round]:
    """Rounds whose id or label is `value`, at most one per kind; RoundNotFound otherwise."""
    rounds = store.rounds()
    matches = [r for r in rounds if str(r.id) == value.strip()] or [r for r in rounds if r.label == value]
    if not matches:
        known = ", ".join(f"{r.id}{'/' + r.label if r.label else ''} ({r.kind})" for r in rounds) or "—"
        raise RoundNotFound("report.cli.unknown-round", value=value, known=known)
    for kind in ROUND_KINDS:
        same_kind = [r for r in matches if r.kind == kind]
        if len(same_kind) > 1:
            raise RoundNotFound(
                "report.cli.ambiguous-round", value=value, matches=", ".join(str(r.id) for r in same_kind)
            )
    return matches


def _by_kind(store: Store, values: Iterable[str]) -> dict[str, Round]:
    chosen: dict[str, Round] = {}
    for value in values:
        for found in match_rounds(store, value):
            chosen[found.kind] = found
    return chosen


def _earlier(a: Round, b: Round) -> bool:
    return (a.started_at, a.id) < (b.started_at, b.id)


def select_rounds(store: Store, rounds: Iterable[str] = (), compare: Iterable[str] = ()) -> list[RoundPair]:
    """The rounds a report covers, one pair per kind that has any; empty when the store holds no round."""
    current = _by_kind(store, rounds)
    against = _by_kind(store, compare)
    pairs = []
    for kind in ROUND_KINDS:
        now = current.get(kind) or store.latest_round(kind)
        if now is None:
            continue
        before = against.get(kind) or store.latest_round(kind, before=now.id)
        if before is not None and not _earlier(before, now):
            raise RoundNotFound("report.cli.compare-after", compare=before.id, current=now.id)
        pairs.append(RoundPair(kind, now, before))
    return pairs
