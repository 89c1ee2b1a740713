"""Facility rounds: read uploads, evaluate them, write subjects, findings, raw rows and photos, then score."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from audit.catalog import Catalog
from audit.facility.evaluate import evaluate_all
from audit.facility.ingest import IngestOptions, IngestResult, Submission, read_submission
from audit.facility.problems import Problem
from audit.heap import paused_gc
from audit.model import Finding, Subject, SubjectScore, is_within
from audit.runs import score_findings, score_round
from audit.runs.circles import store_circles
from audit.runs.ledger import can_change, open_pairs, update_ledger, withdraw_from_ledger
from audit.runs.review import all_checks
from audit.store import PhotoRecord, Round, Store, SubmissionRecord, UploadRecord

QUARTER = re.compile(r"^(\d{4})q([1-4])$", re.IGNORECASE)
WRITE_BATCH = 5000


class CampaignClosed(Exception):
    """The campaign an upload belongs to is closed: it takes no more uploads until reopened."""

    def __init__(self, campaign: Round):
        super().__init__(f"campaign {campaign.id} ({campaign.label}) is closed")
        self.campaign = campaign


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


def quarter_period(label: str) -> tuple[str, str] | None:
    """'2025q3' -> ('2025-07-01', '2025-09-30'): a campaign's period, first and last day."""
    m = QUARTER.match(label)
    if not m:
        return None
    year, quarter = int(m.group(1)), int(m.group(2))
    first = date(year, 3 * (quarter - 1) + 1, 1)
    after = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first.isoformat(), (after - timedelta(days=1)).isoformat()


def campaign_period(label: str | None, now: datetime | None = None) -> tuple[str, str, str]:
    """(label, period start, period end): a quarter label is its quarter; any other label, or none, names
    a campaign of the current quarter."""
    quarter = default_label(now)
    period = quarter_period(label or "") or quarter_period(quarter)
    return label or quarter, *period


def _narrowness(area_code: str | None) -> int:
    if area_code is None:
        return 0
    return 1 if area_code.endswith("0000") else 2 if area_code.endswith("00") else 3


def campaign_for(
    store: Store, counties: Iterable[str | None], label: str | None = None, now: datetime | None = None
) -> Round:
    """The campaign an upload joins: of the period's campaigns whose area holds every county the rows lie in,
    the narrowest; open, it is joined; closed, the upload is refused (CampaignClosed). With none, an open
    campaign for every area is begun for the period."""
    name, start, end = campaign_period(label, now)
    touched = set(counties)
    covering = [
        c
        for c in store.campaigns(start)
        if c.area_code is None or all(code and is_within(code, c.area_code) for code in touched)
    ]
    if covering:
        narrowest = max(covering, key=lambda c: (_narrowness(c.area_code), c.is_open, c.id))
        if not narrowest.is_open:
            raise CampaignClosed(narrowest)
        return narrowest
    return store.open_campaign(name, None, start, end)


def duplicate_ids(submissions: Iterable[Submission]) -> list[Problem]:
    """The same facility (key) in two files of one upload: an error at the later row naming the first."""
    first: dict[str, Submission] = {}
    problems = []
    for submission in submissions:
        seen = first.setdefault(submission.key, submission)
        if seen is not submission and seen.source != submission.source:
            problems.append(
                Problem(
                    submission.source,
                    "facility.id.duplicate-file",
                    row=submission.row,
                    value=submission.submission_id,
                    params={"file": seen.source, "first": seen.row},
                )
            )
    return problems


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
    duplicates = mark_duplicates(results)
    if duplicates:
        report.rejected = sorted({p.file for p in duplicates})
        return report
    by_key = latest_by_key(submissions)
    # Evaluated in key order: the store's indexes then grow at one end instead of all over the tree.
    ordered = [by_key[key] for key in sorted(by_key)]
    meta = round_meta(catalog, ordered, sorted({r.file for r in results if r.rows}))
    campaign = campaign_for(store, _counties(ordered), label)
    return store_round(
        store,
        catalog,
        campaign,
        meta,
        evaluate_all(ordered, catalog),
        by_key,
        photo_store,
        progress,
        report,
    )


def mark_duplicates(results: list[IngestResult]) -> list[Problem]:
    """Add to each file's problems its rows that repeat a facility of an earlier file; returns them all."""
    duplicates = duplicate_ids(s for r in results for s in r.rows)
    by_file = {r.file: r for r in results}
    for problem in duplicates:
        if problem not in by_file[problem.file].problems:
            by_file[problem.file].problems.append(problem)
    return duplicates


def latest_by_key(submissions: Iterable[Submission]) -> dict[str, Submission]:
    """One submission per subject key (callers first refuse the same id in two files: `duplicate_ids`)."""
    return {s.key: s for s in submissions}


def _counties(submissions: Iterable[Submission]) -> set[str | None]:
    return {code for s in submissions for code in (s.counties or (s.county,))}


def round_meta(catalog: Catalog, submissions: Iterable[Submission], sources: list[str], **extra: object) -> dict:
    """What a facility round records: checklist ids and versions, the scoring version, the files."""
    checklists = sorted({s.checklist for s in submissions})
    return {
        "checklists": {cid: catalog.checklists[cid].version for cid in checklists},
        "scoring_version": catalog.policy.version,
        "sources": sources,
        **extra,
    }


@paused_gc()
def store_round(
    store: Store,
    catalog: Catalog,
    campaign: Round,
    meta: dict,
    evaluated: Iterable[tuple[Subject, list[Finding]]],
    by_key: dict[str, Submission],
    photo_store: Path | None = None,
    progress: Callable[[int], None] | None = None,
    report: IngestReport | None = None,
    upload_id: int | None = None,
) -> IngestReport:
    """Write evaluated submissions into an open campaign (`campaign_for`), then score it.

    The CLI and the upload service both come here. It holds one transaction (a savepoint inside the
    caller's, e.g. the service's, which commits its upload record with it)."""
    report = report or IngestReport([])
    with store.transaction():
        round_ = store.get_round(campaign.id)
        if not round_.is_open:  # closed since it was chosen
            raise CampaignClosed(round_)
        round_ = store.reopen_round(round_.id)
        earlier = store.audited_keys(round_.id)
        # The problems still open before this upload: with them, the write keeps what can change the ledger.
        written = Written(open_problems=open_pairs(store, by_key))
        report.subjects, report.findings, report.scored = _write(
            store, catalog, round_.id, written.remember(evaluated), earlier, by_key, progress, upload_id, written
        )
        report.photos = _store_photos(store, by_key.values(), photo_store)
        # The problem ledger follows this inspection (from what was just written, not read back).
        update_ledger(store, catalog, round_.id, by_key, changing=written.changing, subjects=written.subjects)
        if earlier:
            # The round already held subjects: rescore the rest of it too, so every cached score has one policy
            # version (the uploaded ones were scored from memory as they were written).
            report.scored = _rescore_rest(store, catalog, round_.id, earlier, by_key, report.scored, written)
        # The service circles, from the round's facilities as now scored (what was just written taken as it is).
        store_circles(store, catalog, round_.id, written.subjects, earlier | written.audited, written.scores)
        report.round = store.finish_round(
            round_.id,
            "complete",
            meta={
                "checklists": {**round_.meta.get("checklists", {}), **meta["checklists"]},
                "scoring_version": catalog.policy.version,
                "sources": sorted({*round_.meta.get("sources", []), *meta.get("sources", [])}),
            },
        )
    report.stored = True
    return report


@dataclass
class Written:
    """What an upload wrote into its round, kept for the steps after the write (ledger, circles) so they need
    not read it back: each subject as its snapshot, the keys given findings, the scores put (the circle step
    uses them only when they hold every facility of the round) and the findings that can change the ledger."""

    open_problems: set[tuple[str, str]] = field(default_factory=set)
    subjects: dict[str, Subject] = field(default_factory=dict)
    audited: set[str] = field(default_factory=set)
    scores: dict[str, SubjectScore] = field(default_factory=dict)
    changing: list[Finding] = field(default_factory=list)

    def remember(self, evaluated: Iterable[tuple[Subject, list[Finding]]]) -> Iterator[tuple[Subject, list[Finding]]]:
        for subject, found in evaluated:
            self.subjects[subject.key] = subject
            if found:
                self.audited.add(subject.key)
            if any(can_change(f, self.open_problems) for f in found):
                # As stored: one finding per check, the last (a fail, or a finding on an open problem, can
                # change the ledger; the rest, most of a round, are never held).
                last = {f.check_id: f for f in found}
                self.changing += [f for f in last.values() if can_change(f, self.open_problems)]
            yield subject, found

    def scored(self, scores: Iterable[SubjectScore]) -> Iterator[SubjectScore]:
        for score in scores:
            self.scores[score.subject_key] = score
            yield score


def _write(
    store: Store,
    catalog: Catalog,
    round_id: int,
    evaluated: Iterable[tuple[Subject, list[Finding]]],
    earlier: set[str],
    by_key: dict[str, Submission],
    progress: Callable[[int], None] | None,
    upload_id: int | None = None,
    written: Written | None = None,
) -> tuple[int, int, int]:
    """Write in batches as evaluation yields; returns (subjects, findings, subjects scored)."""
    subjects = findings = 0
    batch: list = []
    checks = all_checks(catalog) if earlier else None  # read once: the manual criteria come from YAML files
    for pair in evaluated:
        batch.append(pair)
        if len(batch) >= WRITE_BATCH:
            findings += _flush(store, catalog, round_id, batch, by_key, earlier, upload_id, checks, written)
            subjects += len(batch)
            if progress:
                progress(len(batch))
            batch = []
    findings += _flush(store, catalog, round_id, batch, by_key, earlier, upload_id, checks, written)
    subjects += len(batch)
    return subjects, findings, subjects


def _flush(
    store: Store,
    catalog: Catalog,
    round_id: int,
    batch: list,
    by_key: dict[str, Submission],
    earlier: set[str],
    upload_id: int | None = None,
    checks: dict | None = None,
    written: Written | None = None,
) -> int:
    """One bulk insert for subjects new to the round; replace_findings only for re-uploaded ones."""
    if not batch:
        return 0
    store.upsert_subjects(subject for subject, _ in batch)
    store.add_findings(round_id, (f for subject, found in batch if subject.key not in earlier for f in found))
    again = [(subject.key, found) for subject, found in batch if subject.key in earlier]
    if again:
        store.replace_many_findings(round_id, again)
    # Same shared scoring path as score_round (audit.runs.score_findings), without reading back what we hold;
    # into a round that held subjects, as score_round would (its people's verdicts, if any, make _rescore_rest
    # score the whole round again afterwards).
    if earlier:  # as score_round reads them back: one finding per check (the last), in check order
        stored = (f for _, found in batch for _, f in sorted({f.check_id: f for f in found}.items()))
        scores = score_findings(stored, catalog, checks or all_checks(catalog))
    else:
        scores = score_findings((f for _, found in batch for f in found), catalog)
    store.put_scores(round_id, written.scored(scores) if written else scores)
    store.put_submissions(round_id, (_record(by_key[subject.key]) for subject, _ in batch))
    # The round's own copy of what was inspected: a later round's upload never rewrites this one.
    store.put_snapshots(round_id, (subject for subject, _ in batch), upload_id)
    return sum(len(found) for _, found in batch)


def _rescore_rest(
    store: Store,
    catalog: Catalog,
    round_id: int,
    earlier: set[str],
    by_key: dict[str, Submission],
    scored: int,
    written: Written,
) -> int:
    """Rescore the round's subjects this upload did not bring (score_round, less what _flush just scored);
    the whole round when people reviewed it (their verdicts change scores) or when the rest is the larger part.
    Returns how many subjects of the round are scored. `written.scores` keeps every score put (none when the
    whole round was rescored: those the upload put are then out of date)."""
    rest = sorted(earlier - by_key.keys())
    if store.has_verdicts(round_id) or len(rest) > len(by_key):
        written.scores.clear()
        return score_round(store, catalog, round_id)
    found = (f for key in rest for f in store.findings(round_id, subject_key=key))
    scores = list(written.scored(score_findings(found, catalog, all_checks(catalog))))
    store.put_scores(round_id, scores)
    return scored + len(scores)


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


class NotWithdrawable(Exception):
    """`reason`: 'not-accepted', 'already' (withdrawn at `at`) or 'closed' (its campaign is closed)."""

    def __init__(self, reason: str, upload_id: int, campaign: Round | None = None, at: str | None = None):
        super().__init__(f"upload {upload_id} cannot be withdrawn: {reason}")
        self.reason, self.upload_id, self.campaign, self.at = reason, upload_id, campaign, at


def withdraw_obstacle(store: Store, record: UploadRecord) -> NotWithdrawable | None:
    """Why this logged upload cannot be withdrawn now, or None: never accepted, already withdrawn, or its
    campaign is closed."""
    if record.result != "accepted" or record.round_id is None:
        return NotWithdrawable("not-accepted", record.id)
    if record.withdrawn_at:
        return NotWithdrawable("already", record.id, at=record.withdrawn_at)
    campaign = store.get_round(record.round_id)
    if not campaign.is_open:
        return NotWithdrawable("closed", record.id, campaign)
    return None


def withdraw(store: Store, catalog: Catalog, upload_id: int, by: str) -> list[str]:
    """Take an accepted service upload out of its open campaign: its rows leave the findings and scores
    (a row a later upload replaced stays), the log keeps the upload marked withdrawn; the campaign is rescored
    and its circles and ledger follow.
    Returns the facility keys taken out."""
    with store.transaction():
        record = store.upload(upload_id)
        if record is None:
            raise NotWithdrawable("not-accepted", upload_id)
        blocked = withdraw_obstacle(store, record)
        if blocked is not None:
            raise blocked
        campaign = store.get_round(record.round_id)
        at = datetime.now(UTC).replace(microsecond=0).isoformat()
        keys = store.withdraw_upload(upload_id, by, at)
        score_round(store, catalog, campaign.id)
        withdraw_from_ledger(store, campaign.id, keys, by, upload_id, at)
        update_ledger(store, catalog, campaign.id, keys)  # a row the upload replaced, if any, speaks again
        store_circles(store, catalog, campaign.id)  # the circles no longer count the withdrawn facilities
    return keys
