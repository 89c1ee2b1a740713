"""Migration 0920: each finding's result (measures, requirement, evidence...) stored once in finding_results;
a database made before it keeps every finding and reads back the same, a repeated result is one row, and new
findings of the same result name the same row."""

from __future__ import annotations

import pytest

from audit.model import Category, Finding, Outcome, Severity, Subject
from audit.store import open_store
from audit.store.codec import finding_row
from audit.store.migrate import migration_files
from tests.store.old_schema import sqlite_before

KEYS = [f"facility:t:430102:T{n}" for n in range(1, 5)]
DOOR = {"min": 800, "text": "≥800mm"}


def _findings(keys) -> list[Finding]:
    return [
        f
        for key in keys
        for f in (
            Finding(key, "toilet-door-width", Outcome.PASS, measured={"value": 900.0, "unit": "mm"}, required=DOOR),
            Finding(
                key,
                "toilet-floor",
                Outcome.FAIL,
                severity=Severity.SERIOUS,
                measured="no",
                evidence=({"row": key[-1], "source": "t.csv"},),
                note="湿滑",
            ),
            Finding(key, "toilet-grab-bars", Outcome.PASS, measured="yes", required={"text": "yes"}),
        )
    ]


def _before_0920(path) -> None:
    con = sqlite_before(path, "0920")
    for key in KEYS:
        con.execute("INSERT INTO subjects (key, kind, category, name) VALUES (?, 'toilet', 'toilets', 'x')", (key,))
    rows = [finding_row(1, f) for f in _findings(KEYS[:3])]
    con.executemany(f"INSERT INTO findings VALUES ({','.join('?' * 12)})", rows)
    con.close()


def test_findings_made_before_0920_read_back_the_same_with_each_result_once(tmp_path):
    path = tmp_path / "old.db"
    _before_0920(path)
    store = open_store(path)  # applies 0920
    try:
        assert "0920_finding_results" in store.schema_version()
        assert list(store.findings(1)) == _findings(KEYS[:3])
        # two shared passes, and each subject's fail with its own evidence
        assert store.db.execute("SELECT count(*) FROM finding_results").fetchone()[0] == 2 + 3
        store.add_findings(1, _findings(KEYS[3:]))
        assert store.db.execute("SELECT count(*) FROM finding_results").fetchone()[0] == 2 + 4
        assert list(store.findings(1)) == _findings(KEYS)
        assert [f.check_id for f in store.findings(1, outcome=Outcome.FAIL)] == ["toilet-floor"] * 4
    finally:
        store.close()


def test_each_result_stored_once_on_both_backends(any_store):
    any_store.upsert_subjects(Subject(k, "toilet", Category.TOILETS, "x", "430102") for k in KEYS)
    r = any_store.begin_round("facility")
    any_store.add_findings(r.id, _findings(KEYS[:2]))
    any_store.replace_many_findings(r.id, [(KEYS[1], _findings(KEYS[1:2])[:1])])
    any_store.add_findings(r.id, _findings(KEYS[2:]))
    expected = [f for f in _findings(KEYS) if f.subject_key != KEYS[1] or f.check_id == "toilet-door-width"]
    assert list(any_store.findings(r.id)) == expected
    assert list(any_store.findings(r.id, prefix="facility:t:430102:T3")) == _findings(KEYS[2:3])


@pytest.mark.postgis
def test_postgis_findings_made_before_0920_read_back_the_same(postgis_url):
    import psycopg

    rows = [finding_row(1, f) for f in _findings(KEYS[:3])]
    with psycopg.connect(postgis_url, autocommit=True) as con:
        con.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        for name, sql in migration_files("postgis"):
            if name >= "0920":
                break
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations VALUES (%s, '2026-01-01')", (name,))
        con.execute("INSERT INTO rounds (id, kind, started_at) VALUES (1, 'facility', '2026-01-01')")
        for key in KEYS:
            con.execute(
                "INSERT INTO subjects (key, kind, category, name) VALUES (%s, 'toilet', 'toilets', 'x')", (key,)
            )
        con.cursor().executemany(f"INSERT INTO findings VALUES ({','.join(['%s'] * 12)})", rows)
    store = open_store(postgis_url)  # applies 0920
    try:
        assert "0920_finding_results" in store.schema_version()
        assert list(store.findings(1)) == _findings(KEYS[:3])
        assert store._rows("SELECT count(*) AS n FROM finding_results")[0]["n"] == 2 + 3
        store.add_findings(1, _findings(KEYS[3:]))
        assert list(store.findings(1)) == _findings(KEYS)
    finally:
        store.close()
