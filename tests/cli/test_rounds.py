"""`a11y-audit rounds`: list and rescore against a real SQLite store."""

from __future__ import annotations

from click.testing import CliRunner

from audit.cli import cli
from audit.model import Category, Finding, Outcome, Subject
from audit.store import open_store


def seed(path, catalog):
    store = open_store(path)
    check_id = next(iter(catalog.checks))
    store.upsert_subjects([Subject("s1", "toilet", Category.TOILETS, "公厕", "430104")])
    r = store.begin_round("facility", label="2025Q4")
    store.add_findings(r.id, [Finding("s1", check_id, Outcome.PASS)])
    store.finish_round(r.id)
    store.close()
    return r.id


def test_list_and_rescore(tmp_path, catalog):
    db = str(tmp_path / "a.db")
    round_id = seed(db, catalog)
    runner = CliRunner()
    listed = runner.invoke(cli, ["--db", db, "rounds", "list"])
    assert listed.exit_code == 0 and "2025Q4" in listed.output and "1 subjects" in listed.output
    rescored = runner.invoke(cli, ["--db", db, "rounds", "rescore", str(round_id)])
    assert rescored.exit_code == 0 and "1 subjects scored" in rescored.output
    store = open_store(db)
    [score] = store.scores(round_id, catalog.policy.version)
    assert score.score == 100.0


def test_rescore_unknown_round_fails_in_both_languages(tmp_path):
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "b.db"), "rounds", "rescore", "42"])
    assert result.exit_code == 1 and "42" in result.output and "Error:" in result.output and "错误" in result.output
