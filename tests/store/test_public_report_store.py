"""Public reports in the store, on both backends: added, read by reference and area, and moved on only from the
states the caller expects (two officials deciding at once: one wins, the other learns it lost)."""

from __future__ import annotations

import pytest

from audit.store.public_sql import PublicReport


def report(ref: str, area: str, at: str = "2025-05-01T08:00:00+00:00") -> PublicReport:
    return PublicReport(
        ref=ref,
        created_at=at,
        updated_at=at,
        state="received",
        checklist="curb-ramps",
        description="坡道被石墩挡住",
        lon=112.94,
        lat=28.19,
        area_code=area,
        place="岳麓大道",
    )


def test_reports_by_reference_area_and_state(any_store):
    any_store.add_public_report(report("R-AAAAAAAA", "430104"))
    any_store.add_public_report(report("R-BBBBBBBB", "430304", at="2025-05-02T08:00:00+00:00"))
    assert any_store.public_report("R-AAAAAAAA") == report("R-AAAAAAAA", "430104")
    assert any_store.public_report("R-CCCCCCCC") is None
    assert [r.ref for r in any_store.public_reports()] == ["R-BBBBBBBB", "R-AAAAAAAA"]  # newest first
    assert [r.ref for r in any_store.public_reports(area="430100")] == ["R-AAAAAAAA"]  # a city holds its counties
    assert [r.ref for r in any_store.public_reports(area="430000", states=["received"])] == ["R-BBBBBBBB", "R-AAAAAAAA"]
    assert any_store.public_reports(states=["accepted"]) == [] and any_store.public_reports(states=[]) == []


def test_a_report_moves_only_from_the_expected_states(any_store):
    any_store.add_public_report(report("R-AAAAAAAA", "430104"))
    decided = {"state": "rejected", "reason": "已在整改", "decided_by": "a", "decided_at": "2025-05-03"}
    assert any_store.move_public_report("R-AAAAAAAA", ("received", "under-review"), decided)
    assert not any_store.move_public_report("R-AAAAAAAA", ("received", "under-review"), {"state": "accepted"})
    stored = any_store.public_report("R-AAAAAAAA")
    assert stored.state == "rejected" and stored.reason == "已在整改" and stored.decided_by == "a"
    with pytest.raises(ValueError):
        any_store.move_public_report("R-AAAAAAAA", ("rejected",), {"ref": "R-ZZZZZZZZ"})
