"""Migration 0400: stored facility keys gain their county, and everything stored under them follows."""

from __future__ import annotations

from audit.model import Category, Finding, Outcome, Subject, SubjectScore
from audit.store import PhotoRecord, SubmissionRecord

MIGRATION = "0400_facility_county_keys"
OLD, NEW = "facility:accessible-toilets:T-001", "facility:accessible-toilets:430104:T-001"
NOWHERE_OLD, NOWHERE_NEW = "facility:accessible-toilets:T-9", "facility:accessible-toilets:-:T-9"


def toilet(key, sid, area):
    return Subject(
        key,
        "toilet",
        Category.TOILETS,
        f"公厕{sid}",
        area,
        geometry={"type": "Point", "coordinates": [112.94, 28.19]},
        attributes={"checklist": "accessible-toilets", "submission_id": sid, "photos": ["p.jpg"]},
    )


def test_old_facility_keys_move_to_county_keys_with_their_rows_findings_scores_and_photos(any_store):
    store = any_store
    already = toilet("facility:accessible-toilets:430102:T-001", "T-001", "430102")
    page = Subject("page:http://127.0.0.1/", "web-page", Category.INFORMATION, "首页", "430000")
    with store.transaction():
        round_ = store.begin_round("facility", label="2025q2")
        store.upsert_subjects([toilet(OLD, "T-001", "430104"), toilet(NOWHERE_OLD, "T-9", None), already, page])
        store.add_findings(
            round_.id, [Finding(OLD, "toilet-room-door", Outcome.FAIL), Finding(page.key, "x", Outcome.PASS)]
        )
        store.put_scores(
            round_.id, [SubjectScore(OLD, 40.0, "D", False, 1.0, {"fail": 1}, ("toilet-room-door",), (), "v")]
        )
        store.put_submissions(
            round_.id, [SubmissionRecord(OLD, "accessible-toilets", "T-001", "t.csv", 2, "wgs84", {})]
        )
        store.put_photos([PhotoRecord("abc.jpg", "abc", 3, "p.jpg", OLD)])
        store.record_error(round_.id, NOWHERE_OLD, "boom")
    store.db.execute(f"DELETE FROM schema_migrations WHERE name = '{MIGRATION}'")  # as a store from before it

    assert store.migrate() == [MIGRATION]

    keys = {s.key for s in store.subjects()}
    assert keys == {NEW, NOWHERE_NEW, already.key, page.key}
    moved = store.get_subject(NEW)
    assert (moved.name, moved.area_code, moved.attributes["submission_id"]) == ("公厕T-001", "430104", "T-001")
    assert [(f.subject_key, f.check_id) for f in store.findings(round_.id)] == [
        (NEW, "toilet-room-door"),
        (page.key, "x"),
    ]
    assert [s.subject_key for s in store.scores(round_.id)] == [NEW]
    assert [r.subject_key for r in store.submissions(round_.id)] == [NEW]
    assert [p.subject_key for p in store.photos()] == [NEW]
    assert [e.subject_key for e in store.errors(round_.id)] == [NOWHERE_NEW]
    assert store.migrate() == []
