"""Orchestration shared by the CLI and the service: auditors -> findings -> store -> scores."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from itertools import groupby

from audit.catalog import Catalog
from audit.model import Check, Finding, SubjectScore, score_subject
from audit.runs.review import all_checks, reviewed_findings
from audit.store import Store


def score_findings(
    findings: Iterable[Finding], catalog: Catalog, checks: Mapping[str, Check] | None = None
) -> Iterable[SubjectScore]:
    """Score a stream of findings ordered by subject, one subject at a time.

    Findings of checks no longer in the catalog (a checklist was edited since) are left out; `checks` widens the
    catalog's (human verdicts answer manual criteria too).
    """
    checks = checks if checks is not None else catalog.checks
    for subject_key, group in groupby(findings, key=lambda f: f.subject_key):
        known = [f for f in group if f.check_id in checks]
        yield score_subject(subject_key, known, checks, catalog.policy)


def score_round(
    store: Store, catalog: Catalog, round_id: int, batch: int = 5000, progress: Callable[[int], None] | None = None
) -> int:
    """(Re)score every subject of a round with the current policy; returns how many were scored."""
    count, pending = 0, []
    with store.transaction():
        # people's verdicts replace `review` findings they judged (audit/runs/review.py)
        for score in score_findings(reviewed_findings(store, catalog, round_id), catalog, all_checks(catalog)):
            pending.append(score)
            if len(pending) >= batch:
                store.put_scores(round_id, pending)
                count += len(pending)
                if progress:
                    progress(len(pending))
                pending = []
        store.put_scores(round_id, pending)
        count += len(pending)
        if progress and pending:
            progress(len(pending))
    return count


def current_scores(store: Store, catalog: Catalog, round_id: int) -> list[SubjectScore]:
    """Scores of a round for the current scoring version, computing them first if the cache is stale."""
    version = catalog.policy.version
    scores = list(store.scores(round_id, version))
    if not scores and next(iter(store.findings(round_id)), None) is not None:
        score_round(store, catalog, round_id)
        scores = list(store.scores(round_id, version))
    return scores
