"""The one place the service calls the facility auditor: the CLI's own reader, validation and evaluation,
and the CLI's own campaign choice and facility round writer (`audit.runs.facility`) to persist.

Photos are matched by the name the inspector wrote in the checklist against the names of the uploaded
photos, in memory: no client-supplied name ever becomes a path (the ingest runs with no photo folder).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from audit.areas import DEFAULT_REGION
from audit.catalog import Catalog
from audit.facility.evaluate import evaluate_all
from audit.facility.ingest import IngestOptions, Submission, read_submission
from audit.facility.location import Region
from audit.facility.photos import PhotoRef
from audit.facility.problems import Problem as IngestProblem
from audit.model import Finding, Subject
from audit.runs.facility import CampaignClosed, campaign_for, duplicate_ids, latest_by_key, round_meta, store_round
from audit.service.accounts import User
from audit.service.safety import Upload
from audit.store import Round, Store

__all__ = ["CampaignClosed", "Parsed", "StoredPhoto", "persist", "read"]


@dataclass
class Parsed:
    subjects: list[Subject] = field(default_factory=list)
    findings: dict[str, list[Finding]] = field(default_factory=dict)
    errors: list[IngestProblem] = field(default_factory=list)
    warnings: list[IngestProblem] = field(default_factory=list)
    rows: int = 0
    submissions: dict[str, Submission] = field(default_factory=dict)  # by subject key, as evaluated


@dataclass(frozen=True)
class StoredPhoto:
    safe_name: str
    sha256: str
    size: int


def read(
    catalog: Catalog,
    checklist_id: str,
    files: list[Upload],
    photos: dict[str, StoredPhoto],
    partial: bool,
    max_rows: int,
    region: str = DEFAULT_REGION,
) -> Parsed:
    """Validate every file (all problems at once), match photos, and evaluate the good rows; every location
    must lie in a county of `region` (a province code)."""
    parsed = Parsed()
    submissions: list[Submission] = []
    for upload in files:
        options = IngestOptions(
            checklist_id=checklist_id,
            partial=partial,
            photo_dir=None,
            max_rows=max(1, max_rows - parsed.rows),
            region=Region(province=region),
        )
        result = read_submission(upload.data, upload.name, catalog, options)
        parsed.errors += result.errors
        parsed.warnings += result.warnings
        parsed.rows += len(result.rows) + result.skipped_rows
        for submission in result.rows:
            missing = [p.name for p in submission.photos if p.name not in photos]
            if missing:
                parsed.errors += [
                    IngestProblem(
                        upload.name, "facility.photo.missing", row=submission.row, value=name, params={"name": name}
                    )
                    for name in missing
                ]
                continue
            submission.photos = tuple(_stored(p, photos[p.name]) for p in submission.photos)
            submissions.append(submission)
    duplicates = duplicate_ids(submissions)  # one facility in two files: the later row is the error
    parsed.errors += duplicates
    if parsed.errors and not partial:
        return parsed
    repeated = {(p.file, p.row) for p in duplicates}
    parsed.submissions = latest_by_key(s for s in submissions if (s.source, s.row) not in repeated)
    for subject, findings in evaluate_all(parsed.submissions.values(), catalog):
        parsed.subjects.append(subject)
        parsed.findings[subject.key] = findings
    return parsed


def _stored(ref: PhotoRef, photo: StoredPhoto) -> PhotoRef:
    return replace(ref, safe_name=photo.safe_name, sha256=photo.sha256, size=photo.size, path=None)


def persist(
    store: Store, catalog: Catalog, parsed: Parsed, user: User, upload_id: int, campaign: Round | None = None
) -> tuple[int, list[dict]]:
    """Join `campaign` (the uploader's choice), else the open campaign of the current quarter for the rows'
    counties (`campaign_for`; a closed one raises CampaignClosed), written by the CLI's path: subjects upserted by key, the round's own snapshot,
    findings, raw rows and photo records, scored by the shared model. A re-upload of a facility in the same
    campaign replaces its row there. The caller holds the transaction that also finishes the upload record."""
    sources = sorted({s.source for s in parsed.submissions.values()})
    meta = round_meta(
        catalog,
        parsed.submissions.values(),
        sources,
        source="upload-service",
        upload_id=upload_id,
        inspector=user.username,
        facilities=len(parsed.subjects),
    )
    evaluated = ((subject, parsed.findings[subject.key]) for subject in parsed.subjects)
    counties = {c for sub in parsed.submissions.values() for c in (sub.counties or (sub.county,))}
    campaign = campaign or campaign_for(store, counties)
    report = store_round(store, catalog, campaign, meta, evaluated, parsed.submissions, upload_id=upload_id)
    scores = {s.subject_key: s for s in store.scores(report.round.id, catalog.policy.version)}
    return report.round.id, [_facility(s, scores.get(s.key)) for s in parsed.subjects]


def _facility(subject: Subject, score) -> dict:
    return {
        "key": subject.key,
        "name": subject.name,
        "area_code": subject.area_code,
        "row": subject.attributes.get("row"),
        "file": subject.attributes.get("source"),
        "score": score.score if score else None,
        "grade": score.grade if score else None,
        "compliant": score.compliant if score else None,
        "state": score.state if score else None,
        "reasons": list(score.reasons) if score else [],
        "failed_checks": list(score.failed_checks) if score else [],
    }
