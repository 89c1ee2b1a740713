"""The store interface every backend implements (SQLite now, PostGIS later), and its record types."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from audit.model import Finding, Outcome, Subject, SubjectScore

ROUND_KINDS = ("web", "facility")
ROUND_STATUSES = ("running", "complete", "failed", "interrupted")


@dataclass(frozen=True)
class Round:
    """A dated audit run. `meta` keeps tool versions (axe-core, browser, checklists) and options."""

    id: int
    kind: str
    started_at: str
    status: str
    label: str | None = None
    finished_at: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Area:
    """An administrative division (GB/T 2260). `geometry` is GeoJSON in WGS-84, or None."""

    code: str
    name: str
    level: str
    parent: str | None = None
    geometry: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class SubjectError:
    round_id: int
    subject_key: str
    message: str
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SubmissionRecord:
    """One accepted facility row as the inspector sent it (`raw`: column -> text), kept per round."""

    subject_key: str
    checklist: str
    submission_id: str
    source: str
    source_row: int | None
    coord_system_in: str
    raw: Mapping[str, Any]
    ingested_at: str | None = None  # set by the store when None


@dataclass(frozen=True)
class PhotoRecord:
    """A stored photo: a content-derived safe name; the uploaded name is for display only."""

    safe_name: str
    sha256: str
    size: int
    original_name: str
    subject_key: str
    stored_at: str | None = None  # set by the store when None


class Store(Protocol):
    """What callers may rely on. Writes inside `transaction()` are all-or-nothing."""

    url: str

    def close(self) -> None: ...
    def transaction(self) -> AbstractContextManager[None]: ...
    def schema_version(self) -> list[str]: ...

    # rounds
    def begin_round(
        self, kind: str, label: str | None = None, meta: Mapping[str, Any] | None = None, started_at: str | None = None
    ) -> Round: ...
    def finish_round(
        self,
        round_id: int,
        status: str = "complete",
        meta: Mapping[str, Any] | None = None,
        finished_at: str | None = None,
    ) -> Round: ...
    def reopen_round(self, round_id: int) -> Round: ...
    def get_round(self, round_id: int) -> Round: ...
    def rounds(self, kind: str | None = None) -> list[Round]: ...
    def latest_round(self, kind: str, status: str | None = "complete", before: int | None = None) -> Round | None: ...

    # subjects
    def upsert_subjects(self, subjects: Iterable[Subject]) -> None: ...
    def get_subject(self, key: str) -> Subject | None: ...
    def subjects(
        self, area: str | None = None, category: str | None = None, keys: Iterable[str] | None = None
    ) -> Iterator[Subject]: ...

    # findings and errors
    def replace_findings(self, round_id: int, subject_key: str, findings: Iterable[Finding]) -> None: ...
    def add_findings(self, round_id: int, findings: Iterable[Finding]) -> None: ...
    def findings(
        self, round_id: int, subject_key: str | None = None, prefix: str | None = None, outcome: Outcome | None = None
    ) -> Iterator[Finding]:
        """Ordered by (subject_key, check_id); `prefix` keeps subject keys that start with it; `outcome` one outcome."""
        ...

    def audited_keys(self, round_id: int) -> set[str]: ...
    def record_error(
        self, round_id: int, subject_key: str, message: str, detail: Mapping[str, Any] | None = None
    ) -> None: ...
    def errors(self, round_id: int) -> list[SubjectError]: ...

    # scores (a cache: derived from findings by the scoring model, tagged with its version)
    def put_scores(self, round_id: int, scores: Iterable[SubjectScore]) -> None: ...
    def scores(self, round_id: int, version: str | None = None) -> Iterator[SubjectScore]: ...

    # facility uploads: raw rows per round (a re-upload replaces its row) and stored photos (first one kept)
    def put_submissions(self, round_id: int, rows: Iterable[SubmissionRecord]) -> None: ...
    def submissions(self, round_id: int, checklist: str | None = None) -> Iterator[SubmissionRecord]: ...
    def put_photos(self, photos: Iterable[PhotoRecord]) -> None: ...
    def photos(self, subject_key: str | None = None) -> list[PhotoRecord]: ...

    # administrative areas
    def put_areas(self, areas: Iterable[Area]) -> None: ...
    def areas(self, level: str | None = None, parent: str | None = None) -> list[Area]: ...
    def get_area(self, code: str) -> Area | None: ...
