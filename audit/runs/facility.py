"""Facility rounds: read uploads, evaluate them, write subjects, findings, raw rows and photos, then score."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from audit.catalog import Catalog
from audit.facility.evaluate import evaluate_all
from audit.facility.ingest import IngestOptions, IngestResult, Submission, read_submission
from audit.model import Finding, Subject
from audit.runs import score_findings, score_round
from audit.store import PhotoRecord, Round, Store, SubmissionRecord

QUARTER = re.compile(r"^(\d{4})q([1-4])$", re.IGNORECASE)
WRITE_BATCH = 5000


@dataclass
class IngestReport:
    results: list[IngestResult]
    round: Round | None = None
    subjects: int = 0
    findings: int = 0
    scored: int = 0
    photos: int = 0
    stored: bool = False
    rejected: list[str] = field(default_factory=list)


def default_label(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return f"{now.year}q{(now.month - 1) // 3 + 1}"


def label_start(label: str) -> str | None:
    """'2025q2' -> '2025-04-01T00:00:00+00:00', so rounds sort by the quarter they describe."""
    m = QUARTER.match(label)
    if not m:
        return None
    return datetime(int(m.group(1)), 3 * (int(m.group(2)) - 1) + 1, 1, tzinfo=UTC).isoformat()


def facility_round(store: Store, label: str, meta: dict) -> Round:
    """The facility round with this label (reopened to take more uploads), or a new one."""
    existing = [r for r in store.rounds("facility") if r.label == label]
    if existing:
        return store.reopen_round(existing[-1].id)
    return store.begin_round("facility", label=label, meta=meta, started_at=label_start(label))


def read_files(paths: Iterable[Path], catalog: Catalog, options: IngestOptions) -> list[IngestResult]:
    results = []
    for path in paths:
        photo_dir = options.photo_dir or path.parent
        results.append(read_submission(path, path.name, catalog, _with_photos(options, photo_dir)))
    return results


def _with_photos(options: IngestOptions, photo_dir: Path) -> IngestOptions:
    return IngestOptions(
        options.checklist_id,
        options.coords,
        options.partial,
        photo_dir,
        options.region,
        options.max_bytes,
        options.max_rows,
    )


def ingest(
    store: Store,
    catalog: Catalog,
    results: list[IngestResult],
    label: str | None = None,
    photo_store: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Store every accepted row in one transaction. If any file was rejected (errors without --partial),
    nothing of the whole upload is stored, so a fixed re-upload never meets half of the previous one."""
    report = IngestReport(results)
    report.rejected = [r.file for r in results if not r.rows and r.errors]
    submissions = [s for r in results for s in r.rows]
    if not submissions or report.rejected:
        return report
    by_key = latest_by_key(submissions)
    # Evaluated in key order: the store's indexes then grow at one end instead of all over the tree.
    ordered = [by_key[key] for key in sorted(by_key)]
    meta = round_meta(catalog, ordered, sorted({r.file for r in results if r.rows}))
    return store_round(
        store,
        catalog,
        label or default_label(),
        meta,
        evaluate_all(ordered, catalog),
        by_key,
        photo_store,
        progress,
        report,
    )


def latest_by_key(submissions: Iterable[Submission]) -> dict[str, Submission]:
    """One submission per subject key: a later row of the same id (another file) wins."""
    return {s.key: s for s in submissions}


def round_meta(catalog: Catalog, submissions: Iterable[Submission], sources: list[str], **extra: object) -> dict:
    """What a facility round records: checklist ids and versions, the scoring version, the files."""
    checklists = sorted({s.checklist for s in submissions})
    return {
        "checklists": {cid: catalog.checklists[cid].version for cid in checklists},
        "scoring_version": catalog.policy.version,
        "sources": sources,
        **extra,
    }


def store_round(
    store: Store,
    catalog: Catalog,
    label: str,
    meta: dict,
    evaluated: Iterable[tuple[Subject, list[Finding]]],
    by_key: dict[str, Submission],
    photo_store: Path | None = None,
    progress: Callable[[int], None] | None = None,
    report: IngestReport | None = None,
) -> IngestReport:
    """Write evaluated submissions into the round labelled `label` (new, or reopened), then score it.

    The CLI and the upload service both come here. It holds one transaction (a savepoint inside the
    caller's, e.g. the service's, which commits its upload record with it)."""
    report = report or IngestReport([])
    with store.transaction():
        round_ = facility_round(store, label, meta)
        earlier = store.audited_keys(round_.id)
        report.subjects, report.findings, report.scored = _write(
            store, catalog, round_.id, evaluated, earlier, by_key, progress
        )
        report.photos = _store_photos(store, by_key.values(), photo_store)
        if earlier:
            # The round already held subjects: rescore all of it so every cached score has one policy version.
            report.scored = score_round(store, catalog, round_.id)
        report.round = store.finish_round(
            round_.id,
            "complete",
            meta={
                "checklists": {**round_.meta.get("checklists", {}), **meta["checklists"]},
                "scoring_version": catalog.policy.version,
            },
        )
    report.stored = True
    return report


def _write(
    store: Store,
    catalog: Catalog,
    round_id: int,
    evaluated: Iterable[tuple[Subject, list[Finding]]],
    earlier: set[str],
    by_key: dict[str, Submission],
    progress: Callable[[int], None] | None,
) -> tuple[int, int, int]:
    """Write in batches as evaluation yields; returns (subjects, findings, subjects scored)."""
    subjects = findings = 0
    batch: list = []
    for pair in evaluated:
        batch.append(pair)
        if len(batch) >= WRITE_BATCH:
            findings += _flush(store, catalog, round_id, batch, by_key, earlier)
            subjects += len(batch)
            if progress:
                progress(len(batch))
            batch = []
    findings += _flush(store, catalog, round_id, batch, by_key, earlier)
    subjects += len(batch)
    return subjects, findings, subjects


def _flush(
    store: Store, catalog: Catalog, round_id: int, batch: list, by_key: dict[str, Submission], earlier: set[str]
) -> int:
    """One bulk insert for subjects new to the round; replace_findings only for re-uploaded ones."""
    if not batch:
        return 0
    store.upsert_subjects(subject for subject, _ in batch)
    store.add_findings(round_id, (f for subject, found in batch if subject.key not in earlier for f in found))
    for subject, found in batch:
        if subject.key in earlier:
            store.replace_findings(round_id, subject.key, found)
    if not earlier:
        # Same shared scoring path as score_round (audit.runs.score_findings), without reading back what we hold.
        store.put_scores(round_id, score_findings((f for _, found in batch for f in found), catalog))
    store.put_submissions(round_id, (_record(by_key[subject.key]) for subject, _ in batch))
    return sum(len(found) for _, found in batch)


def _record(submission: Submission) -> SubmissionRecord:
    return SubmissionRecord(
        submission.key,
        submission.checklist,
        submission.submission_id,
        submission.source,
        submission.row,
        submission.coord_system_in,
        submission.raw,
    )


def _store_photos(store: Store, submissions: Iterable[Submission], photo_store: Path | None) -> int:
    """Record each referenced photo once, under its content-derived name (never the uploaded name).

    A photo read from the inspector's folder is copied into `photo_store` first; one the service already
    saved (no path) is only recorded. Without a photo store, photos on disk are neither copied nor recorded.
    """
    refs = {
        p.safe_name: (p, s.key)
        for s in submissions
        for p in s.photos
        if p.safe_name and (p.path is None or photo_store is not None)
    }
    for ref, _ in refs.values():
        if ref.path is not None:
            _copy_photo(ref.path, photo_store / ref.safe_name)
    store.put_photos(PhotoRecord(name, ref.sha256, ref.size, ref.name, key) for name, (ref, key) in refs.items())
    return len(refs)


def _copy_photo(source: Path, target: Path) -> None:
    """Write under a temporary name first, so a stopped copy never looks like a stored photo."""
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(target.suffix + ".part")
    shutil.copyfile(source, temporary)
    temporary.replace(target)


def photo_store_for(store: Store) -> Path:
    """Photos live beside the SQLite file (`<db>.photos/`), or in ./facility-photos for other stores."""
    if store.url.startswith("sqlite:///") and store.url != "sqlite:///:memory:":
        return Path(store.url.removeprefix("sqlite:///") + ".photos")
    return Path("facility-photos")
