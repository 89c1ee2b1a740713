"""Any province from the same boundary data (issue 17 C): valid region codes, Guangdong's registry and lookup."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from audit.areas import (
    UnknownRegion,
    check_region,
    county_at,
    get_area,
    province_areas,
    provinces,
    valid_region_list,
)
from audit.areas.source import COUNTRY_PREFIX, WITHOUT_COUNTIES, data_dir

GUANGZHOU = (113.26, 23.13)  # 越秀区, WGS-84
CHANGSHA = (112.977, 28.196)


def test_every_province_of_the_data_is_a_region_except_those_without_counties():
    # The constant must say what the data says: a region needs county-level divisions of its own.
    with (data_dir() / "district.geojson").open(encoding="utf-8") as handle:
        districts = json.load(handle)["features"]
    own_counties = defaultdict(set)
    for feature in districts:
        code = str(feature["properties"].get("gb", ""))[len(COUNTRY_PREFIX) :]
        if len(code) == 6:
            own_counties[code[:2] + "0000"].add(code)
    with_counties = {p for p, codes in own_counties.items() if codes - {p}}
    assert set(provinces()) == with_counties
    assert WITHOUT_COUNTIES.isdisjoint(with_counties) and len(provinces()) == 33
    assert provinces()["440000"].name == "广东省" and provinces()["430000"].name == "湖南省"


@pytest.mark.parametrize("code", ["4400", "440100", "990000", "abc", "", "820000"])
def test_a_bad_region_code_is_refused_listing_the_valid_ones(code):
    with pytest.raises(UnknownRegion) as caught:
        check_region(code)
    assert "440000 广东省" in str(caught.value) and "430000 湖南省" in str(caught.value)
    assert valid_region_list().startswith("110000 北京市, 120000 天津市")


def test_guangdong_has_its_cities_and_counties_under_them():
    assert check_region(" 440000 ") == "440000"
    cities = {a.code: a.name for a in province_areas("440000", level="city")}
    assert cities["440100"] == "广州市" and cities["440300"] == "深圳市"
    counties = province_areas("440000", level="county")
    assert {a.parent for a in counties} <= set(cities) | {"440000"}
    assert {a.code for a in province_areas("440000", parent="440100")} >= {"440103", "440104", "440106"}
    # 东莞 and 中山 have no counties: the data ships them in both files under one code, kept as counties.
    assert get_area("441900").level == "county" and get_area("441900").parent == "440000"
    # No English names outside Hunan: labels fall back to the Chinese name.
    assert get_area("440104").label("en") == "越秀区"


def test_a_municipality_files_its_districts_under_itself():
    beijing = province_areas("110000")
    assert [a.code for a in beijing if a.level != "county"] == ["110000"]
    assert {a.parent for a in beijing if a.level == "county"} == {"110000"}


def test_a_point_is_found_only_in_the_region_asked_for():
    assert county_at(*GUANGZHOU, "440000").code == "440104"
    assert county_at(*GUANGZHOU) is None  # Hunan, the default
    assert county_at(*CHANGSHA, "440000") is None
    assert county_at(*CHANGSHA).code[:4] == "4301"
