"""Human review as data: a reviewer's verdict, how it carries across rounds, and how it overrides `review`.

Pure: no I/O. A verdict is keyed by (subject, check) and by the fingerprint of what was judged (the nodes' markup,
the page's DOM, a facility's answer); the next round's item with the same fingerprint inherits it (carried), one
with another fingerprint does not (stale: needs re-review, not counted)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from audit.model.checks import Check
from audit.model.findings import Finding
from audit.model.vocab import Outcome

VERDICT_OUTCOMES = (Outcome.PASS, Outcome.FAIL, Outcome.NA)
PENDING, DECIDED, CARRIED, STALE = "pending", "decided", "carried", "stale"
STATES = (PENDING, DECIDED, CARRIED, STALE)


@dataclass(frozen=True)
class Verdict:
    """A person's judgement of one (subject, check) in one round: pass, fail or n/a, with a note."""

    round_id: int
    subject_key: str
    check_id: str
    outcome: Outcome
    author: str
    decided_at: str
    fingerprint: str
    note: str = ""
    carried_from: int | None = None  # set on a verdict inherited from an earlier round, never stored so


@dataclass(frozen=True)
class Resolution:
    """Where an item of the queue stands: its state and the verdict that counts (None unless decided/carried)."""

    state: str
    verdict: Verdict | None = None
    previous: Verdict | None = None  # the older verdict a stale item no longer matches


def fingerprint(value: Any) -> str:
    """A short stable hash of any JSON-able value (sorted keys, so dict order never matters)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def finding_fingerprint(finding: Finding) -> str:
    """What a reviewer of an automatic `review` finding judged: its nodes (selector + markup), or its answer."""
    nodes = [e.get("fingerprint") or [e.get("selector"), e.get("html")] for e in finding.evidence if "selector" in e]
    if nodes:
        return fingerprint(sorted(map(json.dumps, nodes)))
    return fingerprint({"measured": finding.measured, "note": finding.note})


def resolve(current: str, own: Verdict | None, previous: Verdict | None) -> Resolution:
    """This round's own verdict wins; else an earlier one carries while the fingerprint is unchanged."""
    if own is not None:
        return Resolution(DECIDED, own)
    if previous is None:
        return Resolution(PENDING)
    if previous.fingerprint == current:
        return Resolution(CARRIED, replace(previous, carried_from=previous.round_id), previous)
    return Resolution(STALE, None, previous)


def verdict_finding(verdict: Verdict, base: Finding | None = None) -> Finding:
    """The finding a verdict stands for: the automatic one's evidence kept, its outcome the person's."""
    extra: dict[str, Any] = dict(base.extra) if base else {}
    extra.update(
        {
            "author": verdict.author,
            "decided_at": verdict.decided_at,
            "human": True,
            **({"carried_from": verdict.carried_from} if verdict.carried_from is not None else {}),
        }
    )
    applicable = verdict.outcome in (Outcome.PASS, Outcome.FAIL)
    return Finding(
        subject_key=verdict.subject_key,
        check_id=verdict.check_id,
        outcome=verdict.outcome,
        # a person's verdict is about the whole item: no partial credit by instance counts
        passed=None if not applicable else int(verdict.outcome is Outcome.PASS),
        failed=None if not applicable else int(verdict.outcome is Outcome.FAIL),
        severity=base.severity if base else None,
        evidence=base.evidence if base else (),
        measured=base.measured if base else None,
        required=base.required if base else None,
        note=verdict.note,
        extra=extra,
    )


def apply_verdicts(findings: Iterable[Finding], verdicts: Mapping[tuple[str, str], Verdict]) -> list[Finding]:
    """Findings with each `review` one a counting verdict covers replaced, and verdicts on manual criteria added.

    A verdict never overrides an automatic pass or fail: people judge what the machine could not decide."""
    out: list[Finding] = []
    used: set[tuple[str, str]] = set()
    for finding in findings:
        key = (finding.subject_key, finding.check_id)
        verdict = verdicts.get(key)
        if verdict is not None and finding.outcome is Outcome.REVIEW:
            out.append(verdict_finding(verdict, finding))
            used.add(key)
        else:
            out.append(finding)
            if verdict is not None:
                used.add(key)
    out += [verdict_finding(v) for k, v in verdicts.items() if k not in used]
    return sorted(out, key=lambda f: (f.subject_key, f.check_id))


@dataclass(frozen=True)
class ElderItem:
    """One item of the 100-point elder-friendly evaluation and what decided it (None: not yet reviewed)."""

    check: Check
    outcome: Outcome | None
    source: str = ""  # "manual", "automatic" or "" when undecided

    @property
    def points(self) -> float:
        return float(self.check.answer.get("points", 0))

    @property
    def mandatory(self) -> bool:
        return bool(self.check.answer.get("mandatory"))

    @property
    def verified(self) -> bool:
        return all(c.verified for c in self.check.clauses[:1])


@dataclass(frozen=True)
class ElderResult:
    """Points earned of those possible (n/a items leave the total, scaled back to 100), the pass line and vetoes."""

    items: tuple[ElderItem, ...]
    pass_line: float
    score: float | None
    state: str  # "pass", "fail" or "insufficient" (items or mandatory items not yet reviewed)
    failed_mandatory: tuple[str, ...] = ()
    pending: tuple[str, ...] = ()
    unverified: tuple[str, ...] = field(default_factory=tuple)


def elder_evaluation(items: Iterable[ElderItem], pass_line: float) -> ElderResult:
    """MIIT's order: mandatory items first (any failed: not passed, whatever the points), then points vs the line.

    Nothing undecided is ever counted as earned: with any item pending the result is insufficient."""
    items = tuple(items)
    failed_mandatory = tuple(i.check.id for i in items if i.mandatory and i.outcome is Outcome.FAIL)
    pending = tuple(i.check.id for i in items if i.outcome is None or i.outcome is Outcome.REVIEW)
    unverified = tuple(i.check.id for i in items if not i.verified)
    scored = [i for i in items if not i.mandatory and i.outcome in (Outcome.PASS, Outcome.FAIL)]
    possible = sum(i.points for i in items if not i.mandatory and i.outcome is not Outcome.NA)
    earned = sum(i.points for i in scored if i.outcome is Outcome.PASS)
    score = round(100.0 * earned / possible, 1) if possible and not pending else None
    if failed_mandatory:
        state = "fail"
    elif pending or score is None:
        state = "insufficient"
    else:
        state = "pass" if score >= pass_line else "fail"
    return ElderResult(items, pass_line, score, state, failed_mandatory, pending, unverified)
