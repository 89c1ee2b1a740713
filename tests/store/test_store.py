"""The Store contract, run against every backend (`any_store`: SQLite, and PostGIS in CI)."""

from __future__ import annotations

import pytest

from audit.model import Category, Finding, Outcome, Severity, Subject, SubjectScore
from audit.store import Area

TOILET = Subject("facility:toilets:t1", "toilet", Category.TOILETS, "岳麓区第一公厕", "430104",
                 geometry={"type": "Point", "coordinates": [112.94, 28.23]}, attributes={"photos": ["a.jpg"]})
PAGE = Subject("page:http://127.0.0.1/", "web-page", Category.INFORMATION, "首页", "430000", url="http://127.0.0.1/")
ROAD = Subject("facility:tactile:r1", "road-segment", Category.ROADS, "五一大道", "430102",
               geometry={"type": "LineString", "coordinates": [[112.97, 28.19], [112.98, 28.19], [112.99, 28.195]]})


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
    finding = fail(PAGE.key, "image-alt", passed=3, failed=2, severity=Severity.CRITICAL,
                   evidence=({"selector": "img.logo", "html": "<img src=x>"},), measured={"text": "1:10"})
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
    with pytest.raises(RuntimeError):
        with any_store.transaction():
            any_store.replace_findings(r.id, TOILET.key, [])
            any_store.upsert_subjects([PAGE])
            raise RuntimeError("crash half-way")
    assert [f.check_id for f in any_store.findings(r.id)] == ["a"]
    assert any_store.get_subject(PAGE.key) is None


def test_nested_transaction_rolls_back_inner_only(any_store):
    with any_store.transaction():
        any_store.upsert_subjects([TOILET])
        with pytest.raises(ValueError):
            with any_store.transaction():
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
    v1 = SubjectScore(TOILET.key, 72.5, "C", False, 0.9, {"pass": 3, "fail": 1, "review": 1, "n/a": 0},
                      ("door-width",), ("door-width",), "1+aaaa")
    v2 = SubjectScore(TOILET.key, 80.0, "B", True, 0.9, {"pass": 3, "fail": 1, "review": 1, "n/a": 0}, (), (), "1+bbbb")
    any_store.put_scores(r.id, [v1, v2])
    assert list(any_store.scores(r.id, "1+aaaa")) == [v1]
    assert len(list(any_store.scores(r.id))) == 2
    any_store.put_scores(r.id, [v1])  # rescoring the same version replaces
    assert len(list(any_store.scores(r.id, "1+aaaa"))) == 1


def test_areas(any_store):
    square = {"type": "Polygon", "coordinates": [[[112, 28], [113, 28], [113, 29], [112, 29], [112, 28]]]}
    any_store.put_areas([Area("430000", "湖南省", "province"), Area("430100", "长沙市", "city", "430000"),
                         Area("430104", "岳麓区", "county", "430100", square)])
    assert [a.code for a in any_store.areas(level="county")] == ["430104"]
    assert [a.code for a in any_store.areas(parent="430000")] == ["430100"]
    assert any_store.get_area("430104").geometry == square
    assert any_store.get_area("999999") is None
