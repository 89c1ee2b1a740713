"""The demo's field campaigns as people run them through the upload service on 127.0.0.1 (issue 11): two
inspectors' uploads make one campaign and one map; the ledger after round 2 holds verified and reopened problems;
the resident's accepted report is in it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.catalog import load_catalog
from audit.cli import cli
from audit.demo.campaign import RECTIFIED, DemoCampaign
from audit.demo.run import FACILITY_SAMPLES, DemoPlan
from audit.render.map.data import collect
from audit.render.view import RoundView
from audit.store import open_store


@pytest.fixture(scope="module")
def campaign(tmp_path_factory):
    out = tmp_path_factory.mktemp("campaign")
    plan = DemoPlan(out / "demo.db", out / "maps", out / "reports")
    runner, said = CliRunner(), []

    def invoke(args) -> int:
        return runner.invoke(cli, list(args)).exit_code

    assert invoke(["--db", str(plan.db), "areas", "load"]) == 0
    demo = DemoCampaign(plan, invoke, said.append, FACILITY_SAMPLES)
    try:
        assert demo.round_one("2025q2") == 0
        first_ledger = {p.id: p.status for p in open_store(plan.db).problems()}
        assert demo.round_two("2025q4") == 0
    finally:
        demo.close()
    yield plan, demo.log, said, first_ledger


def test_two_inspectors_upload_into_one_campaign_and_one_map_shows_both(campaign):
    plan, log, _, _ = campaign
    first = [u for u in log.uploads if u["campaign"] == "2025q2"]
    assert {u["inspector"] for u in first} == {"zhou-min", "liu-yang"}
    [round_id] = {u["round_id"] for u in first}
    store = open_store(plan.db)
    version = load_catalog(None).policy.version
    items = collect([RoundView.load(store, round_id, version)], version).items
    mapped = {item.subject.key for item in items if item.subject.key.startswith("facility:")}
    for who in ("zhou-min", "liu-yang"):
        theirs = {key for u in first if u["inspector"] == who for key in u["facilities"]}
        assert theirs and theirs <= mapped, who
    # each inspector's rows carry their own day: the second went out a week later
    days = {s.attributes.get("inspected_on") for s in store.snapshots(round_id)}
    assert {"2025-05-20", "2025-05-27"} <= {str(d)[:10] for d in days}
    assert store.get_round(round_id).label == "2025q2"


def test_round_two_verifies_some_problems_and_reopens_others(campaign):
    plan, log, said, first_ledger = campaign
    store = open_store(plan.db)
    problems = {p.id: p for p in store.problems()}
    assert log.assigned and set(log.rectified) <= set(log.assigned)
    assert {first_ledger[pid] for pid in log.rectified} == {"rectified"}  # by the unit, before round 2
    for pid in log.rectified:  # assigned by the official with a deadline, then rectified with a photo
        events = store.problem_events(pid)
        assert [e.to_status for e in events][:3] == ["open", "assigned", "rectified"]
        assert events[1].by == "hunan-official" and events[2].by == "cs-works" and events[2].photo
    after = {problems[pid].status for pid in log.rectified}
    assert after == {"verified", "reopened"}  # the inspection decides: some fixes held, some did not
    rectified_facilities = {problems[pid].subject_key.rsplit(":", 1)[-1] for pid in log.rectified}
    assert rectified_facilities == set(RECTIFIED)
    statuses = {p.status for p in problems.values()}
    assert {"verified", "reopened", "open", "assigned"} <= statuses
    assert any(line.startswith("设施问题台账 / facility ledger:") and "reopened" in line for line in said)


def test_the_residents_report_is_accepted_into_the_ledger(campaign):
    plan, log, _, _ = campaign
    store = open_store(plan.db)
    report = store.public_report(log.public_report)
    assert report.state == "accepted" and report.problem_id == log.public_problem
    problem = store.problem(log.public_problem)
    assert problem.status == "open" and problem.subject_key.endswith(":CS-T01")
    assert problem.check_id == "toilet-route"
    assert [e.detail.get("public_report") for e in store.problem_events(problem.id)][-1] == report.ref


def test_the_demo_facility_steps_go_through_the_service_not_the_cli():
    source = (Path(__file__).parents[2] / "audit" / "demo" / "run.py").read_text(encoding="utf-8")
    assert '"facility", "ingest"' not in source and "DemoCampaign" in source
