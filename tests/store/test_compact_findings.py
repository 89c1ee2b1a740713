"""Migration 0900: findings rebuilt WITHOUT ROWID and findings_subject dropped; a database made before it keeps
every finding, and reads back the same; the stored JSON is compact."""

from __future__ import annotations

import json
import sqlite3

from audit.model import Finding, Outcome, Severity
from audit.store import open_store
from tests.store.old_schema import sqlite_before

FINDINGS = [
    Finding(
        "facility:t:430102:T1",
        "toilet-door-width",
        Outcome.FAIL,
        severity=Severity.SERIOUS,
        measured={"value": 700.0, "unit": "mm", "text": "70cm"},
        required={"min": 800, "text": "≥800mm"},
        evidence=({"row": 2, "source": "t.csv"},),
    ),
    Finding("facility:t:430102:T1", "toilet-grab-bars", Outcome.PASS, measured="yes", required={"text": "yes"}),
    Finding("facility:t:430102:T2", "toilet-stall-depth", Outcome.NA, note="独立厕所", extra={"k": [1, 2]}),
]


def _before_0900(path) -> None:
    """A database as the code before issue 17 left it, with one round of findings in it."""
    con = sqlite_before(path, "0900")
    for key in ("facility:t:430102:T1", "facility:t:430102:T2"):
        con.execute("INSERT INTO subjects (key, kind, category, name) VALUES (?, 'toilet', 'toilets', 'x')", (key,))
    con.close()


def _old_row(f: Finding) -> tuple:
    """A finding as the encoder before 0900 wrote it (json.dumps with its default spacing)."""
    return (
        1,
        f.subject_key,
        f.check_id,
        f.outcome.value,
        f.passed,
        f.failed,
        f.severity.value if f.severity else None,
        None if f.measured is None else json.dumps(f.measured, sort_keys=True, ensure_ascii=False),
        None if f.required is None else json.dumps(f.required, sort_keys=True, ensure_ascii=False),
        f.note,
        json.dumps([dict(e) for e in f.evidence], ensure_ascii=False),
        json.dumps(dict(f.extra)),
    )


def test_findings_made_before_0900_survive_it_unchanged(tmp_path):
    path = tmp_path / "old.db"
    _before_0900(path)
    con = sqlite3.connect(path, isolation_level=None)
    assert con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'findings_subject'").fetchone() == (1,)
    con.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", map(_old_row, FINDINGS))
    con.close()
    store = open_store(path)  # applies 0900
    try:
        assert "0900_compact_findings" in store.schema_version()
        assert list(store.findings(1)) == FINDINGS
        schema = store.db.execute("SELECT sql FROM sqlite_master WHERE name = 'subject_findings'").fetchone()[0]
        assert schema.rstrip().endswith("WITHOUT ROWID")
        assert not store.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'findings_subject'").fetchall()
        store.replace_findings(1, "facility:t:430102:T1", FINDINGS[:1])
        assert list(store.findings(1)) == [FINDINGS[0], FINDINGS[2]]
        text = store.db.execute(
            "SELECT measured FROM findings JOIN finding_results ON finding_results.id = findings.result_id "
            "WHERE findings.check_id = 'toilet-door-width'"
        ).fetchone()[0]
        assert text == '{"text":"70cm","unit":"mm","value":700.0}'
    finally:
        store.close()
