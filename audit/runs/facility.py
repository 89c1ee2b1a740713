"""Facility rounds: read uploads, evaluate them, write subjects, findings, raw rows and photos, then score."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from audit.catalog import Catalog
from audit.facility.evaluate import evaluate_all
from audit.facility.ingest import IngestOptions, IngestResult, Submission, read_submission
from audit.runs import score_findings, score_round
from audit.store import Round, Store

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
    return IngestOptions(options.checklist_id, options.coords, options.partial, photo_dir, options.region,
                         options.max_bytes, options.max_rows)


def ingest(store: Store, catalog: Catalog, results: list[IngestResult], label: str | None = None,
           photo_store: Path | None = None, progress: Callable[[int], None] | None = None) -> IngestReport:
    """Store every accepted row in one transaction. If any file was rejected (errors without --partial),
    nothing of the whole upload is stored, so a fixed re-upload never meets half of the previous one."""
    report = IngestReport(results)
    report.rejected = [r.file for r in results if not r.rows and r.errors]
    submissions = [s for r in results for s in r.rows]
    if not submissions or report.rejected:
        return report
    label = label or default_label()
    checklists = sorted({s.checklist for s in submissions})
    meta = {"checklists": {cid: catalog.checklists[cid].version for cid in checklists},
            "scoring_version": catalog.policy.version, "sources": sorted({r.file for r in results if r.rows})}
    with store.transaction():
        round_ = facility_round(store, label, meta)
        earlier = store.audited_keys(round_.id)
        report.subjects, report.findings, report.scored = _write(store, catalog, round_.id, submissions, earlier,
                                                                 progress)
        report.photos = _store_photos(store, submissions, photo_store)
    if earlier:
        # The round already held subjects: rescore all of it so every cached score has one policy version.
        report.scored = score_round(store, catalog, round_.id)
    report.round = store.finish_round(round_.id, "complete", meta={"checklists": {
        **round_.meta.get("checklists", {}), **meta["checklists"]}, "scoring_version": catalog.policy.version})
    report.stored = True
    return report


def _write(store: Store, catalog: Catalog, round_id: int, submissions: list[Submission], earlier: set[str],
           progress: Callable[[int], None] | None) -> tuple[int, int, int]:
    """Evaluate and write in batches; returns (subjects, findings, subjects scored)."""
    subjects = findings = scored = 0
    batch: list = []
    by_key = {s.key: s for s in submissions}  # a later row of the same id (another file) wins
    for subject, subject_findings in evaluate_all(by_key.values(), catalog):
        batch.append((subject, subject_findings))
        if len(batch) >= WRITE_BATCH:
            findings, scored = findings + _flush(store, catalog, round_id, batch, by_key, earlier), scored + len(batch)
            subjects += len(batch)
            if progress:
                progress(len(batch))
            batch = []
    findings += _flush(store, catalog, round_id, batch, by_key, earlier)
    subjects += len(batch)
    return subjects, findings, scored + len(batch)


def _flush(store: Store, catalog: Catalog, round_id: int, batch: list, by_key: dict[str, Submission],
           earlier: set[str]) -> int:
    """One bulk insert for subjects new to the round; replace_findings only for re-uploaded ones."""
    if not batch:
        return 0
    store.upsert_subjects(subject for subject, _ in batch)
    fresh = [f for subject, found in batch if subject.key not in earlier for f in found]
    store.add_findings(round_id, fresh)
    for subject, found in batch:
        if subject.key in earlier:
            store.replace_findings(round_id, subject.key, found)
    if not earlier:
        # Same shared scoring path as score_round (audit.runs.score_findings), without reading back what we hold.
        store.put_scores(round_id, score_findings((f for _, found in batch for f in found), catalog))
    _save_raw(store, round_id, [by_key[subject.key] for subject, _ in batch])
    return sum(len(found) for _, found in batch)


def _db(store: Store):
    """The SQLite connection for the facility tables; None on backends that have not mirrored them yet."""
    return getattr(store, "db", None) if store.url.startswith("sqlite") else None


def _save_raw(store: Store, round_id: int, submissions: list[Submission]) -> None:
    db = _db(store)
    if db is None:
        return
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    db.executemany(
        "INSERT OR REPLACE INTO facility_submissions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ((round_id, s.key, s.checklist, s.submission_id, s.source, s.row, s.coord_system_in,
          json.dumps(s.raw, ensure_ascii=False), now) for s in submissions))


def _store_photos(store: Store, submissions: list[Submission], photo_store: Path | None) -> int:
    """Copy each referenced photo once, under its content-derived name (never the uploaded name)."""
    refs = {p.safe_name: (p, s.key) for s in submissions for p in s.photos if p.safe_name and p.path}
    if not refs or photo_store is None:
        return 0
    photo_store.mkdir(parents=True, exist_ok=True)
    db = _db(store)
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    for safe_name, (ref, key) in refs.items():
        target = photo_store / safe_name
        if not target.exists():
            temporary = target.with_suffix(target.suffix + ".part")
            shutil.copyfile(ref.path, temporary)
            temporary.replace(target)
        if db is not None:
            db.execute("INSERT OR IGNORE INTO facility_photos VALUES (?, ?, ?, ?, ?, ?)",
                       (safe_name, ref.sha256, ref.size, ref.name, key, now))
    return len(refs)


def photo_store_for(store: Store) -> Path:
    """Photos live beside the SQLite file (`<db>.photos/`), or in ./facility-photos for other stores."""
    if store.url.startswith("sqlite:///") and store.url != "sqlite:///:memory:":
        return Path(store.url.removeprefix("sqlite:///") + ".photos")
    return Path("facility-photos")
