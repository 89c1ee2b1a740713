"""`a11y-audit areas load|list|locate|circles` through click, with a real SQLite store."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.geo import from_wgs84
from audit.store import open_store


@pytest.fixture
def run(tmp_path):
    db = str(tmp_path / "cli.db")

    def invoke(*args: str):
        return CliRunner().invoke(cli, ["--db", db, *args])

    invoke.db = db
    return invoke


def test_load_puts_the_areas_in_the_store(run):
    result = run("areas", "load")
    assert result.exit_code == 0, result.output
    assert "137" in result.output and "122" in result.output
    store = open_store(run.db)
    try:
        assert len(store.areas(level="county")) == 122
        assert store.get_area("430811").name == "武陵源区"
    finally:
        store.close()


def test_list_by_level_and_parent(run):
    cities = run("areas", "list", "--level", "city").output.strip().splitlines()
    assert len(cities) == 14 and cities[0].startswith("430100") and "长沙市" in cities[0]
    xiangtan = run("areas", "list", "--parent", "430300").output.strip().splitlines()
    assert [line.split()[0] for line in xiangtan] == ["430302", "430304", "430321", "430381", "430382"]


def test_list_unknown_parent_fails_in_both_languages(run):
    result = run("areas", "list", "--parent", "999999")
    assert result.exit_code == 1
    assert "999999" in result.output and "错误" in result.output and "Error" in result.output


def test_locate_in_chinese_english_and_gcj02(run):
    assert "韶山市（430382），湘潭市（430300），湖南省（430000）" in run("areas", "locate", "112.53", "27.92").output
    english = run("--lang", "en", "areas", "locate", "110.55", "29.35").output
    assert "Wulingyuan District (430811)" in english and "Zhangjiajie City" in english
    lon, lat = from_wgs84(112.93, 28.23, "gcj02")
    assert "岳麓区" in run("areas", "locate", f"{lon:.6f}", f"{lat:.6f}", "--crs", "gcj02").output


def test_locate_outside_hunan_exits_1(run):
    result = run("areas", "locate", "27.92", "112.53")
    assert result.exit_code == 1
    assert "不在湖南省" in result.output and "not inside any county of Hunan" in result.output


def test_circles_lists_the_three_circles(run):
    result = run("areas", "circles")
    assert result.exit_code == 0, result.output
    assert [line.split()[0] for line in result.output.strip().splitlines()] == ["mangshan", "shaoshan", "wulingyuan"]
