"""The ledger's state machine, one transition per test: inspections open, keep, reopen and verify problems;
people assign, rectify and review; what is not allowed raises with a message key."""

from __future__ import annotations

from datetime import date

import pytest

from audit.model import Outcome
from audit.model.problems import (
    ASSIGNED,
    BY_INSPECTION,
    OPEN,
    RECTIFIED,
    REOPENED,
    VERIFIED,
    LedgerError,
    Seen,
    assign,
    inspect,
    parse_reference,
    problem_id,
    rectify,
    review,
    undo_round,
)

KEY, CHECK = "facility:accessible-toilets:430104:T1", "toilet-door-width"
AT = "2025-05-01T08:00:00+00:00"


def seen(outcome: Outcome, on: str = "2025-04-01", round_id: int = 1, **extra) -> Seen:
    return Seen(KEY, CHECK, outcome, on, round_id, "serious", "430104", "公厕", extra.get("measured", 700), "≥800")


def opened():
    problem, _ = inspect(None, seen(Outcome.FAIL), AT)
    return problem


def assigned():
    return assign(opened(), "yuelu-jianshe", "2025-06-30", "official", AT)[0]


def rectified():
    return rectify(assigned(), "门已加宽至 900 mm", "ab" * 12 + ".jpg", "yuelu-jianshe", AT)[0]


def test_the_id_is_stable_and_readable():
    assert problem_id(KEY, CHECK) == problem_id(KEY, CHECK) != problem_id(KEY, "toilet-room-area")
    problem = opened()
    assert problem.id == problem_id(KEY, CHECK) and len(problem.id) == 12
    assert problem.reference.startswith("P-") and parse_reference(problem.reference.lower()) == problem.id


def test_a_failure_opens_a_problem_with_its_evidence():
    problem, event = inspect(None, seen(Outcome.FAIL), AT)
    assert (problem.status, problem.first_seen, problem.measured, problem.severity) == (
        OPEN,
        "2025-04-01",
        700,
        "serious",
    )
    assert (event.from_status, event.to_status, event.by, event.round_id) == (None, OPEN, BY_INSPECTION, 1)


@pytest.mark.parametrize("outcome", [Outcome.PASS, Outcome.REVIEW, Outcome.NA])
def test_no_failure_and_no_problem_opens_nothing(outcome):
    assert inspect(None, seen(outcome), AT) is None


def test_still_failing_stays_open_with_its_age_and_fresh_evidence():
    problem, event = inspect(opened(), seen(Outcome.FAIL, on="2025-07-01", round_id=2, measured=720), AT)
    assert event is None  # no change of state, no history line
    assert (problem.status, problem.first_seen, problem.last_seen, problem.measured) == (
        OPEN,
        "2025-04-01",
        "2025-07-01",
        720,
    )
    assert problem.age_days(date(2025, 7, 1)) == 91


def test_still_failing_keeps_an_assignment():
    problem, event = inspect(assigned(), seen(Outcome.FAIL, round_id=2), AT)
    assert event is None and problem.status == ASSIGNED and problem.unit == "yuelu-jianshe"


@pytest.mark.parametrize("make", [opened, assigned, rectified])
def test_a_pass_verifies_an_unclosed_problem(make):
    before = make()
    problem, event = inspect(before, seen(Outcome.PASS, round_id=2), AT)
    assert problem.status == VERIFIED and problem.is_closed and problem.closed_at == AT
    assert (event.from_status, event.to_status, event.by) == (before.status, VERIFIED, BY_INSPECTION)


@pytest.mark.parametrize("outcome", [Outcome.REVIEW, Outcome.NA])
@pytest.mark.parametrize("make", [opened, assigned, rectified])
def test_review_and_na_are_not_a_pass(make, outcome):
    assert inspect(make(), seen(outcome, round_id=2), AT) is None


@pytest.mark.parametrize("make", [rectified, lambda: inspect(opened(), seen(Outcome.PASS), AT)[0]])
def test_failing_again_reopens_with_the_same_id(make):
    before = make()
    problem, event = inspect(before, seen(Outcome.FAIL, round_id=3), AT)
    assert problem.status == REOPENED and problem.id == before.id and problem.closed_at is None
    assert (event.from_status, event.to_status) == (before.status, REOPENED)


def test_a_pass_verifies_a_reopened_problem():
    reopened = inspect(rectified(), seen(Outcome.FAIL, round_id=3), AT)[0]
    assert inspect(reopened, seen(Outcome.PASS, round_id=4), AT)[0].status == VERIFIED


def test_verified_and_passing_again_changes_nothing():
    verified = inspect(opened(), seen(Outcome.PASS), AT)[0]
    assert inspect(verified, seen(Outcome.PASS, round_id=3), AT) is None


def test_assign_gives_a_unit_and_a_deadline():
    problem, event = assign(opened(), "yuelu-jianshe", "2025-06-30", "official", AT, "请限期整改")
    assert (problem.status, problem.unit, problem.deadline) == (ASSIGNED, "yuelu-jianshe", "2025-06-30")
    assert (event.from_status, event.to_status, event.by, event.note) == (OPEN, ASSIGNED, "official", "请限期整改")
    assert problem.is_overdue(date(2025, 7, 1)) and not problem.is_overdue(date(2025, 6, 30))


def test_a_reopened_problem_can_be_assigned_again():
    reopened = inspect(rectified(), seen(Outcome.FAIL, round_id=3), AT)[0]
    assert assign(reopened, "other-unit", "2025-09-30", "official", AT)[0].unit == "other-unit"


@pytest.mark.parametrize("make", [rectified, lambda: inspect(opened(), seen(Outcome.PASS), AT)[0]])
def test_rectified_or_verified_cannot_be_assigned(make):
    with pytest.raises(LedgerError) as caught:
        assign(make(), "u", "2025-06-30", "official", AT)
    assert caught.value.key == "ledger.error.not-assignable"


@pytest.mark.parametrize("deadline", ["", "30/06/2025", "2025-6-30", "2025-02-30"])
def test_assign_refuses_a_bad_deadline(deadline):
    with pytest.raises(LedgerError) as caught:
        assign(opened(), "u", deadline, "official", AT)
    assert caught.value.key == "ledger.error.bad-deadline"


def test_rectify_records_note_and_photo():
    problem, event = rectify(assigned(), " 门已加宽 ", "ab" * 12 + ".jpg", "yuelu-jianshe", AT)
    assert (problem.status, problem.rectified_note, problem.rectified_photo) == (
        RECTIFIED,
        "门已加宽",
        "ab" * 12 + ".jpg",
    )
    assert (event.from_status, event.to_status, event.photo) == (ASSIGNED, RECTIFIED, "ab" * 12 + ".jpg")
    assert not problem.is_overdue(date(2030, 1, 1))  # the unit did its part: waiting for verification


@pytest.mark.parametrize(
    ("note", "photo", "key"), [("", "x.jpg", "ledger.error.no-note"), ("fixed", None, "ledger.error.no-photo")]
)
def test_a_facility_fix_needs_a_note_and_a_photo(note, photo, key):
    with pytest.raises(LedgerError) as caught:
        rectify(assigned(), note, photo, "u", AT)
    assert caught.value.key == key


def test_a_web_fix_needs_no_photo():
    page = inspect(None, Seen("page:https://www.hunan.gov.cn/", "image-alt", Outcome.FAIL, "2025-04-01"), AT)[0]
    page = assign(page, "webmaster", "2025-06-30", "official", AT)[0]
    assert rectify(page, "alt added", None, "webmaster", AT)[0].status == RECTIFIED


def test_an_unassigned_problem_cannot_be_rectified():
    with pytest.raises(LedgerError) as caught:
        rectify(opened(), "fixed", "x.jpg", "u", AT)
    assert caught.value.key == "ledger.error.not-rectifiable"


def test_review_accepts_a_fix_as_verified():
    problem, event = review(rectified(), True, "yuelu", AT, "现场复核合格")
    assert problem.status == VERIFIED and problem.closed_at == AT
    assert (event.from_status, event.to_status, event.by) == (RECTIFIED, VERIFIED, "yuelu")


def test_review_rejects_a_fix_as_reopened_with_a_reason():
    with pytest.raises(LedgerError):
        review(rectified(), False, "yuelu", AT, "")
    problem, event = review(rectified(), False, "yuelu", AT, "门宽仍为 750 mm")
    assert problem.status == REOPENED and problem.unit == "yuelu-jianshe"
    assert (event.from_status, event.to_status) == (RECTIFIED, REOPENED)


@pytest.mark.parametrize("make", [opened, assigned])
def test_only_a_rectified_problem_is_reviewed(make):
    with pytest.raises(LedgerError) as caught:
        review(make(), True, "yuelu", AT)
    assert caught.value.key == "ledger.error.not-rectified"


def _history(*steps):
    """Run inspections (round, outcome) and people's steps through the model; the problem and its events."""
    problem, events = None, []
    for step in steps:
        if callable(step):
            problem, event = step(problem)
        else:
            round_id, outcome = step
            problem, event = inspect(problem, seen(outcome, round_id=round_id), f"2025-0{round_id}-01T00:00:00+00:00")
        events += [event] if event else []
    return problem, events


def test_undoing_the_inspection_that_opened_a_problem_deletes_it():
    problem, events = _history((1, Outcome.FAIL))
    assert undo_round(problem, events, 1, "admin", AT, {})[0] == "delete"


def test_undoing_a_verifying_inspection_returns_the_problem_to_its_state_before():
    problem, events = _history((1, Outcome.FAIL), (2, Outcome.PASS))
    what, reverted, event = undo_round(problem, events, 2, "admin", AT, {"withdrawn_upload": 7})
    assert what == "revert" and (reverted.status, reverted.closed_at, reverted.last_round) == (OPEN, None, 1)
    assert (event.from_status, event.to_status, event.by, event.detail) == (
        VERIFIED,
        OPEN,
        "admin",
        {"withdrawn_upload": 7},
    )


def test_undoing_a_reopening_inspection_closes_the_problem_again_as_it_was():
    problem, events = _history((1, Outcome.FAIL), (2, Outcome.PASS), (3, Outcome.FAIL))
    what, reverted, _ = undo_round(problem, events, 3, "admin", AT, {})
    assert what == "revert" and reverted.status == VERIFIED and reverted.closed_at == events[1].at


def test_an_undo_leaves_alone_what_people_or_later_rounds_did_since_and_rounds_that_did_nothing():
    assign_it = lambda p: assign(p, "unit", "2025-06-30", "official", AT)
    problem, events = _history((1, Outcome.FAIL), assign_it)
    assert undo_round(problem, events, 1, "admin", AT, {})[0] == "keep"
    problem, events = _history((1, Outcome.FAIL), (2, Outcome.PASS), (3, Outcome.FAIL))
    assert undo_round(problem, events, 2, "admin", AT, {})[0] == "keep"
    problem, events = _history((1, Outcome.FAIL), (2, Outcome.FAIL))
    assert undo_round(problem, events, 2, "admin", AT, {})[0] == "keep"
