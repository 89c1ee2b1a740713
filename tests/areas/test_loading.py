"""Putting the registry into a real SQLite store."""

from __future__ import annotations

from audit.areas import hunan_areas, load_into


def test_load_into_store_and_reload_without_duplicates(store):
    assert load_into(store) == 137
    assert load_into(store) == 137
    assert len(store.areas()) == 137
    assert len(store.areas(level="city")) == 14
    assert len(store.areas(level="county", parent="430800")) == 4
    shaoshan = store.get_area("430382")
    assert (shaoshan.name, shaoshan.level, shaoshan.parent) == ("韶山市", "county", "430300")
    assert shaoshan.geometry == next(a.geometry for a in hunan_areas() if a.code == "430382")
