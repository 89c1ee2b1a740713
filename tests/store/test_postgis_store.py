"""What only PostGIS has: geometry columns with GiST indexes, keyset streaming, concurrent migration."""

from __future__ import annotations

import threading

import pytest

from audit.model import Category, Finding, Outcome, Subject
from audit.store import open_store
from audit.store import postgis as postgis_module

pytestmark = pytest.mark.postgis

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[112.9, 28.1], [113.0, 28.1], [113.0, 28.3], [112.9, 28.3], [112.9, 28.1]]],
}


def toilet(n: int, lon: float = 112.94, lat: float = 28.23) -> Subject:
    return Subject(
        f"facility:toilets:t{n:05d}",
        "toilet",
        Category.TOILETS,
        f"公厕 {n}",
        "430104",
        geometry={"type": "Point", "coordinates": [lon, lat]},
    )


def test_open_store_dispatches_postgresql_urls(postgis_url):
    store = open_store(postgis_url)
    try:
        assert type(store).__name__ == "PostgisStore"
        assert store.schema_version()[0] == "0001_core"
    finally:
        store.close()


def test_geometry_columns_are_4326_with_gist_indexes(postgis_url):
    store = open_store(postgis_url)
    try:
        store.upsert_subjects([toilet(1)])
        [row] = store._rows("SELECT ST_SRID(geom) AS srid, ST_AsText(geom) AS wkt FROM subjects")
        assert row == {"srid": 4326, "wkt": "POINT(112.94 28.23)"}
        indexes = {
            r["indexdef"] for r in store._rows("SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()")
        }
        assert any("subjects_geom" in i and "gist" in i for i in indexes)
        assert any("areas_geom" in i and "gist" in i for i in indexes)
    finally:
        store.close()


def test_spatial_query_finds_subjects_inside_a_polygon(postgis_url):
    store = open_store(postgis_url)
    try:
        store.upsert_subjects([toilet(1), toilet(2, lon=111.5, lat=27.0)])
        assert [s.key for s in store.subjects_within(SQUARE)] == [toilet(1).key]
        assert list(store.subjects_within(SQUARE, category="roads")) == []
    finally:
        store.close()


def test_invalid_geojson_is_kept_as_given_without_a_geometry(postgis_url):
    store = open_store(postgis_url)
    try:
        odd = Subject("facility:x:1", "toilet", Category.TOILETS, "x", geometry={"type": "Point", "coordinates": "bad"})
        store.upsert_subjects([odd])
        assert store.get_subject(odd.key) == odd
        assert store._rows("SELECT geom FROM subjects") == [{"geom": None}]
    finally:
        store.close()


def test_streams_in_pages_in_code_point_order(postgis_url, monkeypatch):
    monkeypatch.setattr(postgis_module, "PAGE", 7)
    store = open_store(postgis_url)
    try:
        subjects = [toilet(n) for n in range(30)] + [
            Subject("facility:toilets:T-upper", "toilet", Category.TOILETS, "T")
        ]
        store.upsert_subjects(subjects)
        keys = [s.key for s in store.subjects()]
        assert keys == sorted(s.key for s in subjects)  # code point order, as in SQLite
        r = store.begin_round("facility")
        for s in subjects:
            store.replace_findings(r.id, s.key, [Finding(s.key, c, Outcome.PASS) for c in ("a", "b")])
        assert len(list(store.findings(r.id))) == 62
    finally:
        store.close()


def test_two_connections_migrating_a_fresh_schema_at_once_both_succeed(postgis_url):
    results, problems = [], []

    def open_one():
        try:
            store = open_store(postgis_url)
            results.append(store.schema_version())
            store.close()
        except Exception as exc:  # noqa: BLE001 - collected so the main thread can report it
            problems.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert problems == [] and len(results) == 3 and results[0] == results[1] == results[2]


def test_transactions_are_per_store_and_invisible_until_committed(postgis_url):
    writer, reader = open_store(postgis_url), open_store(postgis_url)
    try:
        with writer.transaction():
            writer.upsert_subjects([toilet(1)])
            assert reader.get_subject(toilet(1).key) is None
        assert reader.get_subject(toilet(1).key) == toilet(1)
    finally:
        writer.close()
        reader.close()
