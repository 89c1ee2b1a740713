"""An unrecorded hole between two rows of one sidewalk (same road and side) is a recorded gap on both, never a pass."""

from __future__ import annotations

import math

import pytest

from audit.facility.continuity import find_holes
from audit.facility.evaluate import findings_of
from audit.model import Outcome
from tests.facility.conftest import csv_bytes

HEADER = ["编号", "道路名称", "道路侧别", "路段走向", "坐标系", "设有行进盲道", "盲道缺口（里程或坐标）"]
LAT = 28.19
M_PER_DEG = 111_320 * math.cos(math.radians(LAT))  # metres per degree of longitude in Changsha (close enough)


def east(start_lon: float, metres: float) -> float:
    return round(start_lon + metres / M_PER_DEG, 7)


def segment(sid: str, lon0: float, lon1: float, side: str = "北侧", road: str = "五一大道") -> list[str]:
    return [sid, road, side, f"{lon0} {LAT}, {lon1} {LAT}", "wgs84", "是", "0"]


A_END = east(112.98, 110)


def _continuity(result, catalog, sid):
    row = next(r for r in result.rows if r.submission_id == sid)
    checklist = catalog.checklists["tactile-paving"]
    return next(f for f in findings_of(row, checklist, catalog) if f.check_id == "tactile-continuity")


def test_a_30_m_hole_between_two_rows_of_one_sidewalk_fails_continuity_on_both(read, catalog):
    b_start = east(A_END, 30)
    rows = [HEADER, segment("S1", 112.98, A_END), segment("S2", b_start, east(b_start, 120))]
    result = read(csv_bytes(rows), "sidewalk.csv", checklist_id="tactile-paving")
    assert not result.errors and len(result.rows) == 2  # the inspector's data is valid: a warning, not a refusal
    (warning,) = [p for p in result.warnings if p.key == "facility.continuity.hole"]
    assert warning.row == 2 and warning.params["row"] == 3 and warning.params["id"] == "S2"
    assert warning.params["distance"] == pytest.approx(30, abs=0.5)
    en = warning.text(catalog.messages, "en")
    assert "row 3 (S2)" in en and "30" in en and "S1" in en
    assert "第 3 行（编号 S2）" in warning.text(catalog.messages, "zh")
    for sid, other in (("S1", "S2"), ("S2", "S1")):
        finding = _continuity(result, catalog, sid)
        assert finding.outcome is Outcome.FAIL, sid
        (hole,) = [e for e in finding.evidence if "length_m" in e]
        ends = sorted(round(lon, 6) for lon, _ in hole["geometry"]["coordinates"])
        assert hole["geometry"]["type"] == "LineString" and ends == [round(A_END, 6), round(b_start, 6)]
        assert hole["length_m"] == pytest.approx(30, abs=0.5) and other in hole["text"]
    assert _continuity(result, catalog, "S1").evidence[-1]["position_m"] > 100  # at S1's far end
    assert _continuity(result, catalog, "S2").evidence[-1]["position_m"] == 0  # at S2's start


def test_two_rows_that_touch_leave_no_hole(read, catalog):
    rows = [HEADER, segment("S1", 112.98, A_END), segment("S2", A_END, east(A_END, 120))]
    result = read(csv_bytes(rows), "sidewalk.csv", checklist_id="tactile-paving")
    assert not result.errors and not [p for p in result.warnings if p.key == "facility.continuity.hole"]
    assert {_continuity(result, catalog, s).outcome for s in ("S1", "S2")} == {Outcome.PASS}


def test_rows_on_the_other_side_or_without_a_side_are_not_one_sidewalk(read, catalog):
    b_start = east(A_END, 30)
    rows = [
        HEADER,
        segment("S1", 112.98, A_END),
        segment("S2", b_start, east(b_start, 120), side="南侧"),
        segment("S3", b_start, east(b_start, 120), side=""),
    ]
    result = read(csv_bytes(rows), "sidewalk.csv", checklist_id="tactile-paving")
    assert not [p for p in result.warnings if p.key == "facility.continuity.hole"]
    assert _continuity(result, catalog, "S1").outcome is Outcome.PASS


def test_a_chain_with_one_hole_reports_that_hole_only():
    a = [[112.98, LAT], [A_END, LAT]]
    b = [[A_END, LAT], [east(A_END, 60), LAT]]  # touches A
    c = [[east(A_END, 90), LAT], [east(A_END, 150), LAT]]  # 30 m after B, 90 m after A's end
    (hole,) = find_holes([a, b, c], join_m=2, max_gap_m=100)
    assert {hole.first.row, hole.second.row} == {1, 2} and hole.distance_m == pytest.approx(30, abs=0.5)
    assert find_holes([a, c], join_m=2, max_gap_m=50) == []  # 90 m: beyond the rule's reach, two sidewalks
