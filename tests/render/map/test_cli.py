"""`a11y-audit map` end to end on a stored sample: files written, errors in both languages."""

from __future__ import annotations

from click.testing import CliRunner

from audit.cli import cli


def run(sample, map_catalog, *args):
    return CliRunner().invoke(cli, ["--db", sample.store.url, "--checklists", str(map_catalog.root), "map", *args])


def test_map_command_writes_map_and_table(sample, map_catalog, tmp_path):
    out = tmp_path / "maps" / "cs.html"
    result = run(sample, map_catalog, "--area", "430100", "--out", str(out), "--tiles", "amap", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert (
        out.exists()
        and (tmp_path / "maps" / "cs-table.html").exists()
        and (tmp_path / "maps" / "cs-table.csv").exists()
    )
    assert "cs-table.csv" in result.output
    assert "Amap" in out.read_text(encoding="utf-8") and "map written to" in result.output


def test_map_command_errors_name_the_problem(sample, map_catalog, tmp_path, monkeypatch):
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    result = run(sample, map_catalog, "--tiles", "tianditu", "--out", str(tmp_path / "m.html"))
    assert result.exit_code == 1 and "TIANDITU_KEY" in result.output
    result = run(sample, map_catalog, "--round", "99", "--out", str(tmp_path / "m.html"))
    assert result.exit_code == 1 and "round 99 does not exist" in result.output
    result = run(sample, map_catalog, "--area", "43", "--out", str(tmp_path / "m.html"))
    assert result.exit_code == 1 and "6 digits" in result.output
