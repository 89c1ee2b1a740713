"""Migration 0930: raw rows keep their values as an array beside a header stored once per file layout; rows
made before it read back the same (values, types, the inspector's column order), on both backends."""

from __future__ import annotations

import json

import pytest

from audit.store import SubmissionRecord, open_store
from audit.store.migrate import migration_files
from tests.store.old_schema import sqlite_before

KEY = "facility:accessible-toilets:430102:T{}"
RAWS = [
    {"编号": "T1", "门宽 (mm)": "850", "备注": "", "面积": 4.5},
    {"编号": "T2", "门宽 (mm)": "90cm", "备注": '门口有台阶，"已告知"', "面积": 6},
    {},
]
OLD_ROWS = [
    (1, KEY.format(n), "accessible-toilets", f"T{n}", "t.csv", n + 1, "gcj02", json.dumps(raw, ensure_ascii=False), "x")
    for n, raw in enumerate(RAWS)
]


def _check(store) -> None:
    assert [dict(r.raw) for r in store.submissions(1)] == RAWS
    assert [list(r.raw) for r in store.submissions(1)] == [list(raw) for raw in RAWS]  # column order kept
    new = SubmissionRecord(KEY.format(9), "accessible-toilets", "T9", "t.csv", 9, "wgs84", dict(RAWS[0]))
    store.put_submissions(1, [new])
    assert [dict(r.raw) for r in store.submissions(1)][-1] == RAWS[0]


def test_raw_rows_made_before_0930_read_back_the_same(tmp_path):
    path = tmp_path / "old.db"
    con = sqlite_before(path, "0930")
    con.executemany("INSERT INTO facility_submissions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", OLD_ROWS)
    con.close()
    store = open_store(path)  # applies 0930
    try:
        assert "0930_raw_headers" in store.schema_version()
        assert store.db.execute("SELECT count(*) FROM raw_headers").fetchone()[0] == 2  # two layouts
        assert store.db.execute("SELECT raw FROM facility_submissions LIMIT 1").fetchone()[0] == '["T1","850","",4.5]'
        _check(store)
        assert store.db.execute("SELECT count(*) FROM raw_headers").fetchone()[0] == 2  # same layout: same header
    finally:
        store.close()


@pytest.mark.postgis
def test_postgis_raw_rows_made_before_0930_read_back_the_same(postgis_url):
    import psycopg

    with psycopg.connect(postgis_url, autocommit=True) as con:
        con.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        for name, sql in migration_files("postgis"):
            if name >= "0930":
                break
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations VALUES (%s, '2026-01-01')", (name,))
        con.execute("INSERT INTO rounds (id, kind, started_at) VALUES (1, 'facility', '2026-01-01')")
        con.cursor().executemany(f"INSERT INTO facility_submissions VALUES ({','.join(['%s'] * 9)})", OLD_ROWS)
    store = open_store(postgis_url)  # applies 0930
    try:
        assert "0930_raw_headers" in store.schema_version()
        _check(store)
    finally:
        store.close()
