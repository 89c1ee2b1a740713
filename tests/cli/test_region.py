"""A store of another province (issue 17 C): `--region 440000` loads Guangdong, and the store then knows it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.areas import provinces
from audit.cli import cli
from audit.geo import from_wgs84
from audit.store import open_store
from tests.facility.conftest import TOILET_HEADER, csv_bytes, toilet_row

GUANGZHOU = (113.26, 23.13)  # 越秀区 440104, WGS-84


@pytest.fixture(scope="module")
def guangdong(tmp_path_factory) -> str:
    """A store loaded for Guangdong: `--region 440000 areas load`."""
    db = str(tmp_path_factory.mktemp("gd") / "gd.db")
    result = CliRunner().invoke(cli, ["--db", db, "--region", "440000", "areas", "load"])
    assert result.exit_code == 0, result.output
    return db


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def _toilets(path: Path, *rows: list[str]) -> str:
    path.write_bytes(csv_bytes([TOILET_HEADER, *rows]))
    return str(path)


def test_guangdong_cities_and_counties_are_listed_without_repeating_the_region(guangdong):
    cities = run("--db", guangdong, "areas", "list", "--level", "city", "--json")
    assert cities.exit_code == 0
    listed = {a["code"]: a["name"] for a in json.loads(cities.output)}
    assert listed["440100"] == "广州市" and len(listed) == 19 and all(c.startswith("44") for c in listed)
    counties = run("--db", guangdong, "areas", "list", "--parent", "440100")
    assert "440104" in counties.output and "越秀区" in counties.output
    located = run("--db", guangdong, "areas", "locate", "113.26", "23.13")
    assert located.exit_code == 0 and "越秀区（440104），广州市（440100），广东省（440000）" in located.output
    store = open_store(guangdong)
    assert [a.code for a in store.areas(level="province")] == ["440000"]
    store.close()


def test_a_store_of_guangdong_refuses_another_region_and_a_bad_code_lists_the_valid_ones(guangdong, tmp_path):
    other = run("--db", guangdong, "--region", "430000", "areas", "load")
    assert other.exit_code == 1
    assert "广东省（440000）" in other.output and "one store covers one province" in other.output
    bad = run("--db", str(tmp_path / "new.db"), "--region", "4400", "areas", "list")
    assert bad.exit_code == 1 and "地区代码“4400”无效" in bad.output and 'Invalid region code "4400"' in bad.output
    assert "440000 广东省" in bad.output and not (tmp_path / "new.db").exists()
    env = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.db"), "areas", "list"], env={"A11Y_AUDIT_REGION": "99"})
    assert env.exit_code == 1 and "Valid codes: 110000 北京市" in env.output


def test_a_guangzhou_facility_is_stored_in_guangdong_and_a_hunan_one_is_refused(guangdong, tmp_path):
    gcj = from_wgs84(*GUANGZHOU, "gcj02")
    rows = [toilet_row("GZ1", "113.26", "23.13"), toilet_row("GZ2", f"{gcj[0]:.6f}", f"{gcj[1]:.6f}", "gcj02")]
    stored = run("--db", guangdong, "facility", "ingest", _toilets(tmp_path / "gz.csv", *rows), "--round", "2025q2")
    assert stored.exit_code == 0, stored.output
    store = open_store(guangdong)
    facilities = {s.attributes["submission_id"]: s for s in store.subjects() if s.key.startswith("facility:")}
    store.close()
    assert {k: s.area_code for k, s in facilities.items()} == {"GZ1": "440104", "GZ2": "440104"}
    hunan = _toilets(tmp_path / "cs.csv", toilet_row("CS1"))  # Changsha
    refused = run("--db", guangdong, "--lang", "en", "facility", "ingest", hunan)
    assert refused.exit_code == 1 and "outside 广东省" in refused.output


def test_the_same_guangzhou_file_is_refused_in_a_hunan_store(tmp_path):
    file = _toilets(tmp_path / "gz.csv", toilet_row("GZ1", "113.26", "23.13"))
    refused = run("--db", str(tmp_path / "hn.db"), "facility", "ingest", file)
    assert refused.exit_code == 1 and "不在湖南省范围内" in refused.output


def test_the_map_of_a_guangdong_store_is_of_guangdong_and_the_report_is_titled_for_it(guangdong, tmp_path):
    gz = _toilets(tmp_path / "gz.csv", toilet_row("GZ9", "113.30", "23.12"))
    assert run("--db", guangdong, "facility", "ingest", gz, "--round", "2025q2").exit_code == 0
    out = tmp_path / "map.html"
    assert run("--db", guangdong, "map", "--out", str(out)).exit_code == 0
    view = json.loads(re.search(r'id="a11y-map-view"[^>]*>(.*?)</script>', out.read_text(), re.DOTALL).group(1))
    west, south, east, north = provinces()["440000"].bounds
    (lat0, lon0), (lat1, lon1) = view["bounds"]
    assert west <= lon0 <= lon1 <= east and south <= lat0 <= lat1 <= north
    assert south <= view["centre"][0] <= north and west <= view["centre"][1] <= east
    report = run("--db", guangdong, "report", "--out", str(tmp_path / "r"))
    assert report.exit_code == 0, report.output
    [html] = (tmp_path / "r").glob("report-440000-*.html")
    assert re.search(r"<title>[^<]*广东省", html.read_text()) and "湖南" not in html.read_text()


def test_a_region_without_circle_files_has_no_circles(guangdong, tmp_path):
    listed = run("--db", guangdong, "areas", "circles", "--json")
    assert listed.exit_code == 0 and json.loads(listed.output) == []
    # A store not loaded yet: Hunan, whose circles live in checklists/regions/430000/circles/.
    hunan = run("--db", str(tmp_path / "none.db"), "areas", "circles", "--json")
    assert {c["id"] for c in json.loads(hunan.output)} == {"mangshan", "shaoshan", "wulingyuan"}
    store = open_store(guangdong)
    assert [s.key for s in store.subjects() if s.kind == "service-circle"] == []
    store.close()
