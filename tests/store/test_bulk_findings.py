"""replace_many_findings (a re-upload's bulk write) leaves exactly what replace_findings one subject at a time
would: the listed subjects' old findings and errors gone, the others untouched, on both backends."""

from __future__ import annotations

from audit.model import Category, Finding, Outcome, Subject

KEYS = ["facility:t:430102:T1", "facility:t:430102:T2", "facility:t:430102:T3"]


def _subjects(store):
    store.upsert_subjects(Subject(k, "toilet", Category.TOILETS, k[-2:], "430102") for k in KEYS)


def test_replace_many_findings_matches_one_subject_at_a_time(any_store):
    _subjects(any_store)
    one, many = any_store.begin_round("facility"), any_store.begin_round("facility")
    for r in (one, many):
        any_store.add_findings(r.id, [Finding(k, c, Outcome.FAIL) for k in KEYS for c in ("a", "b")])
        any_store.record_error(r.id, KEYS[1], "bad row")
    new = [(KEYS[0], [Finding(KEYS[0], "a", Outcome.PASS)]), (KEYS[1], [Finding(KEYS[1], "c", Outcome.NA)])]
    for key, found in new:
        any_store.replace_findings(one.id, key, found)
    any_store.replace_many_findings(many.id, new)
    expected = [
        (KEYS[0], "a", Outcome.PASS),
        (KEYS[1], "c", Outcome.NA),
        (KEYS[2], "a", Outcome.FAIL),
        (KEYS[2], "b", Outcome.FAIL),
    ]
    for r in (one, many):
        assert [(f.subject_key, f.check_id, f.outcome) for f in any_store.findings(r.id)] == expected
        assert any_store.errors(r.id) == []
