"""Exit codes are a contract (pa11y's): 0 ok, 1 could not do it (bad usage included), 2 thresholds only."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from audit.cli import cli


def test_bad_usage_exits_1_never_2(tmp_path):
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", str(tmp_path / "a.db"), "facility", "ingest", "missing.xlsx"]).exit_code == 1
    assert runner.invoke(cli, ["web", "--no-such-option"]).exit_code == 1
    assert runner.invoke(cli, ["no-such-command"]).exit_code == 1


@pytest.mark.parametrize(
    "flag, value",
    [
        ("--max-pages", "0"),
        ("--max-depth", "-1"),
        ("--per-template", "0"),
        ("--concurrency", "0"),
        ("--delay", "-0.5"),
        ("--timeout", "0"),
    ],
)
def test_a_crawl_flag_out_of_its_range_is_bad_usage(tmp_path, flag, value):
    """The bounds the config file's JSON Schema sets hold for the flags too: nothing is audited."""
    out = tmp_path / "out"
    args = ["--db", str(tmp_path / "a.db"), "web", "http://127.0.0.1:9/", flag, value, "--out", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1 and flag in result.output and value in result.output
    assert not out.exists() and not (tmp_path / "a.db").exists()


def test_help_and_version_exit_0():
    runner = CliRunner()
    assert runner.invoke(cli, ["--help"]).exit_code == 0
    assert runner.invoke(cli, ["--version"]).exit_code == 0
    assert runner.invoke(cli, ["web", "--help"]).exit_code == 0


def test_ingesting_a_deeply_nested_geojson_exits_1_with_the_file_error(tmp_path):
    deep = tmp_path / "deep.geojson"
    deep.write_bytes(b"[" * 400_000)
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "a.db"), "--lang", "en", "facility", "ingest", str(deep)], catch_exceptions=True
    )
    assert result.exit_code == 1 and isinstance(result.exception, (SystemExit, type(None))), result.exception
    assert "deep.geojson: not valid facility data: the JSON is nested more than 64 levels deep" in result.output


THIN_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>通知公告</title></head>
<body><main><h1 style="background:url(bg.png);color:#777">通知公告</h1>
<p style="background:url(bg.png);color:#777">文字压在背景图上：对比度只能由人判定。</p></main></body></html>"""


@pytest.mark.browser
def test_a_site_with_insufficient_data_never_passes(tmp_path, chromium_executable):
    """Only color contrast is checked, and axe cannot decide it over a background image: nothing is answered."""
    from audit.catalog import load_catalog
    from audit.runs.web import web_checks
    from tests.web.conftest import Server

    (tmp_path / "thin.html").write_text(THIN_PAGE, encoding="utf-8")
    ignore = [a for c in web_checks(load_catalog()) if c.id != "axe-color-contrast" for a in ("--ignore", c.id)]
    server = Server(tmp_path)
    try:
        args = [server.url("thin.html"), "--max-depth", "0", "--no-sitemap", "--ignore-robots", "--delay", "0", *ignore]

        def run(*extra):
            out = tmp_path / f"out{len(extra)}"
            command = ["--db", str(tmp_path / "a.db"), "--lang", "en", "web", *args, *extra, "--out", str(out)]
            result = CliRunner().invoke(cli, command)
            return result, json.loads((out / "a11y-report.json").read_text(encoding="utf-8"))

        gated, report = run("--fail-under", "50")
        assert gated.exit_code == 2, gated.output  # the threshold cannot be shown to be met
        assert "insufficient data, so a score of 50.0 or more cannot be shown" in gated.output
        assert report["sites"][0]["state"] == "insufficient" and report["gate"]["verdict"] == "failed"
        plain, report = run()
        assert plain.exit_code == 0, plain.output  # no threshold asked for, none crossed
        assert "not graded: no threshold was crossed, but 1 sites have insufficient data" in plain.output
        assert "passed: no threshold" not in plain.output and report["gate"]["verdict"] == "insufficient"
        assert "insufficient data (no applicable check answered)" in plain.output
    finally:
        server.close()
