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
