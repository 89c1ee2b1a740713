"""Exit codes are a contract (pa11y's): 0 ok, 1 could not do it (bad usage included), 2 thresholds only."""

from __future__ import annotations

from click.testing import CliRunner

from audit.cli import cli


def test_bad_usage_exits_1_never_2(tmp_path):
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", str(tmp_path / "a.db"), "facility", "ingest", "missing.xlsx"]).exit_code == 1
    assert runner.invoke(cli, ["web", "--no-such-option"]).exit_code == 1
    assert runner.invoke(cli, ["no-such-command"]).exit_code == 1


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
