"""After an inspection is stored: the ledger follows its findings (fail opens or reopens, pass verifies)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from operator import attrgetter

from audit.catalog import Catalog
from audit.model import Finding, Outcome, Subject
from audit.model.problems import CLOSED, Event, Problem, Seen, inspect, undo_round
from audit.model.review import Verdict, verdict_finding
from audit.model.scoring import effective_severity
from audit.store import Store

# Web problems are tracked per page and rule (what a webmaster fixes); a site's findings are roll-ups of its
# pages' and would count each defect twice. Facilities are tracked per facility and check.
TRACKED_PREFIXES = ("facility:", "page:")
SAFE_PHOTO = re.compile(r"^[0-9a-f]{24}\.(jpg|png|webp|heic)$")  # audit/service/safety.py's stored names
PER_KEY_QUERIES = 200  # below this many subjects, ask for each one's findings; above, read the round once


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def update_ledger(
    store: Store,
    catalog: Catalog,
    round_id: int,
    keys: Iterable[str] | None = None,
    at: str | None = None,
    changing: Iterable[Finding] | None = None,
    subjects: Mapping[str, Subject] | None = None,
) -> int:
    """Apply round `round_id`'s findings of `keys` (default: every subject of the round) to the ledger.

    A caller that has just stored them may hand over what would be read back: `changing`, those findings that
    can change the ledger (`can_change`), and `subjects`, the round's snapshots of them by key.
    Returns how many problems changed state. Runs in the caller's transaction when there is one."""
    at = at or now_iso()
    round_ = store.get_round(round_id)
    wanted = None if keys is None else {k for k in keys if k.startswith(TRACKED_PREFIXES)}
    if changing is not None:
        found = sorted(
            (f for f in changing if f.subject_key.startswith(TRACKED_PREFIXES)),
            key=attrgetter("subject_key", "check_id"),
        )
        return apply_findings(store, catalog, round_, found, at, subjects=subjects)
    findings = [f for f in _findings(store, round_id, wanted) if f.subject_key.startswith(TRACKED_PREFIXES)]
    return apply_findings(store, catalog, round_, findings, at)


def open_pairs(store: Store, keys: Iterable[str]) -> set[tuple[str, str]]:
    """(subject, check) of every problem of these subjects still open."""
    return store.problem_pairs(keys, excluding=CLOSED)


def can_change(finding: Finding, open_: set[tuple[str, str]]) -> bool:
    """Whether applying this finding can change the ledger (`inspect`): a fail, or a finding on an open problem."""
    return finding.outcome is Outcome.FAIL or (finding.subject_key, finding.check_id) in open_


def apply_verdicts(
    store: Store, catalog: Catalog, round_id: int, verdicts: Iterable[Verdict], at: str | None = None
) -> int:
    """People's verdicts in the review queue move the ledger as an inspection does: a 'fail' opens (or keeps
    open, or reopens) the problem, a 'pass' verifies one still open, 'n/a' changes nothing."""
    verdicts = [v for v in verdicts if v.subject_key.startswith(TRACKED_PREFIXES)]
    if not verdicts:
        return 0
    by_pair = {}
    for key in {v.subject_key for v in verdicts}:
        by_pair.update({(f.subject_key, f.check_id): f for f in store.findings(round_id, subject_key=key)})
    findings = [verdict_finding(v, by_pair.get((v.subject_key, v.check_id))) for v in verdicts]
    return apply_findings(store, catalog, store.get_round(round_id), findings, at or now_iso(), verdicts[0].author)


def withdraw_from_ledger(store: Store, round_id: int, keys: Iterable[str], by: str, upload_id: int, at: str) -> dict:
    """Undo what round `round_id`'s inspection of these subjects (a withdrawn upload) did to the ledger: a problem
    it opened goes, one it verified or reopened returns to its state before, in an event naming who withdrew it.
    Problems a person or a later inspection has acted on since stay as they are. Returns counts by what was done."""
    detail = {"withdrawn_upload": upload_id}
    deleted, changes, kept = [], [], 0
    for problem in store.problems(subject_keys=[k for k in keys if k.startswith(TRACKED_PREFIXES)]):
        what, reverted, event = undo_round(problem, store.problem_events(problem.id), round_id, by, at, detail)
        if what == "delete":
            deleted.append(problem.id)
        elif what == "revert":
            changes.append((reverted, event))
        else:
            kept += 1
    with store.transaction():
        store.delete_problems(deleted)
        store.put_problems(changes)
    return {"deleted": len(deleted), "reverted": len(changes), "kept": kept}


def apply_findings(
    store: Store,
    catalog: Catalog,
    round_,
    findings: list[Finding],
    at: str,
    by: str | None = None,
    subjects: Mapping[str, Subject] | None = None,
) -> int:
    """Apply these findings of `round_` to the ledger; returns how many problems changed state. `by`: the
    person whose verdicts they are (the events name them), else the inspection. `subjects`: the round's
    snapshots the caller holds (by key); the others are read."""
    round_id = round_.id
    subject_keys = {f.subject_key for f in findings}
    if not subject_keys:
        return 0
    held = {k: subjects[k] for k in subject_keys if k in subjects} if subjects else {}
    unread = subject_keys - held.keys()
    subjects = {**held, **({s.key: s for s in _subjects(store, round_id, unread)} if unread else {})}
    known = {(p.subject_key, p.check_id): p for p in store.problems(subject_keys=subject_keys)}
    changes: list[tuple[Problem, Event | None]] = []
    moved = 0
    for finding in findings:
        check = catalog.checks.get(finding.check_id)
        if check is None or check.answer.get("information_only") or finding.extra.get("information_only"):
            continue
        seen = _seen(finding, check, subjects.get(finding.subject_key), round_, round_id)
        result = inspect(known.get((finding.subject_key, finding.check_id)), seen, at)
        if result is not None and by is not None and result[1] is not None:
            result = (result[0], replace(result[1], by=by, detail={**result[1].detail, "verdict": True}))
        if result is not None:
            changes.append(result)
            moved += result[1] is not None
    with store.transaction():
        store.put_problems(changes)
    return moved


def _findings(store: Store, round_id: int, wanted: set[str] | None) -> Iterable[Finding]:
    if wanted is not None and len(wanted) <= PER_KEY_QUERIES:
        for key in sorted(wanted):
            yield from store.findings(round_id, subject_key=key)
        return
    if wanted is not None:
        yield from _changing(store, round_id, wanted)
        return
    for finding in store.findings(round_id):
        if wanted is None or finding.subject_key in wanted:
            yield finding


def _changing(store: Store, round_id: int, wanted: set[str]) -> list[Finding]:
    """The findings of a large upload that can change the ledger, in (subject, check) order: only a fail, or
    a pass on a problem still open, does (`inspect`); so the round's fails, and the findings on the checks of
    open problems. Decoding the round's passes (most of 1.5 million findings) is what this saves."""
    open_ = open_pairs(store, wanted)
    open_keys = {key for key, _ in open_}
    fails = (f for f in store.findings(round_id, outcome=Outcome.FAIL) if f.subject_key in wanted)
    found = [f for f in fails if f.subject_key not in open_keys]
    for key in sorted(open_keys):  # keep only what can change: a fail, or a finding on an open problem's check
        found += [f for f in store.findings(round_id, subject_key=key) if can_change(f, open_)]
    return sorted(found, key=attrgetter("subject_key", "check_id"))


def _subjects(store: Store, round_id: int, keys: set[str]) -> Iterable[Subject]:
    """The round's own snapshot where it has one (facilities), else the subject as stored (web pages)."""
    snapped = {s.key: s for s in store.snapshots(round_id, keys)}
    rest = keys - set(snapped)
    return [*snapped.values(), *(store.subjects(keys=rest) if rest else [])]


def _seen(finding: Finding, check, subject: Subject | None, round_, round_id: int) -> Seen:
    attributes = subject.attributes if subject else {}
    inspected = str(attributes.get("inspected_on") or "")[:10] or round_.started_at[:10]
    photo = next((e.get("photo") for e in finding.evidence if e.get("photo")), None)
    if photo is None and finding.outcome is Outcome.FAIL:  # the facility's own photo, if stored under a safe name
        photo = next((p for p in attributes.get("photos") or [] if isinstance(p, str) and SAFE_PHOTO.match(p)), None)
    return Seen(
        subject_key=finding.subject_key,
        check_id=finding.check_id,
        outcome=finding.outcome,
        on=inspected,
        round_id=round_id,
        severity=effective_severity(finding, check).value,
        area_code=subject.area_code if subject else None,
        subject_name=subject.name if subject else "",
        measured=finding.measured,
        required=finding.required,
        photo=photo,
    )
