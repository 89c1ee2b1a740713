"""Facility locations in the configured province (issue 17 C): a Guangzhou point is in Guangdong, not in Hunan."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.facility.location import Region
from audit.geo import from_wgs84
from tests.facility.conftest import TOILET_HEADER, csv_bytes, toilet_row

FILES = Path(__file__).parent / "files"
GUANGZHOU = (113.26, 23.13)  # 越秀区 440104, WGS-84


def _guangzhou_rows(crs: str) -> bytes:
    lon, lat = from_wgs84(*GUANGZHOU, crs)
    return csv_bytes([TOILET_HEADER, toilet_row(lon=f"{lon:.6f}", lat=f"{lat:.6f}", crs=crs)])


def test_a_guangzhou_point_is_accepted_in_guangdong_with_its_county(read):
    for crs in ("wgs84", "gcj02"):
        result = read(_guangzhou_rows(crs), "toilets.csv", region=Region(province="440000"))
        assert not result.errors, (crs, result.errors)
        [row] = result.rows
        assert row.county == "440104" and row.geometry["coordinates"] == pytest.approx([113.26, 23.13], abs=1e-6)


def test_a_guangzhou_point_is_refused_in_hunan_naming_hunan(read, catalog):
    for crs in ("wgs84", "gcj02"):
        result = read(_guangzhou_rows(crs), "toilets.csv", region=Region(province="430000"))
        assert not result.rows and [p.key for p in result.errors] == ["facility.location.outside"]
        assert "湖南省" in result.errors[0].text(catalog.messages, "zh")


def test_a_hunan_point_is_refused_in_guangdong_naming_guangdong(read, catalog):
    # Inside Guangdong's box with its margin, but in Hunan's 宜章县: the county test refuses it.
    rows = csv_bytes([TOILET_HEADER, toilet_row(lon="112.95", lat="25.40")])
    result = read(rows, "toilets.csv", region=Region(province="440000"))
    assert [p.key for p in result.errors] == ["facility.location.outside-province"]
    assert "不在广东省任何区县内" in result.errors[0].text(catalog.messages, "zh")
    assert "no county of 广东省" in result.errors[0].text(catalog.messages, "en")


def test_an_opensidewalks_style_geojson_of_sidewalk_lines_reads_in_guangdong(read):
    data = (FILES / "osw-guangzhou-sidewalks.geojson").read_bytes()
    result = read(data, "osw.geojson", checklist_id="tactile-paving", region=Region(province="440000"))
    assert result.format == "geojson" and not result.errors, result.errors
    [row] = result.rows
    assert row.geometry["type"] == "LineString" and row.county == "440104"
    refused = read(data, "osw.geojson", checklist_id="tactile-paving")  # Hunan, the default
    assert not refused.rows and refused.errors
