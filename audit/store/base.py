"""The store interface every backend implements (SQLite now, PostGIS later), and its record types."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from audit.model import Finding, Outcome, Subject, SubjectScore
from audit.model.problems import Event, Problem
from audit.model.review import Verdict
from audit.store.public_sql import PublicReport
from audit.store.review_sql import ReviewCapture, Signature

ROUND_KINDS = ("web", "facility")
ROUND_STATUSES = ("running", "complete", "failed", "interrupted")
CAMPAIGN_STATES = ("open", "closed")
UPLOAD_RESULTS = ("received", "accepted", "rejected", "refused", "failed")


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
    # facility rounds are campaigns: an area (None: every area), a period (ISO dates, inclusive), open|closed
    area_code: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    state: str | None = None

    @property
    def is_open(self) -> bool:
        return self.state == "open"


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


@dataclass(frozen=True)
class AccountRecord:
    """A service account as stored (the service's `User` is made from it)."""

    id: int
    username: str
    password_hash: str = field(repr=False)
    role: str
    active: bool
    created_at: str
    session_epoch: str = field(default="", repr=False)
    areas: tuple[str, ...] = ()


@dataclass(frozen=True)
class UploadRecord:
    """One entry of the service's upload log: who, when, which files, the result, and any withdrawal."""

    id: int
    user_id: int | None
    username: str
    received_at: str
    channel: str
    checklist: str
    files: list[dict]
    result: str
    finished_at: str | None = None
    round_id: int | None = None
    subjects: list[str] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    withdrawn_at: str | None = None
    withdrawn_by: str | None = None


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

    # facility campaigns (facility rounds with an area, a period and a state)
    def open_campaign(
        self,
        label: str,
        area_code: str | None,
        period_start: str,
        period_end: str,
        meta: Mapping[str, Any] | None = None,
    ) -> Round: ...
    def campaigns(self, period_start: str | None = None, state: str | None = None) -> list[Round]: ...
    def find_open_campaign(self, area_code: str | None, period_start: str) -> Round | None: ...
    def set_campaign_state(self, round_id: int, state: str) -> Round: ...

    # what each round saw of each subject (name, place, county, inspector, date, photos), as it was then
    def put_snapshots(self, round_id: int, subjects: Iterable[Subject], upload_id: int | None = None) -> None: ...
    def snapshots(self, round_id: int, keys: Iterable[str] | None = None) -> Iterator[Subject]: ...

    # subjects
    def upsert_subjects(self, subjects: Iterable[Subject]) -> None: ...
    def get_subject(self, key: str) -> Subject | None: ...
    def subjects(
        self, area: str | None = None, category: str | None = None, keys: Iterable[str] | None = None
    ) -> Iterator[Subject]: ...

    # findings and errors
    def replace_findings(self, round_id: int, subject_key: str, findings: Iterable[Finding]) -> None: ...
    def add_findings(self, round_id: int, findings: Iterable[Finding]) -> None: ...
    def replace_many_findings(self, round_id: int, findings_by_subject: Iterable[tuple[str, list[Finding]]]) -> None:
        """`replace_findings` for many subjects at once (a re-upload): one bulk delete, one bulk insert."""
        ...

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

    # web pages: what tells an unchanged page in the next round (validators, DOM hash, digest, reused or not)
    def put_page_reuse(self, round_id: int, subject_key: str, state: Mapping[str, Any]) -> None: ...
    def page_reuse(self, round_id: int) -> dict[str, dict[str, Any]]: ...

    # scores (a cache: derived from findings by the scoring model, tagged with its version)
    def put_scores(self, round_id: int, scores: Iterable[SubjectScore]) -> None: ...
    def scores(self, round_id: int, version: str | None = None) -> Iterator[SubjectScore]: ...

    # facility uploads: raw rows per round (a re-upload replaces its row) and stored photos (first one kept)
    def put_submissions(self, round_id: int, rows: Iterable[SubmissionRecord]) -> None: ...
    def submissions(self, round_id: int, checklist: str | None = None) -> Iterator[SubmissionRecord]: ...
    def put_photos(self, photos: Iterable[PhotoRecord]) -> None: ...
    def photos(self, subject_key: str | None = None) -> list[PhotoRecord]: ...

    # the upload service: accounts, areas, tokens, settings
    def add_account(
        self, username: str, password_hash: str, role: str, created_at: str, session_epoch: str, areas: Iterable[str]
    ) -> int: ...
    def account(self, username: str | None = None, user_id: int | None = None) -> AccountRecord | None: ...
    def accounts(self) -> list[AccountRecord]: ...
    def set_account_areas(self, user_id: int, areas: Iterable[str]) -> None: ...
    def set_account_active(self, user_id: int, active: bool) -> None: ...
    def set_password_hash(self, user_id: int, password_hash: str, replacing: str | None = None) -> bool:
        """Store a new hash; with `replacing`, only if the stored hash is still that one."""
        ...

    def set_session_epoch(self, user_id: int, epoch: str, only_if_empty: bool = False) -> None: ...
    def add_token(self, token_hash: str, user_id: int, label: str, created_at: str) -> None: ...
    def revoke_tokens(self, user_id: int) -> int: ...
    def account_by_token(self, token_hash: str) -> AccountRecord | None:
        """The active account holding this unrevoked token."""
        ...

    def setting(self, name: str, default: str) -> str:
        """The stored value, else `default` stored first (whichever process asks first wins)."""
        ...

    # the upload log
    def log_upload(
        self, user_id: int | None, username: str, received_at: str, channel: str, checklist: str, files: list[dict]
    ) -> int: ...
    def finish_upload(
        self,
        upload_id: int,
        result: str,
        finished_at: str,
        round_id: int | None = None,
        subjects: Iterable[str] = (),
        problems: Iterable[dict] = (),
    ) -> None: ...
    def upload(self, upload_id: int) -> UploadRecord | None: ...
    def uploads(self, user_id: int | None = None, limit: int = 100, offset: int = 0) -> list[UploadRecord]: ...
    def withdraw_upload(self, upload_id: int, by: str, at: str) -> list[str]:
        """Take an accepted upload's rows out of its round (findings, scores, rows, snapshots) where no later
        upload replaced them; the log entry stays, marked withdrawn. Returns the subject keys taken out."""
        ...

    # administrative areas
    def put_areas(self, areas: Iterable[Area]) -> None: ...
    def areas(self, level: str | None = None, parent: str | None = None) -> list[Area]: ...
    def get_area(self, code: str) -> Area | None: ...

    # the problem ledger (问题台账): problems' current state and their history (audit/store/ledger_sql.py)
    def put_problems(self, changes: Iterable[tuple[Problem, Event | None]]) -> int:
        """Each problem's new state and, where given, its event, in one transaction."""
        ...

    def delete_problems(self, problem_ids: Iterable[str]) -> int:
        """Remove these problems and their events; returns how many ids were given."""
        ...

    def problem(self, problem_id: str) -> Problem | None: ...
    def problems(
        self,
        area: str | None = None,
        statuses: Iterable[str] | None = None,
        unit: str | None = None,
        subject_keys: Iterable[str] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Problem]: ...
    def problem_pairs(self, subject_keys: Iterable[str], excluding: Iterable[str] = ()) -> set[tuple[str, str]]: ...
    def problem_events(
        self, problem_id: str | None = None, since: str | None = None, to_status: str | None = None
    ) -> list[Event]: ...

    # human review (audit/store/review_sql.py): verdicts per round, their history, page captures, signed statements
    def put_verdicts(self, verdicts: Iterable[Verdict]) -> int:
        """Record each verdict as its round's decision for its (subject, check), replacing an earlier one."""
        ...

    def verdicts(self, round_id: int, subject_key: str | None = None) -> list[Verdict]: ...
    def earlier_verdicts(self, before_round: int, subject_keys: Iterable[str]) -> dict[tuple[str, str], Verdict]:
        """The latest verdict of each (subject, check) of these subjects in a round before `before_round`."""
        ...

    def has_verdicts(self, up_to_round: int) -> bool: ...
    def verdict_history(self, round_id: int, subject_key: str, check_id: str) -> list[Verdict]: ...
    def put_capture(self, capture: ReviewCapture) -> None: ...
    def captures(self, round_id: int) -> dict[str, ReviewCapture]: ...
    def sign_statement(self, round_id: int, site_key: str, signer: str, signed_at: str, statement: Mapping) -> int: ...
    def signatures(self, round_id: int, site_key: str | None = None) -> list[Signature]: ...

    # public reports (随手拍) from residents and their moderation (audit/store/public_sql.py)
    def add_public_report(self, report: PublicReport) -> None: ...
    def public_report(self, ref: str) -> PublicReport | None: ...
    def public_reports(
        self, area: str | None = None, states: Iterable[str] | None = None, limit: int = 500
    ) -> list[PublicReport]: ...
    def move_public_report(self, ref: str, from_states: Iterable[str], changes: Mapping[str, Any]) -> bool:
        """Apply `changes` only while the report is in one of `from_states`; False when it was not."""
        ...
