"""Findings: thresholds, when-conditions give n/a, missing answers give review, marks placed on the line."""

import pytest

from audit.facility.evaluate import evaluate_all
from audit.model import Outcome
from tests.facility.conftest import csv_bytes


def findings(read, catalog, header, row, checklist):
    result = read(csv_bytes([header, row]), "x.csv", checklist_id=checklist)
    assert not result.errors, [p.key for p in result.errors]
    [(subject, found)] = list(evaluate_all(result.rows, catalog))
    return subject, {f.check_id: f for f in found}


RAMP_HEADER = ["编号", "经度", "纬度", "坐标系", "坡道坡度", "高差不大于150mm且场地受限", "坡道净宽", "两侧设扶手"]


@pytest.mark.parametrize(
    "slope, outcome",
    [
        ("1:12", Outcome.PASS),
        ("8.3%", Outcome.PASS),
        ("4.8°", Outcome.PASS),
        ("4.9°", Outcome.FAIL),
        ("9%", Outcome.FAIL),
        ("1:10", Outcome.FAIL),
    ],
)
def test_slope_threshold_in_any_notation(read, catalog, slope, outcome):
    _, found = findings(
        read, catalog, RAMP_HEADER, ["W1", "112.977", "28.196", "wgs84", slope, "否", "1.5", "是"], "wheelchair-ramps"
    )
    assert found["ramp-slope"].outcome is outcome
    assert found["ramp-slope-short"].outcome is Outcome.NA  # its when-condition does not hold
    assert found["ramp-slope"].required["text"] == "≤1:12"


def test_missing_answer_is_review_and_unknown_is_review_and_na_is_na(read, catalog):
    subject, found = findings(
        read,
        catalog,
        RAMP_HEADER,
        ["W1", "112.977", "28.196", "wgs84", "1:14", "否", "不确定", "不适用"],
        "wheelchair-ramps",
    )
    assert found["ramp-width"].outcome is Outcome.REVIEW and "不确定" in found["ramp-width"].note
    assert found["ramp-handrails"].outcome is Outcome.NA
    assert found["ramp-landing"].outcome is Outcome.REVIEW and "not answered" in found["ramp-landing"].note
    assert subject.area_code == "430102" and subject.kind == "ramp" and subject.category.value == "buildings"
    assert subject.key == "facility:wheelchair-ramps:430102:W1"


def test_units_convert_before_comparing(read, catalog):
    header = ["编号", "经度", "纬度", "坐标系", "无障碍设施形式", "入口门净宽", "无障碍厕所面积"]
    _, found = findings(
        read, catalog, header, ["T1", "112.977", "28.196", "wgs84", "toilet-room", "0.79m", "4㎡"], "accessible-toilets"
    )
    assert found["toilet-door-width"].outcome is Outcome.FAIL
    assert found["toilet-door-width"].measured["value"] == 790
    assert found["toilet-room-area"].outcome is Outcome.PASS
    assert found["toilet-stall-depth"].outcome is Outcome.NA


def test_unverified_thresholds_are_marked(read, catalog):
    header = ["编号", "经度", "纬度", "坐标系", "无障碍设施形式", "设救助呼叫装置", "呼叫按钮高度"]
    _, found = findings(
        read, catalog, header, ["T1", "112.977", "28.196", "wgs84", "stall", "是", "600"], "accessible-toilets"
    )
    assert found["toilet-call-height"].outcome is Outcome.FAIL
    assert found["toilet-call-height"].required["verified"] is False


def test_parking_share_is_derived_from_the_counts(read, catalog):
    header = ["编号", "经度", "纬度", "坐标系", "停车位总数", "无障碍停车位数"]
    _, big = findings(read, catalog, header, ["P1", "112.977", "28.196", "wgs84", "300", "2"], "parking")
    assert big["parking-bays-share"].outcome is Outcome.FAIL
    _, small = findings(read, catalog, header, ["P2", "112.977", "28.196", "wgs84", "80", "1"], "parking")
    assert small["parking-bays-share"].outcome is Outcome.NA and small["parking-bays-provided"].outcome is Outcome.PASS


def test_gaps_and_obstructions_are_placed_on_the_segment(read, catalog):
    header = [
        "编号",
        "路段走向",
        "坐标系",
        "设有行进盲道",
        "盲道缺口（里程或坐标）",
        "盲道上的障碍物",
        "无缘石坡道的路口",
    ]
    line = "LINESTRING (112.9580 28.1965, 112.9760 28.1962)"
    subject, found = findings(
        read,
        catalog,
        header,
        ["R1", line, "wgs84", "是", "120-135; 410 8m", "112.9632 28.19645 1m 电线杆", "0"],
        "tactile-paving",
    )
    assert subject.geometry["type"] == "LineString"
    gaps = found["tactile-continuity"]
    assert gaps.outcome is Outcome.FAIL and gaps.failed == 2 and gaps.measured["length_m"] == 23
    first = gaps.evidence[1]
    assert first["position_m"] == 120 and first["length_m"] == 15 and first["geometry"]["type"] == "LineString"
    obstruction = found["tactile-no-obstruction"].evidence[1]
    assert obstruction["position_m"] == pytest.approx(510, abs=5) and obstruction["offset_m"] < 10
    assert obstruction["note"] == "电线杆"
    assert found["tactile-crossing-ramps"].outcome is Outcome.PASS


TACTILE_HEADER = [
    "编号",
    "路段走向",
    "坐标系",
    "设有行进盲道",
    "盲道缺口（里程或坐标）",
    "盲道上的障碍物",
    "无缘石坡道的路口",
]
TACTILE_HEADER += [
    "行进盲道宽度",
    "盲道颜色与周边铺装对比明显",
    "起点、终点和转弯处设提示盲道",
    "盲道上方净空",
    "人行道通行净宽",
]
TACTILE_HEADER += ["井盖、箅子孔洞宽度"]
TACTILE_REST = ["300", "是", "是", "2.2", "1.5", "10"]  # every other check answered and passing
LINE_1765_M = "LINESTRING (112.9580 28.1965, 112.9760 28.1962)"


def test_ten_gaps_on_a_segment_score_worse_than_one(read, catalog):
    from audit.model import score_subject

    def gaps(text):
        row = ["R1", LINE_1765_M, "wgs84", "是", text, "0", "0", *TACTILE_REST]
        _, found = findings(read, catalog, TACTILE_HEADER, row, "tactile-paving")
        return found

    one = gaps("120-125")
    ten = gaps("; ".join(f"{50 + 100 * i}-{52 + 100 * i}" for i in range(10)))
    # 100 m stretches along ~1765 m: 18 instances; each stretch a gap touches is one failed instance
    assert (one["tactile-continuity"].passed, one["tactile-continuity"].failed) == (17, 1)
    assert (ten["tactile-continuity"].passed, ten["tactile-continuity"].failed) == (8, 10)
    assert ten["tactile-continuity"].measured["stretches"] == {"intact": 8, "broken": 10}
    score_one = score_subject("k", list(one.values()), catalog.checks, catalog.policy)
    score_ten = score_subject("k", list(ten.values()), catalog.checks, catalog.policy)
    assert all(f.outcome is not Outcome.REVIEW for f in one.values())
    assert score_ten.score < score_one.score


def test_two_gaps_in_one_stretch_break_it_once_and_a_gap_across_a_boundary_breaks_two(read, catalog):
    row = ["R1", LINE_1765_M, "wgs84", "是", "110-112; 150-152; 290-310", "0", "0", *TACTILE_REST]
    _, found = findings(read, catalog, TACTILE_HEADER, row, "tactile-paving")
    assert (found["tactile-continuity"].passed, found["tactile-continuity"].failed) == (15, 3)


def test_two_catalogs_with_the_same_check_id_and_other_thresholds_never_share_an_evaluator(read, catalog, tmp_path):
    """A checklist edited to 1:10 and the shipped one at 1:12, evaluated in turn in one process: each
    catalog's own threshold decides the outcome and is the one reported as required."""
    import shutil

    from audit.catalog import default_root, load_catalog

    shutil.copytree(default_root(), tmp_path / "checklists")
    ramps = tmp_path / "checklists" / "facility" / "wheelchair-ramps.yaml"
    shipped = 'answer: {field: slope, max: "1:12", when: {field: constrained_short, equals: "no"}}'
    assert shipped in ramps.read_text(encoding="utf-8")
    ramps.write_text(ramps.read_text(encoding="utf-8").replace(shipped, shipped.replace("1:12", "1:10")), "utf-8")
    edited = load_catalog(tmp_path / "checklists")
    row = ["W1", "112.977", "28.196", "wgs84", "1:11", "否", "1.5", "是"]
    for _ in range(2):  # either order, repeatedly: nothing of one catalog's run leaks into the other's
        for own, outcome, text in ((catalog, Outcome.FAIL, "≤1:12"), (edited, Outcome.PASS, "≤1:10")):
            _, found = findings(read, own, RAMP_HEADER, row, "wheelchair-ramps")
            assert (found["ramp-slope"].outcome, found["ramp-slope"].required["text"]) == (outcome, text)
