"""Orchestration shared by the CLI and the service: auditors -> findings -> store -> scores."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from itertools import groupby

from audit.catalog import Catalog
from audit.model import Check, Finding, SubjectScore, score_subject
from audit.runs.review import all_checks, reviewed_findings
from audit.store import Store

SCORE_PATTERNS = 20_000


def score_findings(
    findings: Iterable[Finding],
    catalog: Catalog,
    checks: Mapping[str, Check] | None = None,
    left_out: Mapping[str, int] | None = None,
) -> Iterable[SubjectScore]:
    """Score a stream of findings ordered by subject, one subject at a time.

    Findings of checks no longer in the catalog (a checklist was edited since) are left out; `checks` widens the
    catalog's (human verdicts answer manual criteria too). `left_out`: subject-key prefix -> how many checks the
    round did not run on such subjects (they count against coverage).
    """
    checks = checks if checks is not None else catalog.checks
    # A score depends on the subject's answers only, not on its key: the facilities of a round repeat a few
    # hundred patterns of answers (issue 17: 100,000 toilets), so each pattern is scored once per call.
    scored: dict[tuple, SubjectScore] = {}
    for subject_key, group in groupby(findings, key=lambda f: f.subject_key):
        known = [f for f in group if f.check_id in checks]
        missing = next((n for prefix, n in (left_out or {}).items() if subject_key.startswith(prefix)), 0)
        pattern = (missing, *((f.check_id, f.outcome, f.passed, f.failed, f.severity) for f in known))
        score = scored.get(pattern)
        if score is None:
            score = score_subject(subject_key, known, checks, catalog.policy, missing)
            if len(scored) < SCORE_PATTERNS:
                scored[pattern] = score
            yield score
        else:
            yield replace(score, subject_key=subject_key)


def left_out_checks(store: Store, catalog: Catalog, round_id: int) -> dict[str, int]:
    """How many of the checklist's checks a web round left out of its pages and sites (--ignore, --only,
    --no-builtins)."""
    round_ = store.get_round(round_id)
    if round_.kind != "web":
        return {}
    ignored = set((round_.meta.get("options") or {}).get("ignore") or ())
    web = {c.id for checklist in catalog.domain("web") for c in checklist.checks}
    count = len(ignored & web)
    return {"page:": count, "site:": count} if count else {}  # a site's findings roll its pages' up, check by check


def score_round(
    store: Store, catalog: Catalog, round_id: int, batch: int = 5000, progress: Callable[[int], None] | None = None
) -> int:
    """(Re)score every subject of a round with the current policy; returns how many were scored."""
    count, pending = 0, []
    with store.transaction():
        # people's verdicts replace `review` findings they judged (audit/runs/review.py)
        findings = reviewed_findings(store, catalog, round_id)
        left_out = left_out_checks(store, catalog, round_id)
        for score in score_findings(findings, catalog, all_checks(catalog), left_out):
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
