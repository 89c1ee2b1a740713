"""The Store contract, run against every backend (`any_store`: SQLite, and PostGIS in CI)."""

from __future__ import annotations

import pytest

from audit.model import Category, Finding, Outcome, Severity, Subject, SubjectScore
from audit.store import Area, PhotoRecord, SubmissionRecord

TOILET = Subject(
    "facility:toilets:t1",
    "toilet",
    Category.TOILETS,
    "岳麓区第一公厕",
    "430104",
    geometry={"type": "Point", "coordinates": [112.94, 28.23]},
    attributes={"photos": ["a.jpg"]},
)
PAGE = Subject("page:http://127.0.0.1/", "web-page", Category.INFORMATION, "首页", "430000", url="http://127.0.0.1/")
ROAD = Subject(
    "facility:tactile:r1",
    "road-segment",
    Category.ROADS,
    "五一大道",
    "430102",
    geometry={"type": "LineString", "coordinates": [[112.97, 28.19], [112.98, 28.19], [112.99, 28.195]]},
)


def fail(key, check, **kw):
    return Finding(key, check, Outcome.FAIL, **kw)


def test_migrations_are_recorded_and_idempotent(any_store):
    applied = any_store.schema_version()
    assert applied and applied[0] == "0001_core"
    assert any_store.migrate() == []
    assert any_store.schema_version() == applied


def test_subjects_round_trip_and_upsert(any_store):
    any_store.upsert_subjects([TOILET, PAGE, ROAD])
    assert any_store.get_subject(TOILET.key) == TOILET
    assert any_store.get_subject(ROAD.key).geometry["type"] == "LineString"
    renamed = Subject(TOILET.key, "toilet", Category.TOILETS, "新名字", "430104", geometry=TOILET.geometry)
    any_store.upsert_subjects([renamed])
    assert any_store.get_subject(TOILET.key).name == "新名字"
    assert len(list(any_store.subjects())) == 3


def test_subjects_filter_by_area_prefix_and_category(any_store):
    any_store.upsert_subjects([TOILET, PAGE, ROAD])
    assert {s.key for s in any_store.subjects(area="430100")} == {TOILET.key, ROAD.key}
    assert {s.key for s in any_store.subjects(area="430104")} == {TOILET.key}
    assert {s.key for s in any_store.subjects(area="430000")} == {TOILET.key, ROAD.key, PAGE.key}
    assert {s.key for s in any_store.subjects(category="roads")} == {ROAD.key}
    assert {s.key for s in any_store.subjects(keys=[PAGE.key, "missing"])} == {PAGE.key}


def test_findings_round_trip_with_evidence(any_store):
    any_store.upsert_subjects([PAGE])
    r = any_store.begin_round("web", meta={"axe_core": "4.14.1"})
    finding = fail(
        PAGE.key,
        "image-alt",
        passed=3,
        failed=2,
        severity=Severity.CRITICAL,
        evidence=({"selector": "img.logo", "html": "<img src=x>"},),
        measured={"text": "1:10"},
    )
    any_store.replace_findings(r.id, PAGE.key, [finding, Finding(PAGE.key, "document-title", Outcome.PASS)])
    stored = list(any_store.findings(r.id, PAGE.key))
    assert stored[1] == finding and stored[0].check_id == "document-title"
    assert any_store.audited_keys(r.id) == {PAGE.key}


def test_replace_findings_replaces_not_duplicates(any_store):
    any_store.upsert_subjects([TOILET])
    r = any_store.begin_round("facility")
    any_store.replace_findings(r.id, TOILET.key, [fail(TOILET.key, "a"), fail(TOILET.key, "b")])
    any_store.replace_findings(r.id, TOILET.key, [Finding(TOILET.key, "a", Outcome.PASS)])
    assert [(f.check_id, f.outcome) for f in any_store.findings(r.id)] == [("a", Outcome.PASS)]


def test_a_failed_transaction_leaves_nothing_behind(any_store):
    any_store.upsert_subjects([TOILET])
    r = any_store.begin_round("facility")
    any_store.replace_findings(r.id, TOILET.key, [fail(TOILET.key, "a")])
    with pytest.raises(RuntimeError), any_store.transaction():
        any_store.replace_findings(r.id, TOILET.key, [])
        any_store.upsert_subjects([PAGE])
        raise RuntimeError("crash half-way")
    assert [f.check_id for f in any_store.findings(r.id)] == ["a"]
    assert any_store.get_subject(PAGE.key) is None


def test_nested_transaction_rolls_back_inner_only(any_store):
    with any_store.transaction():
        any_store.upsert_subjects([TOILET])
        with pytest.raises(ValueError), any_store.transaction():
            any_store.upsert_subjects([PAGE])
            raise ValueError
    assert any_store.get_subject(TOILET.key) is not None
    assert any_store.get_subject(PAGE.key) is None


def test_errors_are_kept_apart_from_findings(any_store):
    any_store.upsert_subjects([PAGE])
    r = any_store.begin_round("web")
    any_store.replace_findings(r.id, PAGE.key, [fail(PAGE.key, "image-alt")])
    any_store.record_error(r.id, PAGE.key, "timeout after 30 s", {"stage": "load"})
    assert list(any_store.findings(r.id)) == []
    [error] = any_store.errors(r.id)
    assert (error.subject_key, error.message, error.detail) == (PAGE.key, "timeout after 30 s", {"stage": "load"})
    assert any_store.audited_keys(r.id) == {PAGE.key}


def test_rounds_history_and_previous_round(any_store):
    first = any_store.begin_round("facility", label="2025Q2", started_at="2025-06-01T00:00:00+00:00")
    any_store.finish_round(first.id, "complete", meta={"rows": 10})
    web = any_store.begin_round("web", started_at="2025-07-01T00:00:00+00:00")
    any_store.finish_round(web.id)
    second = any_store.begin_round("facility", label="2025Q4", started_at="2025-12-01T00:00:00+00:00")
    assert any_store.latest_round("facility").id == first.id  # the running one is not complete
    any_store.finish_round(second.id)
    assert any_store.latest_round("facility").id == second.id
    assert any_store.latest_round("facility", before=second.id).id == first.id
    assert any_store.latest_round("facility", before=first.id) is None
    assert [r.label for r in any_store.rounds("facility")] == ["2025Q2", "2025Q4"]
    assert any_store.get_round(first.id).meta == {"rows": 10}
    with pytest.raises(ValueError):
        any_store.begin_round("satellite")
    with pytest.raises(KeyError):
        any_store.get_round(9999)


def test_scores_are_cached_per_version(any_store):
    any_store.upsert_subjects([TOILET])
    r = any_store.begin_round("facility")
    v1 = SubjectScore(
        TOILET.key,
        72.5,
        "C",
        False,
        0.9,
        {"pass": 3, "fail": 1, "review": 1, "n/a": 0},
        ("door-width",),
        ("door-width",),
        "1+aaaa",
    )
    v2 = SubjectScore(TOILET.key, 80.0, "B", True, 0.9, {"pass": 3, "fail": 1, "review": 1, "n/a": 0}, (), (), "1+bbbb")
    any_store.put_scores(r.id, [v1, v2])
    assert list(any_store.scores(r.id, "1+aaaa")) == [v1]
    assert len(list(any_store.scores(r.id))) == 2
    any_store.put_scores(r.id, [v1])  # rescoring the same version replaces
    assert len(list(any_store.scores(r.id, "1+aaaa"))) == 1
    thin = SubjectScore(
        TOILET.key,
        None,
        None,
        False,
        0.0667,
        {"pass": 1, "fail": 0, "review": 14, "n/a": 0},
        (),
        (),
        "1+cccc",
        state="insufficient",
        reasons=("coverage-below-floor", "veto-unanswered"),
        unanswered_vetoes=("toilet-door-width",),
        unanswered_checks=("toilet-door-width", "toilet-grab-bars"),
    )
    any_store.put_scores(r.id, [thin])
    assert list(any_store.scores(r.id, "1+cccc")) == [thin]  # the state and its reasons survive the store


def test_areas(any_store):
    square = {"type": "Polygon", "coordinates": [[[112, 28], [113, 28], [113, 29], [112, 29], [112, 28]]]}
    any_store.put_areas(
        [
            Area("430000", "湖南省", "province"),
            Area("430100", "长沙市", "city", "430000"),
            Area("430104", "岳麓区", "county", "430100", square),
        ]
    )
    assert [a.code for a in any_store.areas(level="county")] == ["430104"]
    assert [a.code for a in any_store.areas(parent="430000")] == ["430100"]
    assert any_store.get_area("430104").geometry == square
    assert any_store.get_area("999999") is None


def test_findings_filter_by_subject_key_prefix(any_store):
    site = [
        Subject(f"page:http://127.0.0.1/{p}", "web-page", Category.INFORMATION, p, "430000") for p in ("a", "a/b", "B")
    ]
    other = Subject("page:http://127.0.0.10/", "web-page", Category.INFORMATION, "x", "430000")
    any_store.upsert_subjects([*site, other, TOILET])
    r = any_store.begin_round("web")
    any_store.add_findings(r.id, [fail(s.key, c) for s in [*site, other, TOILET] for c in ("z", "a")])
    found = [(f.subject_key, f.check_id) for f in any_store.findings(r.id, prefix="page:http://127.0.0.1/")]
    assert found == [(k, c) for k in sorted(s.key for s in site) for c in ("a", "z")]  # ordered, 127.0.0.10 left out
    assert {f.subject_key for f in any_store.findings(r.id, prefix="page:http://127.0.0.1/a")} == {
        site[0].key,
        site[1].key,
    }
    assert list(any_store.findings(r.id, prefix="page:http://127.0.0.1/A")) == []  # case matters (no LIKE)
    assert list(any_store.findings(r.id, prefix="page:%")) == []  # no wildcards
    assert [f.check_id for f in any_store.findings(r.id, TOILET.key, prefix="facility:")] == ["a", "z"]
    assert len(list(any_store.findings(r.id, prefix=""))) == 10


def test_findings_bulk_insert_keeps_the_last_duplicate(any_store):
    any_store.upsert_subjects([TOILET])
    r = any_store.begin_round("facility")
    shared = {"text": "≥800mm", "min": 800, "unit": "mm"}
    evidence = {"row": 3, "source": "t.csv"}
    any_store.add_findings(
        r.id,
        [
            fail(TOILET.key, "b", required=shared, evidence=(evidence,)),
            fail(TOILET.key, "a", required=shared, evidence=(evidence,), extra={"k": 1}),
            Finding(TOILET.key, "b", Outcome.PASS, required=shared),
        ],
    )
    a, b = any_store.findings(r.id)
    assert (a.required, a.evidence, a.extra) == (shared, (evidence,), {"k": 1})
    assert (b.outcome, b.required, b.evidence, b.extra) == (Outcome.PASS, shared, (), {})


def test_facility_submissions_round_trip_and_replace(any_store):
    r = any_store.begin_round("facility")
    raw = {"编号": "T1", "门宽 (mm)": "850", "a": ""}
    row = SubmissionRecord(TOILET.key, "accessible-toilets", "T1", "t.csv", 2, "gcj02", raw)
    any_store.put_submissions(
        r.id,
        [
            row,
            SubmissionRecord(ROAD.key, "tactile-paving", "r1", "r.csv", None, "wgs84", {}, "2025-06-01T00:00:00+00:00"),
        ],
    )
    [road, stored] = any_store.submissions(r.id)  # by subject key
    assert stored.raw == raw and list(stored.raw) == list(raw)  # the inspector's column order is kept
    assert (stored.subject_key, stored.source_row, stored.coord_system_in) == (TOILET.key, 2, "gcj02")
    assert stored.ingested_at and road.ingested_at == "2025-06-01T00:00:00+00:00" and road.source_row is None
    any_store.put_submissions(
        r.id, [SubmissionRecord(TOILET.key, "accessible-toilets", "T1", "t2.csv", 5, "wgs84", {"编号": "T1"})]
    )
    assert [(s.source, s.raw) for s in any_store.submissions(r.id, checklist="accessible-toilets")] == [
        ("t2.csv", {"编号": "T1"})
    ]
    assert list(any_store.submissions(any_store.begin_round("facility").id)) == []


def test_facility_submissions_roll_back_with_the_transaction(any_store):
    r = any_store.begin_round("facility")
    with pytest.raises(RuntimeError), any_store.transaction():
        any_store.put_submissions(r.id, [SubmissionRecord(TOILET.key, "c", "T1", "t.csv", 2, "wgs84", {})])
        any_store.put_photos([PhotoRecord("ab.jpg", "ab" * 32, 10, "门.jpg", TOILET.key)])
        raise RuntimeError
    assert list(any_store.submissions(r.id)) == [] and any_store.photos() == []


def test_photos_are_recorded_once_by_safe_name(any_store):
    first = PhotoRecord("ab12.jpg", "ab12" * 16, 2048, "门口.JPG", TOILET.key, "2025-06-01T00:00:00+00:00")
    any_store.put_photos([first, PhotoRecord("cd34.png", "cd34" * 16, 10, "b.png", ROAD.key)])
    any_store.put_photos([PhotoRecord("ab12.jpg", "ab12" * 16, 2048, "again.jpg", ROAD.key)])  # same content
    assert any_store.photos(TOILET.key) == [first]
    assert [p.safe_name for p in any_store.photos()] == ["ab12.jpg", "cd34.png"]
    assert any_store.photos(ROAD.key)[0].stored_at


def test_findings_filtered_by_outcome(any_store):
    any_store.upsert_subjects([TOILET, PAGE])
    r = any_store.begin_round("facility")
    any_store.add_findings(
        r.id,
        [
            fail(TOILET.key, "a"),
            Finding(TOILET.key, "b", Outcome.PASS),
            Finding(PAGE.key, "c", Outcome.REVIEW),
            fail(PAGE.key, "d"),
        ],
    )
    assert [(f.subject_key, f.check_id) for f in any_store.findings(r.id, outcome=Outcome.FAIL)] == [
        (TOILET.key, "a"),
        (PAGE.key, "d"),
    ]
    assert [f.check_id for f in any_store.findings(r.id, TOILET.key, outcome=Outcome.PASS)] == ["b"]
