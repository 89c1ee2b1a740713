"""A toilet with 1 of 15 checks answered, through ingest, report and map: 待补充, never 100 / A / compliant."""

from __future__ import annotations

import csv
import html as html_lib
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from audit.catalog import load_catalog
from audit.cli import cli
from audit.runs import current_scores
from audit.store import open_store

HEADER = ["编号", "设施名称", "检查人", "检查日期", "经度", "纬度", "坐标系", "无障碍设施形式", "入口门净宽"]
FULL = ["无障碍厕所面积", "轮椅回转直径", "门的开启方式", "坐便器两侧设安全抓杆", "设救助呼叫装置", "呼叫按钮高度"]
FULL += ["坐便器高度", "设无障碍洗手盆", "地面防滑、无积水", "门锁可从外部应急开启", "通往厕所的路线无障碍"]
THIN = [
    "CS-T90",
    "芙蓉区某公厕（只填一项）",
    "周敏",
    "2025-05-20",
    "112.982558",
    "28.192581",
    "gcj02",
    "独立无障碍厕所",
    "",
]
GOOD = [
    "CS-T91",
    "五一广场公共厕所",
    "周敏",
    "2025-05-20",
    "112.982600",
    "28.192600",
    "gcj02",
    "独立无障碍厕所",
    "90cm",
]
GOOD_REST = ["4.5", "1.5", "推拉", "是", "是", "450", "450", "是", "是", "是", "是"]


def _write(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER + FULL)
        writer.writerow(THIN + [""] * len(FULL))
        writer.writerow(GOOD + GOOD_REST)
    return path


def test_a_toilet_with_one_answer_is_insufficient_in_the_report_and_the_map(tmp_path):
    db = str(tmp_path / "a.db")
    runner = CliRunner()
    ingested = runner.invoke(cli, ["--db", db, "facility", "ingest", str(_write(tmp_path / "toilets.csv"))])
    assert ingested.exit_code == 0, ingested.output

    catalog = load_catalog()
    store = open_store(db)
    round_id = store.latest_round("facility").id
    scores = {s.subject_key.split(":")[-1]: s for s in current_scores(store, catalog, round_id)}
    thin = next(s for k, s in scores.items() if k.endswith("CS-T90"))
    good = next(s for k, s in scores.items() if k.endswith("CS-T91"))
    assert sum(thin.counts.values()) == 15 and thin.counts["pass"] + thin.counts["fail"] == 1
    assert (thin.state, thin.score, thin.grade, thin.compliant) == ("insufficient", None, None, False)
    assert "toilet-room-door" in thin.unanswered_vetoes
    assert (good.state, good.grade, good.compliant) == ("graded", "A", True)

    out = tmp_path / "report.html"
    reported = runner.invoke(cli, ["--db", db, "report", "--format", "html,xlsx", "--out", str(out)])
    assert reported.exit_code == 0, reported.output
    page = html_lib.unescape(out.read_text(encoding="utf-8"))
    reinspect = page[page.index('id="reinspection"') :]
    assert "待补充 1 个" in reinspect and "芙蓉区某公厕（只填一项）" in reinspect
    assert "否决项未填写" in reinspect
    assert "五一广场公共厕所" not in reinspect  # the graded toilet is not listed for re-inspection
    book = load_workbook(tmp_path / "report.xlsx")
    categories = list(book["分类情况"].iter_rows(values_only=True))
    header, rows = categories[0], {r[0]: r for r in categories[1:]}
    toilets = dict(zip(header, rows["无障碍厕所"] if "无障碍厕所" in rows else rows[next(iter(rows))]))
    assert (toilets["评估对象数"], toilets["已评分"], toilets["待补充"]) == (2, 1, 1)
    assert toilets["达标率"] == 0.5  # 1 compliant of 2: the insufficient toilet counts against the rate
    assert toilets["平均分"] == 100.0  # the mean is over the graded toilet only
    assert [r[0] for r in book["待补充清单"].iter_rows(values_only=True)][1:] == ["芙蓉区某公厕（只填一项）"]

    map_out = tmp_path / "map.html"
    drawn = runner.invoke(cli, ["--db", db, "map", "--out", str(map_out), "--tiles", "none"])
    assert drawn.exit_code == 0, drawn.output
    map_page = map_out.read_text(encoding="utf-8")
    # the legend entry and the table value of the insufficient toilet (with its own dashed-ring "?" symbol)
    assert map_page.count("待补充：数据不足，未评级，列入复查") >= 2
