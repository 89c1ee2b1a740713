"""The embedded default store: one SQLite file (WAL), safe for one writer and many readers."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any

from audit.model import Finding, Outcome, Subject, SubjectScore
from audit.store.base import ROUND_KINDS, ROUND_STATUSES, Area, PhotoRecord, Round, SubjectError, SubmissionRecord
from audit.store.chunks import in_chunks
from audit.store.codec import (
    PAGE_REUSE_FIELDS,
    area_prefix,
    dumps,
    loads,
    migrated_raw,
    pack_findings,
    packed_ids,
    packed_result_id,
    prefix_bounds,
    raw_from,
    raw_parts,
    result_id,
    round_from,
    score_from,
    score_rows,
    stored_finding_from,
    subject_from,
    subject_row,
)
from audit.store.ledger_sql import LedgerSql
from audit.store.migrate import apply_all
from audit.store.portable import PortableSql
from audit.store.public_sql import PublicReportSql
from audit.store.review_sql import ReviewSql

CACHE_KIB = 65536  # page cache: a bulk insert of 100k facilities touches index pages the 2 MiB default evicts
SUBMISSIONS_JOINED = (
    "SELECT facility_submissions.*, raw_headers.columns AS raw_columns FROM facility_submissions "
    "LEFT JOIN raw_headers ON raw_headers.id = facility_submissions.raw_header"
)
# A finding is its subject's row of result ids in `subject_findings` and the result, with its check and
# outcome, stored once in `finding_results` (0970).
FINDINGS_JOINED = (
    "SELECT r.id AS result_id, round_id, subject_key, check_id, outcome, passed, failed, severity, measured, "
    "required, note, evidence, extra FROM subject_findings JOIN json_each(subject_findings.results) j "
    "JOIN finding_results r ON r.id = j.value"
)


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class SqliteStore(PortableSql, LedgerSql, ReviewSql, PublicReportSql):
    """Store backed by a SQLite file (or ':memory:')."""

    FINDINGS_TABLE = "subject_findings"

    def __init__(self, path: str | Path):
        self.path = str(path)
        self.url = f"sqlite:///{self.path}"
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        self.db.row_factory = sqlite3.Row
        register_functions(self.db)
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA busy_timeout = 30000")
        self.db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        if self.path != ":memory:":
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
        self._lock = threading.RLock()
        self._depth = 0
        self.migrate()

    # -- plumbing -------------------------------------------------------------------------------
    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing; nests as savepoints so library calls compose."""
        with self._lock:
            name = f"sp{self._depth}"
            self.db.execute("BEGIN IMMEDIATE" if self._depth == 0 else f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self.db.execute("ROLLBACK")
                else:
                    self.db.execute(f"ROLLBACK TO {name}")
                    self.db.execute(f"RELEASE {name}")
                raise
            else:
                self._depth -= 1
                self.db.execute("COMMIT" if self._depth == 0 else f"RELEASE {name}")

    def _rows(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        return self.db.execute(sql, tuple(params)).fetchall()

    def _q(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(row) for row in self.db.execute(sql, tuple(params)).fetchall()]

    def _run(self, sql: str, params: Iterable[Any] = ()) -> int:
        with self._lock:
            return self.db.execute(sql, tuple(params)).rowcount

    def _new_id(self, sql: str, params: Iterable[Any] = ()) -> int:
        with self._lock:
            return self.db.execute(sql, tuple(params)).lastrowid

    def _many(self, sql: str, rows: Iterable[tuple]) -> None:
        with self._lock:
            self.db.executemany(sql, rows)

    def migrate(self) -> list[str]:
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )

        def run(name: str, sql: str) -> None:
            with self.transaction():
                for statement in _statements(sql):
                    self.db.execute(statement)
                self.db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, now_iso()))

        return apply_all(self.schema_version(), "sqlite", run)

    def schema_version(self) -> list[str]:
        return [r["name"] for r in self._rows("SELECT name FROM schema_migrations ORDER BY name")]

    # -- rounds ---------------------------------------------------------------------------------
    def begin_round(
        self, kind: str, label: str | None = None, meta: Mapping[str, Any] | None = None, started_at: str | None = None
    ) -> Round:
        if kind not in ROUND_KINDS:
            raise ValueError(f"round kind must be one of {ROUND_KINDS}, not {kind!r}")
        with self.transaction():
            cursor = self.db.execute(
                "INSERT INTO rounds (kind, label, started_at, meta) VALUES (?, ?, ?, ?)",
                (kind, label, started_at or now_iso(), dumps(dict(meta or {}))),
            )
        return self.get_round(cursor.lastrowid)

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
            self.db.execute(
                "UPDATE rounds SET status = ?, finished_at = ?, meta = ? WHERE id = ?",
                (status, finished_at or now_iso(), dumps(merged), round_id),
            )
        return self.get_round(round_id)

    def reopen_round(self, round_id: int) -> Round:
        self.db.execute("UPDATE rounds SET status = 'running', finished_at = NULL WHERE id = ?", (round_id,))
        return self.get_round(round_id)

    def get_round(self, round_id: int) -> Round:
        rows = self._rows("SELECT * FROM rounds WHERE id = ?", (round_id,))
        if not rows:
            raise KeyError(f"no round {round_id}")
        return round_from(rows[0])

    def rounds(self, kind: str | None = None) -> list[Round]:
        sql, params = "SELECT * FROM rounds", ()
        if kind:
            sql, params = sql + " WHERE kind = ?", (kind,)
        return [round_from(r) for r in self._rows(sql + " ORDER BY started_at, id", params)]

    def latest_round(self, kind: str, status: str | None = "complete", before: int | None = None) -> Round | None:
        clauses, params = ["kind = ?"], [kind]
        if status:
            clauses.append("status = ?")
            params.append(status)
        if before is not None:
            anchor = self.get_round(before)
            clauses.append("(started_at < ? OR (started_at = ? AND id < ?))")
            params += [anchor.started_at, anchor.started_at, before]
        rows = self._rows(
            f"SELECT * FROM rounds WHERE {' AND '.join(clauses)} ORDER BY started_at DESC, id DESC LIMIT 1", params
        )
        return round_from(rows[0]) if rows else None

    # -- subjects -------------------------------------------------------------------------------
    def upsert_subjects(self, subjects: Iterable[Subject]) -> None:
        with self.transaction():
            self.db.executemany(
                "INSERT INTO subjects (key, kind, category, name, area_code, url, geometry, lon, lat, attributes) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, "
                "category = excluded.category, name = excluded.name, area_code = excluded.area_code, url = excluded.url, "
                "geometry = excluded.geometry, lon = excluded.lon, lat = excluded.lat, attributes = excluded.attributes",
                (subject_row(s) for s in subjects),
            )

    def get_subject(self, key: str) -> Subject | None:
        rows = self._rows("SELECT * FROM subjects WHERE key = ?", (key,))
        return subject_from(rows[0]) if rows else None

    def subjects(
        self, area: str | None = None, category: str | None = None, keys: Iterable[str] | None = None
    ) -> Iterator[Subject]:
        clauses, params = [], []
        if area:
            clauses.append("area_code LIKE ?")
            params.append(area_prefix(area) + "%")
        if category:
            clauses.append("category = ?")
            params.append(category)
        if keys is not None:
            wanted = list(keys)
            for chunk, marks in in_chunks(wanted):
                where = " AND ".join(clauses + [f"key IN ({marks})"])
                yield from (
                    subject_from(r)
                    for r in self._rows(f"SELECT * FROM subjects WHERE {where} ORDER BY key", params + chunk)
                )
            return
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        for row in self.db.execute(f"SELECT * FROM subjects{where} ORDER BY key", params):
            yield subject_from(row)

    # -- findings -------------------------------------------------------------------------------
    # A subject's findings are one row of result ids in `subject_findings`; each result, with its check and
    # outcome, is stored once in `finding_results` (0970). The view `findings` shows them a row each.
    def replace_findings(self, round_id: int, subject_key: str, findings: Iterable[Finding]) -> None:
        """Atomically set the findings of one subject in one round (page by page, resubmission)."""
        with self.transaction():
            self._forget(round_id, [subject_key])
            self._put_findings(round_id, findings, merge=False)

    def replace_many_findings(self, round_id: int, findings_by_subject: Iterable[tuple[str, list[Finding]]]) -> None:
        pairs = list(findings_by_subject)
        with self.transaction():
            self._forget(round_id, [key for key, _ in pairs])
            self._put_findings(round_id, (f for _, found in pairs for f in found), merge=False)

    def _forget(self, round_id: int, keys: list[str]) -> None:
        pairs = [(round_id, key) for key in keys]
        self.db.executemany("DELETE FROM subject_findings WHERE round_id = ? AND subject_key = ?", pairs)
        self.db.executemany("DELETE FROM subject_errors WHERE round_id = ? AND subject_key = ?", pairs)

    def add_findings(self, round_id: int, findings: Iterable[Finding]) -> None:
        """Add to (or replace, check by check) the findings a subject holds in the round."""
        self._put_findings(round_id, findings, merge=True)

    def _put_findings(self, round_id: int, findings: Iterable[Finding], merge: bool) -> None:
        """`merge`: keep the checks the subjects already hold and these do not name (no need once forgotten)."""
        by_subject, results = pack_findings(findings)
        with self.transaction():
            self.db.executemany(f"INSERT OR IGNORE INTO finding_results VALUES ({','.join('?' * 11)})", results)
            held = self._held_results(round_id, list(by_subject)) if merge else {}
            rows = [
                (round_id, key, packed_ids({**held[key], **checks} if key in held else checks))
                for key, checks in by_subject.items()
            ]
            # In key order the B-tree inserts land on neighbouring pages.
            rows.sort(key=itemgetter(1))
            self.db.executemany("INSERT OR REPLACE INTO subject_findings VALUES (?, ?, ?)", rows)

    def _held_results(self, round_id: int, keys: list[str]) -> dict[str, dict[str, int]]:
        """{subject key: {check id: result id}} of what these subjects already hold in the round."""
        held: dict[str, dict[str, int]] = {}
        for chunk, marks in in_chunks(keys):
            rows = self.db.execute(
                "SELECT sf.subject_key, r.check_id, r.id FROM subject_findings sf JOIN json_each(sf.results) j "
                f"JOIN finding_results r ON r.id = j.value WHERE sf.round_id = ? AND sf.subject_key IN ({marks})",
                [round_id, *chunk],
            )
            for key, check_id, rid in rows:
                held.setdefault(key, {})[check_id] = rid
        return held

    def findings(
        self, round_id: int, subject_key: str | None = None, prefix: str | None = None, outcome: Outcome | None = None
    ) -> Iterator[Finding]:
        sql, params = f"{FINDINGS_JOINED} WHERE round_id = ?", [round_id]
        if subject_key is not None:
            sql, params = sql + " AND subject_key = ?", params + [subject_key]
        if outcome is not None:
            sql, params = sql + " AND outcome = ?", params + [outcome.value]
        if prefix:
            sql, params = _prefix_clause(sql, params, prefix)
        for row in self.db.execute(sql + " ORDER BY subject_key, check_id", params):
            yield stored_finding_from(row)

    def audited_keys(self, round_id: int) -> set[str]:
        rows = self._rows(
            "SELECT subject_key FROM subject_findings WHERE round_id = ? "
            "UNION SELECT subject_key FROM subject_errors WHERE round_id = ?",
            (round_id, round_id),
        )
        return {r[0] for r in rows}

    def record_error(
        self, round_id: int, subject_key: str, message: str, detail: Mapping[str, Any] | None = None
    ) -> None:
        with self.transaction():
            self.db.execute(
                "DELETE FROM subject_findings WHERE round_id = ? AND subject_key = ?", (round_id, subject_key)
            )
            self.db.execute(
                "INSERT OR REPLACE INTO subject_errors VALUES (?, ?, ?, ?)",
                (round_id, subject_key, message, dumps(dict(detail or {}))),
            )

    def errors(self, round_id: int) -> list[SubjectError]:
        rows = self._rows("SELECT * FROM subject_errors WHERE round_id = ? ORDER BY subject_key", (round_id,))
        return [SubjectError(r["round_id"], r["subject_key"], r["message"], loads(r["detail"], {})) for r in rows]

    # -- web page reuse -------------------------------------------------------------------------
    def put_page_reuse(self, round_id: int, subject_key: str, state: Mapping[str, Any]) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO page_reuse VALUES (?, ?, ?, ?, ?, ?, ?)",
            (round_id, subject_key, *(state.get(k) for k in PAGE_REUSE_FIELDS)),
        )

    def page_reuse(self, round_id: int) -> dict[str, dict[str, Any]]:
        rows = self._rows("SELECT * FROM page_reuse WHERE round_id = ?", (round_id,))
        return {r["subject_key"]: {k: r[k] for k in PAGE_REUSE_FIELDS} for r in rows}

    # -- scores ---------------------------------------------------------------------------------
    def put_scores(self, round_id: int, scores: Iterable[SubjectScore]) -> None:
        with self.transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO scores VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                score_rows(round_id, scores),
            )

    def scores(self, round_id: int, version: str | None = None) -> Iterator[SubjectScore]:
        sql, params = "SELECT * FROM scores WHERE round_id = ?", [round_id]
        if version:
            sql, params = sql + " AND version = ?", params + [version]
        for row in self.db.execute(sql + " ORDER BY subject_key", params):
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
            self.db.executemany("INSERT OR IGNORE INTO raw_headers VALUES (?, ?)", headers.items())
            self.db.executemany(
                "INSERT OR REPLACE INTO facility_submissions (round_id, subject_key, checklist, submission_id, "
                "source, source_row, coord_system_in, raw, raw_header, ingested_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                records,
            )

    def submissions(self, round_id: int, checklist: str | None = None) -> Iterator[SubmissionRecord]:
        sql, params = f"{SUBMISSIONS_JOINED} WHERE round_id = ?", [round_id]
        if checklist:
            sql, params = sql + " AND checklist = ?", params + [checklist]
        for row in self.db.execute(sql + " ORDER BY subject_key", params):
            yield _submission(row)

    def put_photos(self, photos: Iterable[PhotoRecord]) -> None:
        now = now_iso()
        with self.transaction():
            self.db.executemany(
                "INSERT OR IGNORE INTO facility_photos VALUES (?, ?, ?, ?, ?, ?)",
                ((p.safe_name, p.sha256, p.size, p.original_name, p.subject_key, p.stored_at or now) for p in photos),
            )

    def photos(self, subject_key: str | None = None) -> list[PhotoRecord]:
        sql, params = "SELECT * FROM facility_photos", []
        if subject_key is not None:
            sql, params = sql + " WHERE subject_key = ?", [subject_key]
        return [_photo(r) for r in self._rows(sql + " ORDER BY safe_name", params)]

    # -- areas ----------------------------------------------------------------------------------
    def put_areas(self, areas: Iterable[Area]) -> None:
        with self.transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO areas VALUES (?, ?, ?, ?, ?)",
                ((a.code, a.name, a.level, a.parent, dumps(a.geometry) if a.geometry else None) for a in areas),
            )

    def areas(self, level: str | None = None, parent: str | None = None) -> list[Area]:
        clauses, params = [], []
        for column, value in (("level", level), ("parent", parent)):
            if value:
                clauses.append(f"{column} = ?")
                params.append(value)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        return [_area(r) for r in self._rows(f"SELECT * FROM areas{where} ORDER BY code", params)]

    def get_area(self, code: str) -> Area | None:
        rows = self._rows("SELECT * FROM areas WHERE code = ?", (code,))
        return _area(rows[0]) if rows else None


def _statements(sql: str) -> list[str]:
    """Split a migration into complete statements (triggers with inner ';' stay whole)."""
    statements, pending = [], ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip() and not all(l.strip().startswith("--") or not l.strip() for l in pending.splitlines()):
        raise ValueError(f"migration ends with an incomplete statement: {pending.strip()[:80]!r}")
    return statements


def _prefix_clause(sql: str, params: list[Any], prefix: str) -> tuple[str, list[Any]]:
    """A range the primary key can scan, plus the exact test (SQLite's LIKE ignores ASCII case)."""
    low, high = prefix_bounds(prefix)
    sql, params = sql + " AND subject_key >= ? AND substr(subject_key, 1, ?) = ?", params + [low, len(prefix), prefix]
    if high is not None:
        sql, params = sql + " AND subject_key < ?", params + [high]
    return sql, params


def register_functions(con: sqlite3.Connection) -> None:
    """The SQL functions migrations 0920 (a11y_result_id), 0930 (a11y_raw_part) and 0970 (a11y_packed_result_id) call: the store's own
    encoders, so moved rows get the ids new rows would. A connection that applies migrations needs them."""
    con.create_function("a11y_result_id", 8, result_id, deterministic=True)
    con.create_function("a11y_packed_result_id", 10, packed_result_id, deterministic=True)
    con.create_function("a11y_raw_part", 2, migrated_raw, deterministic=True)


def _submission(row: sqlite3.Row) -> SubmissionRecord:
    return SubmissionRecord(
        row["subject_key"],
        row["checklist"],
        row["submission_id"],
        row["source"],
        row["source_row"],
        row["coord_system_in"],
        raw_from(row["raw"], row["raw_header"], row["raw_columns"]),
        row["ingested_at"],
    )


def _photo(row: sqlite3.Row) -> PhotoRecord:
    return PhotoRecord(
        row["safe_name"], row["sha256"], row["bytes"], row["original_name"], row["subject_key"], row["stored_at"]
    )


def _area(row: sqlite3.Row) -> Area:
    return Area(
        code=row["code"], name=row["name"], level=row["level"], parent=row["parent"], geometry=loads(row["geometry"])
    )
