"""A SQLite file at the schema of an earlier release: every migration before the one under test, applied."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from audit.store.migrate import migration_files
from audit.store.sqlite import _statements, register_functions


def sqlite_before(path: Path, migration: str) -> sqlite3.Connection:
    """An autocommit connection to a new database at `path` holding the migrations named before `migration`
    (e.g. "0970") and a facility round 1; the caller adds its rows and closes it."""
    con = sqlite3.connect(path, isolation_level=None)
    register_functions(con)
    con.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for name, sql in migration_files("sqlite"):
        if name >= migration:
            break
        for statement in _statements(sql):
            con.execute(statement)
        con.execute("INSERT INTO schema_migrations VALUES (?, '2026-01-01')", (name,))
    con.execute("INSERT INTO rounds (id, kind, started_at) VALUES (1, 'facility', '2026-01-01')")
    return con
