"""The circle step of a facility round: service circles assessed from the round's facilities, stored as subjects."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from audit.areas import DEFAULT_REGION, store_region
from audit.catalog import Catalog
from audit.circles import CIRCLE_KIND, CircleCoverage, analyse, as_findings, as_subject, load_circles, services
from audit.model import Subject, SubjectScore, is_within
from audit.runs import score_findings
from audit.store import Round, Store

CIRCLE_PREFIX = "circle:"


def store_circles(
    store: Store,
    catalog: Catalog,
    round_id: int,
    written: Mapping[str, Subject] | None = None,
    audited: set[str] | None = None,
    scored: Mapping[str, SubjectScore] | None = None,
) -> int:
    """Write each circle of the round's area as a `service-circle` subject with one finding per required service
    (checklists/circles/checks/) and its score, into the same round; returns how many circles were written.

    Reads the round's facility subjects (as the round saw them) and their stored scores, so it runs after the
    round is scored. A circle with no facility of the round inside, and never assessed in this round, is left
    out: nothing of it has been inspected, and an audit never reports a service missing it did not look for.

    A caller that has just written the round may say what the store would answer, so it is not read back and
    decoded again: `written`, subjects stored as the round's snapshots (by key; the rest are read); `audited`,
    the round's audited keys; `scored`, the current scores of facilities (used only when it holds every one).
    """
    required = services(catalog)
    round_ = store.get_round(round_id)
    region = store_region(store) or DEFAULT_REGION  # the province the store was loaded for (`areas load`)
    circles = [c for c in load_circles(catalog.root, region) if _in_area(c.county, round_)]
    if not required or not circles:
        return 0
    audited = store.audited_keys(round_id) if audited is None else audited
    keys = [k for k in audited if not k.startswith(CIRCLE_PREFIX)]
    scores = scored if scored is not None and all(k in scored for k in keys) else None
    if scores is None:
        scores = {s.subject_key: s for s in store.scores(round_id, catalog.policy.version)}
    facilities = _facilities(store, round_id, keys, written or {})
    results = [r for r in analyse(circles, required, facilities, scores) if r.assessed or r.circle.key in audited]
    with store.transaction():
        for result in results:
            _write(store, catalog, round_id, result)
    return len(results)


def _in_area(county: str, round_: Round) -> bool:
    return round_.area_code is None or is_within(county, round_.area_code)


def _facilities(store: Store, round_id: int, keys: list[str], written: Mapping[str, Subject]) -> Iterable[Subject]:
    """Each facility as the round saw it (its snapshot, or what was just written as one), else its shared row
    (rounds stored before snapshots)."""
    found = {k: written[k] for k in keys if k in written}
    unread = [k for k in keys if k not in found]
    if unread:
        found.update((s.key, s) for s in store.snapshots(round_id, keys=unread))
    missing = [k for k in keys if k not in found]
    if missing:
        found.update((s.key, s) for s in store.subjects(keys=missing))
    return (s for s in found.values() if s.kind != CIRCLE_KIND)


def _write(store: Store, catalog: Catalog, round_id: int, result: CircleCoverage) -> None:
    subject = as_subject(result.circle)
    findings = as_findings(result)
    store.upsert_subjects([subject])
    store.put_snapshots(round_id, [subject])
    store.replace_findings(round_id, subject.key, findings)
    store.put_scores(round_id, score_findings(findings, catalog))
