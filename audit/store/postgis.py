"""The province-scale store: PostgreSQL with PostGIS (psycopg 3), same semantics as SqliteStore."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row

from audit.model import Finding, Outcome, Subject, SubjectScore
from audit.store.base import ROUND_KINDS, ROUND_STATUSES, Area, PhotoRecord, Round, SubjectError, SubmissionRecord
from audit.store.codec import (
    PAGE_REUSE_FIELDS,
    area_prefix,
    dumps,
    finding_rows,
    loads,
    prefix_bounds,
    raw_from,
    raw_parts,
    round_from,
    score_from,
    score_rows,
    split_finding_rows,
    stored_finding_from,
    subject_from,
    subject_row,
)
from audit.store.ledger_sql import LedgerSql
from audit.store.migrate import apply_all
from audit.store.portable import PortableSql
from audit.store.public_sql import PublicReportSql
from audit.store.review_sql import ReviewSql

PAGE = 5000  # rows per keyset page when streaming: memory stays flat for a province's subjects

# jsonb columns are read back as text so the shared codec converts them exactly as it does for SQLite
SUBJECT_COLUMNS = (
    "key, kind, category, name, area_code, url, geometry::text AS geometry, lon, lat, attributes::text AS attributes"
)
FINDING_COLUMNS = (
    "round_id, subject_key, check_id, outcome, passed, failed, severity, measured::text AS measured, "
    "required::text AS required, note, evidence::text AS evidence, extra::text AS extra"
)
# A finding is its key and outcome in `findings` and its result, stored once, in `finding_results` (0920).
FINDINGS_JOINED = (
    f"SELECT result_id, {FINDING_COLUMNS} FROM findings JOIN finding_results ON finding_results.id = findings.result_id"
)
SCORE_COLUMNS = (
    "round_id, subject_key, version, score, grade, compliant, coverage, counts::text AS counts, "
    "failed_checks::text AS failed_checks, blocking_checks::text AS blocking_checks, state, "
    "state_detail::text AS state_detail"
)
ROUND_COLUMNS = (
    "id, kind, label, started_at, finished_at, status, meta::text AS meta, area_code, period_start, period_end, state"
)
AREA_COLUMNS = "code, name, level, parent, geometry::text AS geometry"

MIGRATION_LOCK = 7401  # advisory lock class: two processes opening a fresh database migrate one after the other


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class PostgisStore(PortableSql, LedgerSql, ReviewSql, PublicReportSql):
    """Store backed by PostgreSQL/PostGIS. One connection; safe to share between threads."""

    def __init__(self, url: str):
        self.url = url
        self.db = psycopg.connect(url, autocommit=True, row_factory=dict_row)
        self._lock = threading.RLock()
        self.migrate()

    # -- plumbing -------------------------------------------------------------------------------
    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing; nested calls become savepoints (psycopg does that for nested blocks)."""
        with self._lock, self.db.transaction():
            yield

    def _rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        with self._lock:
            return self.db.execute(sql, tuple(params)).fetchall()

    def _execute(self, sql: str, params: Iterable[Any] = ()) -> None:
        with self._lock:
            self.db.execute(sql, tuple(params))

    def _executemany(self, sql: str, rows: Iterable[tuple]) -> None:
        with self._lock, self.db.cursor() as cursor:
            cursor.executemany(sql, list(rows))

    def _q(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        return self._rows(sql.replace("?", "%s"), params)

    def _run(self, sql: str, params: Iterable[Any] = ()) -> int:
        with self._lock:
            return self.db.execute(sql.replace("?", "%s"), tuple(params)).rowcount

    def _new_id(self, sql: str, params: Iterable[Any] = ()) -> int:
        return self._rows(sql.replace("?", "%s") + " RETURNING id", params)[0]["id"]

    def _many(self, sql: str, rows: Iterable[tuple]) -> None:
        self._executemany(sql.replace("?", "%s"), rows)

    def migrate(self) -> list[str]:
        def run(name: str, sql: str) -> None:
            with self.transaction():
                self.db.execute(sql)  # no parameters: psycopg sends the whole file as one simple query
                self.db.execute("INSERT INTO schema_migrations VALUES (%s, %s)", (name, now_iso()))

        with self.transaction():
            self.db.execute("SELECT pg_advisory_xact_lock(%s, hashtext(current_schema()))", (MIGRATION_LOCK,))
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            return apply_all(self.schema_version(), "postgis", run)

    def schema_version(self) -> list[str]:
        return [r["name"] for r in self._rows("SELECT name FROM schema_migrations ORDER BY name")]

    def _pages(
        self, select: str, where: list[str], params: list[Any], order: tuple[str, ...]
    ) -> Iterator[dict[str, Any]]:
        """Stream rows ordered by `order` with keyset pagination, one bounded page per query."""
        last: tuple | None = None
        while True:
            clauses = list(where)
            page_params = list(params)
            if last is not None:
                clauses.append(f"({', '.join(order)}) > ({', '.join(['%s'] * len(order))})")
                page_params += list(last)
            sql = select + (f" WHERE {' AND '.join(clauses)}" if clauses else "")
            rows = self._rows(f"{sql} ORDER BY {', '.join(order)} LIMIT {PAGE}", page_params)
            yield from rows
            if len(rows) < PAGE:
                return
            last = tuple(rows[-1][column] for column in order)

    # -- rounds ---------------------------------------------------------------------------------
    def begin_round(
        self, kind: str, label: str | None = None, meta: Mapping[str, Any] | None = None, started_at: str | None = None
    ) -> Round:
        if kind not in ROUND_KINDS:
            raise ValueError(f"round kind must be one of {ROUND_KINDS}, not {kind!r}")
        with self.transaction():
            [row] = self._rows(
                "INSERT INTO rounds (kind, label, started_at, meta) VALUES (%s, %s, %s, %s) RETURNING id",
                (kind, label, started_at or now_iso(), dumps(dict(meta or {}))),
            )
        return self.get_round(row["id"])

    def finish_round(
        self,
        round_id: int,
        status: str = "complete",
        meta: Mapping[str, Any] | None = None,
        finished_at: str | None = None,
    ) -> Round:
        if status not in ROUND_STATUSES:
            raise ValueError(f"round status must be one of {ROUND_STATUSES}, not {status!r}")
        with self.transaction():
            merged = {**self.get_round(round_id).meta, **(meta or {})}
            self._execute(
                "UPDATE rounds SET status = %s, finished_at = %s, meta = %s WHERE id = %s",
                (status, finished_at or now_iso(), dumps(merged), round_id),
            )
        return self.get_round(round_id)

    def reopen_round(self, round_id: int) -> Round:
        self._execute("UPDATE rounds SET status = 'running', finished_at = NULL WHERE id = %s", (round_id,))
        return self.get_round(round_id)

    def get_round(self, round_id: int) -> Round:
        rows = self._rows(f"SELECT {ROUND_COLUMNS} FROM rounds WHERE id = %s", (round_id,))
        if not rows:
            raise KeyError(f"no round {round_id}")
        return round_from(rows[0])

    def rounds(self, kind: str | None = None) -> list[Round]:
        sql, params = f"SELECT {ROUND_COLUMNS} FROM rounds", ()
        if kind:
            sql, params = sql + " WHERE kind = %s", (kind,)
        return [round_from(r) for r in self._rows(sql + " ORDER BY started_at, id", params)]

    def latest_round(self, kind: str, status: str | None = "complete", before: int | None = None) -> Round | None:
        clauses, params = ["kind = %s"], [kind]
        if status:
            clauses.append("status = %s")
            params.append(status)
        if before is not None:
            anchor = self.get_round(before)
            clauses.append("(started_at < %s OR (started_at = %s AND id < %s))")
            params += [anchor.started_at, anchor.started_at, before]
        rows = self._rows(
            f"SELECT {ROUND_COLUMNS} FROM rounds WHERE {' AND '.join(clauses)} "
            "ORDER BY started_at DESC, id DESC LIMIT 1",
            params,
        )
        return round_from(rows[0]) if rows else None

    # -- subjects -------------------------------------------------------------------------------
    def upsert_subjects(self, subjects: Iterable[Subject]) -> None:
        with self.transaction():
            self._executemany(
                "INSERT INTO subjects (key, kind, category, name, area_code, url, geometry, lon, lat, attributes) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, "
                "category = excluded.category, name = excluded.name, area_code = excluded.area_code, url = excluded.url, "
                "geometry = excluded.geometry, lon = excluded.lon, lat = excluded.lat, attributes = excluded.attributes",
                (subject_row(s) for s in subjects),
            )

    def get_subject(self, key: str) -> Subject | None:
        rows = self._rows(f"SELECT {SUBJECT_COLUMNS} FROM subjects WHERE key = %s", (key,))
        return subject_from(rows[0]) if rows else None

    def subjects(
        self, area: str | None = None, category: str | None = None, keys: Iterable[str] | None = None
    ) -> Iterator[Subject]:
        clauses, params = [], []
        if area:
            clauses.append("area_code LIKE %s")
            params.append(area_prefix(area) + "%")
        if category:
            clauses.append("category = %s")
            params.append(category)
        if keys is not None:
            clauses.append("key = ANY(%s)")
            params.append(list(keys))
        for row in self._pages(f"SELECT {SUBJECT_COLUMNS} FROM subjects", clauses, params, ("key",)):
            yield subject_from(row)

    # -- findings -------------------------------------------------------------------------------
    def replace_findings(self, round_id: int, subject_key: str, findings: Iterable[Finding]) -> None:
        """Atomically set the findings of one subject in one round (page by page, resubmission)."""
        with self.transaction():
            self._execute("DELETE FROM findings WHERE round_id = %s AND subject_key = %s", (round_id, subject_key))
            self._execute(
                "DELETE FROM subject_errors WHERE round_id = %s AND subject_key = %s", (round_id, subject_key)
            )
            self.add_findings(round_id, findings)

    def replace_many_findings(self, round_id: int, findings_by_subject: Iterable[tuple[str, list[Finding]]]) -> None:
        pairs = list(findings_by_subject)
        keys = [key for key, _ in pairs]
        with self.transaction():
            self._execute("DELETE FROM findings WHERE round_id = %s AND subject_key = ANY(%s)", (round_id, keys))
            self._execute("DELETE FROM subject_errors WHERE round_id = %s AND subject_key = ANY(%s)", (round_id, keys))
            self.add_findings(round_id, (f for _, found in pairs for f in found))

    def add_findings(self, round_id: int, findings: Iterable[Finding]) -> None:
        rows, results = split_finding_rows(finding_rows(round_id, findings))
        with self.transaction():
            self._executemany(
                "INSERT INTO finding_results (id, passed, failed, severity, measured, required, note, evidence, "
                "extra) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
                results,
            )
            self._executemany(
                "INSERT INTO findings (round_id, subject_key, check_id, outcome, result_id) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (round_id, subject_key, check_id) "
                "DO UPDATE SET outcome = excluded.outcome, result_id = excluded.result_id",
                rows,
            )

    def findings(
        self, round_id: int, subject_key: str | None = None, prefix: str | None = None, outcome: Outcome | None = None
    ) -> Iterator[Finding]:
        clauses, params = ["round_id = %s"], [round_id]
        if subject_key is not None:
            clauses.append("subject_key = %s")
            params.append(subject_key)
        if outcome is not None:
            clauses.append("outcome = %s")
            params.append(outcome.value)
        if prefix:
            _prefix_clauses(clauses, params, prefix)
        for row in self._pages(FINDINGS_JOINED, clauses, params, ("subject_key", "check_id")):
            yield stored_finding_from(row)

    def audited_keys(self, round_id: int) -> set[str]:
        rows = self._rows(
            "SELECT subject_key FROM findings WHERE round_id = %s "
            "UNION SELECT subject_key FROM subject_errors WHERE round_id = %s",
            (round_id, round_id),
        )
        return {r["subject_key"] for r in rows}

    def record_error(
        self, round_id: int, subject_key: str, message: str, detail: Mapping[str, Any] | None = None
    ) -> None:
        with self.transaction():
            self._execute("DELETE FROM findings WHERE round_id = %s AND subject_key = %s", (round_id, subject_key))
            self._execute(
                "INSERT INTO subject_errors VALUES (%s, %s, %s, %s) ON CONFLICT (round_id, subject_key) "
                "DO UPDATE SET message = excluded.message, detail = excluded.detail",
                (round_id, subject_key, message, dumps(dict(detail or {}))),
            )

    def errors(self, round_id: int) -> list[SubjectError]:
        rows = self._rows(
            "SELECT round_id, subject_key, message, detail::text AS detail FROM subject_errors "
            "WHERE round_id = %s ORDER BY subject_key",
            (round_id,),
        )
        return [SubjectError(r["round_id"], r["subject_key"], r["message"], loads(r["detail"], {})) for r in rows]

    # -- web page reuse -------------------------------------------------------------------------
    def put_page_reuse(self, round_id: int, subject_key: str, state: Mapping[str, Any]) -> None:
        self._execute(
            "INSERT INTO page_reuse VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (round_id, subject_key) DO UPDATE "
            "SET etag = excluded.etag, last_modified = excluded.last_modified, dom_hash = excluded.dom_hash, "
            "digest = excluded.digest, reused = excluded.reused",
            (round_id, subject_key, *(state.get(k) for k in PAGE_REUSE_FIELDS)),
        )

    def page_reuse(self, round_id: int) -> dict[str, dict[str, Any]]:
        rows = self._rows("SELECT * FROM page_reuse WHERE round_id = %s", (round_id,))
        return {r["subject_key"]: {k: r[k] for k in PAGE_REUSE_FIELDS} for r in rows}

    # -- scores ---------------------------------------------------------------------------------
    def put_scores(self, round_id: int, scores: Iterable[SubjectScore]) -> None:
        with self.transaction():
            self._executemany(
                "INSERT INTO scores VALUES (%s, %s, %s, %s, %s, %s::int4::boolean, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (round_id, subject_key, version) DO UPDATE SET score = excluded.score, "
                "grade = excluded.grade, compliant = excluded.compliant, coverage = excluded.coverage, "
                "counts = excluded.counts, failed_checks = excluded.failed_checks, blocking_checks = excluded.blocking_checks, "
                "state = excluded.state, state_detail = excluded.state_detail",
                score_rows(round_id, scores),
            )

    def scores(self, round_id: int, version: str | None = None) -> Iterator[SubjectScore]:
        clauses, params = ["round_id = %s"], [round_id]
        if version:
            clauses.append("version = %s")
            params.append(version)
        for row in self._pages(f"SELECT {SCORE_COLUMNS} FROM scores", clauses, params, ("subject_key", "version")):
            yield score_from(row)

    # -- facility uploads -----------------------------------------------------------------------
    def put_submissions(self, round_id: int, rows: Iterable[SubmissionRecord]) -> None:
        now = now_iso()
        headers: dict[int, str] = {}
        records = []
        for r in rows:
            header_id, columns, values = raw_parts(r.raw)
            headers.setdefault(header_id, columns)
            records.append(
                (
                    round_id,
                    r.subject_key,
                    r.checklist,
                    r.submission_id,
                    r.source,
                    r.source_row,
                    r.coord_system_in,
                    values,
                    header_id,
                    r.ingested_at or now,
                )
            )
        with self.transaction():
            self._executemany("INSERT INTO raw_headers VALUES (%s, %s) ON CONFLICT (id) DO NOTHING", headers.items())
            self._executemany(
                "INSERT INTO facility_submissions (round_id, subject_key, checklist, submission_id, source, "
                "source_row, coord_system_in, raw, raw_header, ingested_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (round_id, subject_key) DO UPDATE SET checklist = excluded.checklist, "
                "submission_id = excluded.submission_id, source = excluded.source, source_row = excluded.source_row, "
                "coord_system_in = excluded.coord_system_in, raw = excluded.raw, raw_header = excluded.raw_header, "
                "ingested_at = excluded.ingested_at",
                records,
            )

    def submissions(self, round_id: int, checklist: str | None = None) -> Iterator[SubmissionRecord]:
        clauses, params = ["round_id = %s"], [round_id]
        if checklist:
            clauses.append("checklist = %s")
            params.append(checklist)
        for row in self._pages(
            "SELECT facility_submissions.*, raw_headers.columns AS raw_columns FROM facility_submissions "
            "LEFT JOIN raw_headers ON raw_headers.id = facility_submissions.raw_header",
            clauses,
            params,
            ("subject_key",),
        ):
            yield SubmissionRecord(
                row["subject_key"],
                row["checklist"],
                row["submission_id"],
                row["source"],
                row["source_row"],
                row["coord_system_in"],
                raw_from(row["raw"], row["raw_header"], row["raw_columns"]),
                row["ingested_at"],
            )

    def put_photos(self, photos: Iterable[PhotoRecord]) -> None:
        now = now_iso()
        with self.transaction():
            self._executemany(
                "INSERT INTO facility_photos VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (safe_name) DO NOTHING",
                ((p.safe_name, p.sha256, p.size, p.original_name, p.subject_key, p.stored_at or now) for p in photos),
            )

    def photos(self, subject_key: str | None = None) -> list[PhotoRecord]:
        sql, params = "SELECT * FROM facility_photos", []
        if subject_key is not None:
            sql, params = sql + " WHERE subject_key = %s", [subject_key]
        return [
            PhotoRecord(r["safe_name"], r["sha256"], r["bytes"], r["original_name"], r["subject_key"], r["stored_at"])
            for r in self._rows(sql + " ORDER BY safe_name", params)
        ]

    # -- areas ----------------------------------------------------------------------------------
    def put_areas(self, areas: Iterable[Area]) -> None:
        with self.transaction():
            self._executemany(
                "INSERT INTO areas (code, name, level, parent, geometry) VALUES (%s, %s, %s, %s, %s) "
                "ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, "
                "parent = excluded.parent, geometry = excluded.geometry",
                ((a.code, a.name, a.level, a.parent, dumps(a.geometry) if a.geometry else None) for a in areas),
            )

    def areas(self, level: str | None = None, parent: str | None = None) -> list[Area]:
        clauses, params = [], []
        for column, value in (("level", level), ("parent", parent)):
            if value:
                clauses.append(f"{column} = %s")
                params.append(value)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        return [_area(r) for r in self._rows(f"SELECT {AREA_COLUMNS} FROM areas{where} ORDER BY code", params)]

    def get_area(self, code: str) -> Area | None:
        rows = self._rows(f"SELECT {AREA_COLUMNS} FROM areas WHERE code = %s", (code,))
        return _area(rows[0]) if rows else None

    # -- spatial (PostGIS only; callers check `hasattr`) ----------------------------------------
    def subjects_within(self, geometry: Mapping[str, Any], category: str | None = None) -> Iterator[Subject]:
        """Subjects whose geometry intersects a GeoJSON shape, through the GiST index."""
        clauses, params = (
            ["geom && a11y_geometry(%s::jsonb)", "ST_Intersects(geom, a11y_geometry(%s::jsonb))"],
            [dumps(geometry), dumps(geometry)],
        )
        if category:
            clauses.append("category = %s")
            params.append(category)
        for row in self._pages(f"SELECT {SUBJECT_COLUMNS} FROM subjects", clauses, params, ("key",)):
            yield subject_from(row)


def _prefix_clauses(clauses: list[str], params: list[Any], prefix: str) -> None:
    """A range the primary key can scan (keys are COLLATE "C": code-point order), plus the exact test."""
    low, high = prefix_bounds(prefix)
    clauses += ["subject_key >= %s", "left(subject_key, %s) = %s"]
    params += [low, len(prefix), prefix]
    if high is not None:
        clauses.append("subject_key < %s")
        params.append(high)


def _area(row: Mapping[str, Any]) -> Area:
    return Area(
        code=row["code"], name=row["name"], level=row["level"], parent=row["parent"], geometry=loads(row["geometry"])
    )
