"""Migration 0970 (SQLite): a subject's findings in one row of result ids; the same findings read back, added
check by check, and seen a row each through the view `findings`."""

from __future__ import annotations

from audit.model import Category, Finding, Outcome, Severity, Subject
from audit.store import open_store
from tests.store.old_schema import sqlite_before

KEYS = [f"facility:t:430102:T{n}" for n in range(1, 4)]


def _findings(key: str) -> list[Finding]:
    return [
        Finding(key, "toilet-door-width", Outcome.PASS, measured={"value": 900.0, "unit": "mm"}),
        Finding(key, "toilet-floor", Outcome.FAIL, severity=Severity.SERIOUS, evidence=({"row": key[-1]},)),
        Finding(key, "toilet-grab-bars", Outcome.REVIEW, note="未填写"),
    ]


def _before_0970(path) -> None:
    """A store as it was before 0970, holding KEYS[:2]'s findings a row each."""
    con = sqlite_before(path, "0970")
    for key in KEYS:
        con.execute("INSERT INTO subjects (key, kind, category, name) VALUES (?, 'toilet', 'toilets', 'x')", (key,))
    rows = [
        (1, key, check, outcome, n)
        for key in KEYS[:2]
        for n, (check, outcome) in enumerate(
            (("toilet-grab-bars", "review"), ("toilet-door-width", "pass"), ("toilet-floor", "fail"))
        )
    ]
    con.execute('INSERT INTO finding_results (id, passed, measured) VALUES (1, NULL, \'{"unit":"mm","value":900.0}\')')
    con.execute("INSERT INTO finding_results (id, severity, evidence) VALUES (2, 'serious', '[{\"row\":\"1\"}]')")
    con.execute("INSERT INTO finding_results (id, note) VALUES (0, '未填写')")
    con.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?)", rows)
    con.close()


def test_findings_stored_a_row_each_read_back_the_same_from_one_row_per_subject(tmp_path):
    path = tmp_path / "old.db"
    _before_0970(path)
    store = open_store(path)  # applies 0970
    try:
        assert "0970_packed_findings" in store.schema_version()
        expected = [
            Finding(k, "toilet-door-width", Outcome.PASS, measured={"value": 900.0, "unit": "mm"}) for k in KEYS[:2]
        ]
        door = [f for f in store.findings(1) if f.check_id == "toilet-door-width"]
        assert door == expected
        assert [(f.subject_key, f.check_id) for f in store.findings(1)] == [
            (k, c) for k in KEYS[:2] for c in ("toilet-door-width", "toilet-floor", "toilet-grab-bars")
        ]
        assert store.db.execute("SELECT count(*) FROM subject_findings").fetchone()[0] == 2
        # the view shows a row per finding, as the table did
        assert store.db.execute("SELECT count(*) FROM findings WHERE outcome = 'fail'").fetchone()[0] == 2
    finally:
        store.close()


def test_findings_are_added_check_by_check_and_replaced_per_subject(store):
    store.upsert_subjects(Subject(k, "toilet", Category.TOILETS, "x", "430102") for k in KEYS)
    r = store.begin_round("facility")
    store.add_findings(r.id, _findings(KEYS[0])[:2] + _findings(KEYS[1]))
    # a later finding of a check replaces the earlier one; the subject's other findings stay
    later = Finding(KEYS[0], "toilet-floor", Outcome.PASS)
    store.add_findings(r.id, [later, _findings(KEYS[0])[2]])
    assert list(store.findings(r.id, KEYS[0])) == [_findings(KEYS[0])[0], later, _findings(KEYS[0])[2]]
    assert list(store.findings(r.id, outcome=Outcome.FAIL)) == [_findings(KEYS[1])[1]]
    store.replace_findings(r.id, KEYS[1], [])
    assert store.audited_keys(r.id) == {KEYS[0]}
    row = store.db.execute("SELECT results FROM subject_findings WHERE subject_key = ?", (KEYS[0],)).fetchone()[0]
    ids = [i for (i,) in store.db.execute("SELECT value FROM json_each(?)", (row,))]
    checks = [store.db.execute("SELECT check_id FROM finding_results WHERE id = ?", (i,)).fetchone()[0] for i in ids]
    assert checks == sorted(checks) and len(ids) == 3


def test_packing_names_equal_results_alike_whether_or_not_they_share_objects():
    from audit.store.codec import pack_findings

    shared = {"value": 900.0, "unit": "mm"}
    findings = [
        Finding("a", "door", Outcome.PASS, measured=shared),
        Finding("b", "door", Outcome.PASS, measured=shared),
        Finding("c", "door", Outcome.PASS, measured=shared),
        Finding("e", "door", Outcome.PASS, measured={"unit": "mm", "value": 900.0}),  # equal, another object
        Finding("c", "door", Outcome.FAIL, measured={"value": 700.0, "unit": "mm"}),  # later: replaces
        Finding("d", "door", Outcome.PASS, measured={"value": 900.0, "unit": "cm"}),
    ]
    by_subject, results = pack_findings(findings)
    assert by_subject["a"]["door"] == by_subject["b"]["door"] == by_subject["e"]["door"] != by_subject["c"]["door"]
    assert by_subject["d"]["door"] not in (by_subject["a"]["door"], by_subject["c"]["door"])
    assert len(results) == 3  # 900 mm (once, though held as two objects), 700 mm failed, 900 cm
    assert {r[0] for r in results} >= {ids["door"] for ids in by_subject.values()}
