"""sites.txt parsing: the bundled file, whitespace and comma separators, comments, every bad line reported."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from audit.cli import cli
from audit.web.sites import parse_sites_line, read_sites

REPO = Path(__file__).resolve().parents[2]


def test_the_bundled_sites_file_lists_province_cities_and_federation():
    sites, problems = read_sites(REPO / "sites.txt")
    assert problems == []
    assert len(sites) == 16
    assert sites[0].url.startswith("https://") and sites[0].area_code == "430000" and sites[0].name == "湖南省人民政府"
    assert len({s.area_code for s in sites if s.area_code != "430000"}) == 14


def test_separators_names_with_spaces_and_comments():
    assert parse_sites_line("http://127.0.0.1:8000/\t430100\t长沙市 人民政府  # note").name == "长沙市 人民政府"
    assert parse_sites_line("http://127.0.0.1:8000/, 430100, 长沙").area_code == "430100"
    site = parse_sites_line("http://127.0.0.1:8000/#main 430100")
    assert site.url == "http://127.0.0.1:8000/#main" and site.name is None
    assert parse_sites_line("   # only a comment") is None and parse_sites_line("") is None


def test_every_bad_line_is_reported_by_row(tmp_path):
    path = tmp_path / "sites.txt"
    path.write_text(
        "# header\nwww.example.gov.cn 430100 x\nhttp://127.0.0.1/ 4301 y\nhttp://127.0.0.1/ 430100 ok\n",
        encoding="utf-8",
    )
    sites, problems = read_sites(path)
    assert [s.name for s in sites] == ["ok"]
    assert [(p.row, p.problem.split(" ")[0]) for p in problems] == [(2, "URL"), (3, "division")]
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.db"), "web", "--sites", str(path)])
    assert result.exit_code == 1
    assert "第 2 行" in result.output and "row 3" in result.output
