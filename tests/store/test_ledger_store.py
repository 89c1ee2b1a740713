"""The ledger's tables on both backends: a problem's state round-trips, events keep the history in order,
and the filters (area, states, unit, subjects, paging) select what they say."""

from __future__ import annotations

import pytest

from audit.model import Outcome
from audit.model.problems import ASSIGNED, OPEN, REOPENED, Seen, assign, inspect, rectify

AT = "2025-05-01T08:00:00+00:00"


def _open(key: str, area: str, check: str = "toilet-door-width", on: str = "2025-04-01"):
    seen = Seen(key, check, Outcome.FAIL, on, None, "serious", area, "公厕", {"value": 700, "text": "700"}, "≥800")
    return inspect(None, seen, AT)


def test_problems_and_their_history_round_trip(any_store):
    problem, event = _open("facility:t:430104:T1", "430104")
    any_store.put_problems([(problem, event)])
    assert any_store.problem(problem.id) == problem
    moved, moved_event = assign(problem, "yuelu-jianshe", "2025-06-30", "official", AT, "限期")
    fixed, fixed_event = rectify(moved, "加宽", "a" * 24 + ".jpg", "yuelu-jianshe", "2025-06-01T00:00:00+00:00")
    any_store.put_problems([(moved, moved_event)])
    any_store.put_problems([(fixed, fixed_event)])
    assert any_store.problem(problem.id) == fixed
    history = any_store.problem_events(problem.id)
    assert [(e.from_status, e.to_status, e.by) for e in history] == [
        (None, OPEN, "inspection"),
        (OPEN, ASSIGNED, "official"),
        (ASSIGNED, "rectified", "yuelu-jianshe"),
    ]
    assert history[1].detail == {"unit": "yuelu-jianshe", "deadline": "2025-06-30"}
    assert history[2].photo == "a" * 24 + ".jpg"
    assert [e.to_status for e in any_store.problem_events(since="2025-05-15", to_status="rectified")] == ["rectified"]
    assert any_store.problem("NOSUCHPROBLEM") is None


def test_filters_select_by_area_state_unit_and_subject(any_store):
    yuelu, yuelu_event = _open("facility:t:430104:T1", "430104", on="2025-03-01")
    xiangtan, _ = _open("facility:t:430302:T9", "430302")
    other_check, other_event = _open("facility:t:430104:T1", "430104", "toilet-room-area", on="2025-04-02")
    given, given_event = assign(xiangtan, "xt-unit", "2025-06-30", "official", AT)
    any_store.put_problems([(yuelu, yuelu_event), (given, given_event), (other_check, other_event)])
    assert [p.id for p in any_store.problems()] == [yuelu.id, given.id, other_check.id]  # oldest first
    assert {p.id for p in any_store.problems(area="430100")} == {yuelu.id, other_check.id}
    assert {p.id for p in any_store.problems(area="430000")} == {yuelu.id, given.id, other_check.id}
    assert [p.id for p in any_store.problems(statuses=[ASSIGNED])] == [given.id]
    assert any_store.problems(statuses=[]) == []
    assert any_store.problems(statuses=[REOPENED]) == []
    assert [p.id for p in any_store.problems(unit="xt-unit")] == [given.id]
    assert {p.check_id for p in any_store.problems(subject_keys=["facility:t:430104:T1"])} == {
        "toilet-door-width",
        "toilet-room-area",
    }
    assert [p.id for p in any_store.problems(limit=1, offset=1)] == [given.id]


def test_a_write_is_all_or_nothing(any_store):
    problem, event = _open("facility:t:430104:T1", "430104")
    broken = event.__class__(**{**event.__dict__, "problem_id": "NOT-A-PROBLEM"})  # its problem does not exist
    with pytest.raises(Exception, match="(?i)foreign key"):  # each backend's own error class, one meaning
        any_store.put_problems([(problem, broken)])
    assert any_store.problem(problem.id) is None


def test_deleting_problems_removes_them_and_their_history_only(any_store):
    gone, kept = _open("facility:t:430104:T1", "430104"), _open("facility:t:430104:T2", "430104")
    any_store.put_problems([gone, kept])
    assert any_store.delete_problems([gone[0].id, gone[0].id, "NOSUCHPROBLEM"]) == 2
    assert any_store.problem(gone[0].id) is None and any_store.problem_events(gone[0].id) == []
    assert any_store.problem(kept[0].id) == kept[0] and len(any_store.problem_events(kept[0].id)) == 1
    assert any_store.delete_problems([]) == 0


def test_problem_pairs_name_each_subjects_problems_but_the_excluded_states(any_store):
    door, door_event = _open("facility:t:430104:T1", "430104")
    area, area_event = _open("facility:t:430104:T1", "430104", "toilet-room-area")
    given, given_event = assign(*_open("facility:t:430302:T9", "430302")[:1], "xt-unit", "2025-06-30", "official", AT)
    any_store.put_problems([(door, door_event), (area, area_event), (given, given_event)])
    keys = ["facility:t:430104:T1", "facility:t:430302:T9", "facility:t:430302:none"]
    assert any_store.problem_pairs(keys) == {
        ("facility:t:430104:T1", "toilet-door-width"),
        ("facility:t:430104:T1", "toilet-room-area"),
        ("facility:t:430302:T9", "toilet-door-width"),
    }
    assert any_store.problem_pairs(keys, excluding=[ASSIGNED]) == {
        ("facility:t:430104:T1", "toilet-door-width"),
        ("facility:t:430104:T1", "toilet-room-area"),
    }
    assert any_store.problem_pairs([]) == set()
