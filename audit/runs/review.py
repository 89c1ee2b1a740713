"""Human review of a round: its queue (automatic `review` findings and manual criteria), verdicts, carry-over,
and the findings scoring sees once people's verdicts replace what the machine could not decide."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby

from audit.catalog import Catalog
from audit.catalog.manual import HOME_PAGE, load_manual
from audit.model import Check, Finding, Outcome, Subject
from audit.model.review import (
    CARRIED,
    DECIDED,
    PENDING,
    STALE,
    Resolution,
    Verdict,
    apply_verdicts,
    finding_fingerprint,
    fingerprint,
    resolve,
)
from audit.store import Store
from audit.web.rollup import site_findings
from audit.web.urls import origin

AUTOMATIC, MANUAL, FACILITY = "automatic", "manual", "facility"
ORDER = {PENDING: 0, STALE: 1, DECIDED: 2, CARRIED: 3}


@dataclass(frozen=True)
class QueueItem:
    """One thing a person must judge: a (subject, check) of a round, what it shows and where it stands."""

    id: str
    round_id: int
    subject: Subject
    check: Check
    source: str  # automatic | manual | facility
    fingerprint: str
    resolution: Resolution
    finding: Finding | None = None

    @property
    def state(self) -> str:
        return self.resolution.state

    @property
    def verdict(self) -> Verdict | None:
        return self.resolution.verdict

    @property
    def counts(self) -> bool:
        return self.state in (DECIDED, CARRIED)


def item_id(subject_key: str, check_id: str) -> str:
    """An opaque, URL-safe id of a (subject, check); the same in every round."""
    return hashlib.sha256(f"{subject_key}\n{check_id}".encode()).hexdigest()[:20]


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def all_checks(catalog: Catalog) -> dict[str, Check]:
    """The catalog's checks and the manual criteria, which human verdicts may answer."""
    return {**catalog.checks, **load_manual(catalog.root).checks}


def site_of_page(page_key: str) -> str:
    """'page:https://a.cn/x#mobile' -> 'site:https://a.cn#mobile' (a profile's site rolls up its own pages)."""
    base, mark, profile = page_key.partition("#")
    return f"site:{origin(base.removeprefix('page:'))}{mark}{profile}"


def _is_reviewable(finding: Finding, catalog: Catalog) -> bool:
    check = catalog.checks.get(finding.check_id)
    return (
        finding.outcome is Outcome.REVIEW
        and check is not None
        and not check.answer.get("information_only")
        and not finding.subject_key.startswith("site:")  # a site's review items are its pages'
    )


def _page_fingerprint(captures: Mapping, page_key: str, findings: list[Finding]) -> str:
    """What a manual criterion judged: the page's DOM when captured for review, else its automatic results."""
    capture = captures.get(page_key)
    if capture is not None:
        return capture.dom_hash
    return fingerprint([(f.check_id, f.outcome.value, [e.get("fingerprint") for e in f.evidence]) for f in findings])


def build_queue(
    store: Store,
    catalog: Catalog,
    round_id: int,
    site_key: str | None = None,
    findings: Iterable[Finding] | None = None,
) -> list[QueueItem]:
    """Every item of a round to judge, pending and stale first; of one site when `site_key` is given."""
    round_ = store.get_round(round_id)
    if findings is None:
        prefix = "page:" + site_key.removeprefix("site:").partition("#")[0] if site_key else None
        findings = store.findings(round_id, prefix=prefix)
    by_subject = {k: list(g) for k, g in groupby(findings, key=lambda f: f.subject_key)}
    if site_key:
        by_subject = {k: v for k, v in by_subject.items() if k.startswith("page:") and site_of_page(k) == site_key}
    subjects = {s.key: s for s in store.subjects(keys=list(by_subject))}
    captures = store.captures(round_id) if round_.kind == "web" else {}
    manual = load_manual(catalog.root)
    wanted: list[tuple[Subject, Check, str, str, Finding | None]] = []
    for key, group in by_subject.items():
        subject = subjects.get(key)
        if subject is None or subject.attributes.get("error"):
            continue
        source = FACILITY if round_.kind == "facility" else AUTOMATIC
        for finding in group:
            if _is_reviewable(finding, catalog):
                wanted.append(
                    (subject, catalog.checks[finding.check_id], source, finding_fingerprint(finding), finding)
                )
        if round_.kind == "web" and key.startswith("page:"):
            page_print = _page_fingerprint(captures, key, group)
            for manual_set in manual.sets:
                if manual_set.applies == HOME_PAGE and not subject.attributes.get("home"):
                    continue
                wanted += [(subject, check, MANUAL, page_print, None) for check in manual_set.checks]
    own = {(v.subject_key, v.check_id): v for v in store.verdicts(round_id)}
    earlier = store.earlier_verdicts(round_id, {s.key for s, *_ in wanted}) if wanted else {}
    items = []
    for subject, check, source, print_, finding in wanted:
        pair = (subject.key, check.id)
        resolution = resolve(print_, own.get(pair), earlier.get(pair))
        items.append(QueueItem(item_id(*pair), round_id, subject, check, source, print_, resolution, finding))
    return sorted(items, key=lambda i: (ORDER[i.state], i.subject.key, i.source != AUTOMATIC, i.check.id))


def counting_verdicts(items: Iterable[QueueItem]) -> dict[tuple[str, str], Verdict]:
    """The verdicts that count this round: its own, and earlier ones carried over unchanged items."""
    return {(i.subject.key, i.check.id): i.verdict for i in items if i.counts and i.verdict is not None}


def reviewed_findings(store: Store, catalog: Catalog, round_id: int) -> list[Finding] | Iterable[Finding]:
    """The round's findings as scoring should see them: `review` replaced by counting verdicts, verdicts on manual
    criteria added, and the sites of reviewed pages rolled up again. Unchanged (a stream) when nobody reviewed."""
    if not store.has_verdicts(round_id):
        return store.findings(round_id)
    findings = list(store.findings(round_id))
    verdicts = counting_verdicts(build_queue(store, catalog, round_id, findings=findings))
    if not verdicts:
        return findings
    merged = apply_verdicts(findings, verdicts)
    sites = {site_of_page(k) for k, _ in verdicts if k.startswith("page:")}
    if not sites:
        return merged
    pages: dict[str, list[Finding]] = {}
    for finding in merged:
        if finding.subject_key.startswith("page:") and site_of_page(finding.subject_key) in sites:
            pages.setdefault(site_of_page(finding.subject_key), []).append(finding)
    rolled = [f for site, group in pages.items() for f in site_findings(site, group)]
    kept = [f for f in merged if f.subject_key not in sites]
    return sorted(kept + rolled, key=lambda f: (f.subject_key, f.check_id))


@dataclass(frozen=True)
class Decision:
    """A reviewer's answer to one item, before it is checked against the queue."""

    item: str
    outcome: str
    note: str = ""


class ReviewError(ValueError):
    """A decision that cannot be recorded: `key` is a message key under review.error.*, `values` fill it."""

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key, self.values = key, values


def decide(
    store: Store,
    catalog: Catalog,
    round_id: int,
    decisions: Iterable[Decision],
    author: str,
    decided_at: str | None = None,
    rescore: bool = True,
) -> list[Verdict]:
    """Record decisions as this round's verdicts (all or none), then rescore the round."""
    from audit.runs import score_round  # the package imports this module for scoring
    from audit.runs.ledger import apply_verdicts

    at = decided_at or now_iso()
    items = {i.id: i for i in build_queue(store, catalog, round_id)}
    verdicts = []
    for decision in decisions:
        item = items.get(decision.item)
        if item is None:
            raise ReviewError("review.error.unknown-item", item=decision.item)
        try:
            outcome = Outcome(decision.outcome)
        except ValueError:
            raise ReviewError("review.error.bad-outcome", value=decision.outcome) from None
        if outcome is Outcome.REVIEW:
            raise ReviewError("review.error.bad-outcome", value=decision.outcome)
        verdicts.append(
            Verdict(round_id, item.subject.key, item.check.id, outcome, author, at, item.fingerprint, decision.note)
        )
    with store.transaction():
        store.put_verdicts(verdicts)
        apply_verdicts(store, catalog, round_id, verdicts, at)  # a person's 'fail' is a problem like an inspection's
        if rescore and verdicts:
            score_round(store, catalog, round_id)
    return verdicts
