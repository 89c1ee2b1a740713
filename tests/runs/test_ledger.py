"""The ledger follows inspections through the real ingest path: a failure opens a problem, the next round's
pass verifies it, a later failure reopens it (same id, whole history); review and n/a leave it alone."""

from __future__ import annotations

from audit.facility.ingest import IngestOptions, read_submission
from audit.model import Category, Finding, Outcome, Subject
from audit.model.problems import OPEN, REOPENED, VERIFIED, assign, problem_id
from audit.runs.facility import ingest
from audit.runs.ledger import update_ledger
from tests.facility.conftest import TOILET_HEADER, csv_bytes, toilet_row

DOOR = "toilet-door-width"


def _inspect(store, catalog, label: str, width: str) -> int:
    rows = [TOILET_HEADER, toilet_row("T1", width=width)]
    result = read_submission(csv_bytes(rows), "toilets.csv", catalog, IngestOptions())
    assert not result.errors, result.problems
    report = ingest(store, catalog, [result], label=label)
    assert report.stored
    return report.round.id


def _door_problem(store):
    found = [p for p in store.problems() if p.check_id == DOOR]
    assert len(found) == 1
    return found[0]


def test_fail_opens_pass_verifies_fail_again_reopens(store, catalog):
    first = _inspect(store, catalog, "2025q1", "700")
    problem = _door_problem(store)
    assert problem.status == OPEN and problem.first_round == first and problem.severity
    assert problem.id == problem_id(problem.subject_key, DOOR) and problem.area_code == "430102"
    assert problem.measured["value"] == 700.0
    # nothing else of that facility failed: review and n/a answers opened nothing
    assert {p.check_id for p in store.problems()} == {DOOR}

    second = _inspect(store, catalog, "2025q2", "900")
    verified = _door_problem(store)
    assert (verified.status, verified.last_round, verified.id) == (VERIFIED, second, problem.id)
    assert verified.closed_at

    third = _inspect(store, catalog, "2025q3", "750")
    reopened = _door_problem(store)
    assert (reopened.status, reopened.id, reopened.first_seen) == (REOPENED, problem.id, problem.first_seen)
    assert reopened.closed_at is None and reopened.last_round == third
    history = store.problem_events(problem.id)
    assert [(e.from_status, e.to_status, e.round_id) for e in history] == [
        (None, OPEN, first),
        (OPEN, VERIFIED, second),
        (VERIFIED, REOPENED, third),
    ]


def test_still_failing_keeps_the_assignment_and_age(store, catalog):
    _inspect(store, catalog, "2025q1", "700")
    problem = _door_problem(store)
    store.put_problems([assign(problem, "unit-a", "2025-06-30", "official", "2025-04-02T00:00:00+00:00")])
    _inspect(store, catalog, "2025q2", "710")
    kept = _door_problem(store)
    assert (kept.status, kept.unit, kept.first_seen) == ("assigned", "unit-a", problem.first_seen)
    assert kept.measured["value"] == 710.0
    assert len(store.problem_events(problem.id)) == 2  # opened, assigned: staying failed is no event


def test_a_re_upload_within_the_campaign_updates_the_ledger(store, catalog):
    _inspect(store, catalog, "2025q1", "700")
    _inspect(store, catalog, "2025q1", "900")  # the inspector corrects the row in the same campaign
    assert _door_problem(store).status == VERIFIED


def test_web_pages_are_tracked_per_page_and_rule_sites_are_not(store, catalog):
    round_ = store.begin_round("web")
    page = Subject("page:https://www.example.gov.cn/", "web-page", Category.INFORMATION, "首页", "430000")
    site = Subject("site:https://www.example.gov.cn", "website", Category.INFORMATION, "示例", "430000")
    store.upsert_subjects([page, site])
    rule = next(c.id for cl in catalog.domain("web") for c in cl.checks if not c.answer.get("information_only"))
    store.add_findings(
        round_.id,
        [Finding(page.key, rule, Outcome.FAIL, 0, 3), Finding(site.key, rule, Outcome.FAIL, 0, 1)],
    )
    store.finish_round(round_.id)
    assert update_ledger(store, catalog, round_.id) == 1
    assert [(p.subject_key, p.check_id, p.status) for p in store.problems()] == [(page.key, rule, OPEN)]

    later = store.begin_round("web")
    store.add_findings(later.id, [Finding(page.key, rule, Outcome.REVIEW)])
    store.finish_round(later.id)
    assert update_ledger(store, catalog, later.id) == 0  # review is not a pass
    assert store.problems()[0].status == OPEN


def test_a_reviewers_fail_verdict_opens_a_problem_as_an_inspection_fail_does(store, catalog):
    from audit.runs.review import Decision, build_queue, decide

    round_id = _inspect(store, catalog, "2025q1", "900")
    assert store.problems() == []  # nothing failed automatically; 'review' answers opened nothing
    item = next(i for i in build_queue(store, catalog, round_id) if i.subject.key.startswith("facility:"))
    decide(store, catalog, round_id, [Decision(item.id, "fail", "现场核实不合格")], "li-reviewer")
    [problem] = store.problems()
    assert (problem.subject_key, problem.check_id, problem.status) == (item.subject.key, item.check.id, OPEN)
    [event] = store.problem_events(problem.id)
    assert (event.to_status, event.by, event.round_id, event.detail.get("verdict")) == (
        OPEN,
        "li-reviewer",
        round_id,
        True,
    )
    # the person changes their mind: a pass verifies it, as a later inspection's pass would
    decide(store, catalog, round_id, [Decision(item.id, "pass")], "li-reviewer")
    assert store.problem(problem.id).status == VERIFIED
