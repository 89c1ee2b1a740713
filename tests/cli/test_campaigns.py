"""`a11y-audit facility ingest` joins the period's open campaign; `rounds close|reopen|open` (issue 11)."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from audit.cli import cli
from audit.store import open_store

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "facility" / "round-2025q2"


def _two_files(tmp_path: Path) -> list[str]:
    """Two sample files, as two inspectors' uploads on different days."""
    files = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".csv", ".xlsx", ".geojson"))[:2]
    for path in SAMPLES.iterdir():
        shutil.copy(path, tmp_path / path.name)
    return [str(tmp_path / p.name) for p in files]


def test_two_ingests_join_one_campaign_and_a_closed_one_refuses(tmp_path):
    db, runner = str(tmp_path / "a.db"), CliRunner()
    first, second = _two_files(tmp_path)
    assert runner.invoke(cli, ["--db", db, "facility", "ingest", first, "--round", "2025q2"]).exit_code == 0
    assert runner.invoke(cli, ["--db", db, "facility", "ingest", second, "--round", "2025q2"]).exit_code == 0
    store = open_store(db)
    [campaign] = store.rounds("facility")
    assert (campaign.label, campaign.period_start, campaign.period_end) == ("2025q2", "2025-04-01", "2025-06-30")
    assert {s.attributes["source"] for s in store.snapshots(campaign.id)} == {Path(first).name, Path(second).name}
    store.close()
    assert runner.invoke(cli, ["--db", db, "rounds", "close", str(campaign.id)]).exit_code == 0
    refused = runner.invoke(cli, ["--db", db, "facility", "ingest", first, "--round", "2025q2"])
    assert refused.exit_code != 0 and "已关闭" in refused.output and "is closed" in refused.output
    assert runner.invoke(cli, ["--db", db, "rounds", "reopen", str(campaign.id)]).exit_code == 0
    assert runner.invoke(cli, ["--db", db, "facility", "ingest", first, "--round", "2025q2"]).exit_code == 0
    opened = runner.invoke(cli, ["--db", db, "rounds", "open", "--period", "2025q3", "--area", "430100"])
    assert opened.exit_code == 0 and "2025-07-01" in opened.output
    listed = runner.invoke(cli, ["--db", db, "rounds", "list", "--kind", "facility"])
    assert "[open all areas 2025-04-01 – 2025-06-30]" in listed.output and "430100" in listed.output


def test_the_same_facility_in_two_files_is_refused_naming_both(tmp_path):
    db, runner = str(tmp_path / "a.db"), CliRunner()
    first, _ = _two_files(tmp_path)
    copy = tmp_path / ("copy-" + Path(first).name)
    shutil.copy(first, copy)
    result = runner.invoke(cli, ["--db", db, "--lang", "en", "facility", "ingest", first, str(copy)])
    assert result.exit_code != 0
    assert f'the same id as row 2 of file "{Path(first).name}"' in result.output
    store = open_store(db)
    assert store.rounds("facility") == []
    store.close()
