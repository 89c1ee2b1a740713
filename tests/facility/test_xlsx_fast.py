"""XLSX read with calamine when no cell holds a formula: the same submissions as the same rows in a CSV file;
a file with a formula is still read with openpyxl, the formula reported. A re-upload into the same campaign
leaves one row per facility in every per-round table."""

from __future__ import annotations

import io
from dataclasses import asdict
from datetime import date

import openpyxl
import pytest

from audit.facility import readers
from audit.facility.ingest import IngestOptions, read_submission
from audit.facility.readers import has_formulas
from audit.runs.facility import ingest
from tests.facility.conftest import csv_bytes

HEADER = [
    "编号",
    "设施名称",
    "检查人",
    "检查日期",
    "经度",
    "纬度",
    "坐标系",
    "无障碍设施形式",
    "无障碍厕所面积",
    "轮椅回转直径",
    "门的开启方式",
    "入口门净宽",
    "坐便器两侧设安全抓杆",
    "呼叫按钮高度",
    "坐便器高度",
    "备注",
]
ROWS = [
    [
        "T1",
        "五一广场公厕",
        "周敏",
        "2025-05-20",
        "112.982558",
        "28.192581",
        "GCJ-02",
        "独立无障碍厕所",
        "4.5㎡",
        "1.5",
        "推拉",
        "90cm",
        "是",
        "450",
        "0.45m",
        "",
    ],
    [
        "T2",
        "橘子洲公厕",
        "刘洋",
        "2025/5/21",
        "112.964498",
        "28.169535",
        "gcj02",
        "男女厕内无障碍厕位",
        "6",
        "150cm",
        "外开门",
        "700",
        "否",
        "45cm",
        "450",
        "门口有台阶",
    ],
    [
        "T3",
        "图书馆公厕",
        "王芳",
        "2025年5月22日",
        "112.9441",
        "28.2269",
        "火星坐标",
        "独立无障碍厕所",
        "3",
        "1500mm",
        "内开",
        "1000",
        "yes",
        "1100",
        "350",
        "",
    ],
]


def _typed(cell: str) -> object:
    """As a spreadsheet keeps what is typed: numbers as numbers, a date as a date, the rest as text."""
    if cell == "2025-05-20":
        return date(2025, 5, 20)
    try:
        number = float(cell)
    except ValueError:
        return cell
    value = int(number) if number.is_integer() else number
    return value if str(value) == cell else cell


def _xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _submissions(result) -> list[dict]:
    assert not result.errors, result.problems
    return [{k: v for k, v in asdict(s).items() if k != "source"} for s in result.rows]


def test_the_same_rows_as_csv_and_xlsx_give_the_same_submissions_through_calamine(catalog, monkeypatch):
    data = _xlsx([HEADER, *([_typed(c) for c in row] for row in ROWS)])
    assert not has_formulas(data)
    monkeypatch.setattr(readers, "_read_openpyxl", None)  # calamine must be the reader here
    from_xlsx = read_submission(data, "toilets.xlsx", catalog, IngestOptions())
    from_csv = read_submission(csv_bytes([HEADER, *ROWS]), "toilets.csv", catalog, IngestOptions())
    assert _submissions(from_xlsx) == _submissions(from_csv)
    assert [s.raw["入口门净宽"] for s in from_xlsx.rows] == ["90cm", "700", "1000"]
    assert from_xlsx.rows[0].inspected_on == "2025-05-20"


def test_a_formula_cell_sends_the_file_to_openpyxl_and_is_reported(catalog):
    row = [_typed(c) for c in ROWS[0]]
    row[HEADER.index("入口门净宽")] = '=HYPERLINK("http://evil","x")'
    data = _xlsx([HEADER, row])
    assert has_formulas(data)
    result = read_submission(data, "toilets.xlsx", catalog, IngestOptions())
    assert [p.key for p in result.problems if p.is_error] == ["facility.value.formula"]


def test_formula_scan_looks_at_formula_elements_not_cell_text():
    assert has_formulas(_xlsx([["a"] * 300, *([f"=A{n}"] for n in range(1, 3))]))
    assert not has_formulas(_xlsx([["a", "<f>", "<x:f t='shared'>", "'=quoted'"]]))


@pytest.mark.parametrize("second", ["same", "changed"])
def test_a_re_upload_into_the_same_campaign_leaves_one_row_per_facility(store, catalog, second):
    first = read_submission(csv_bytes([HEADER, *ROWS]), "toilets.csv", catalog, IngestOptions())
    rows = ROWS if second == "same" else [[*r[:11], "900", *r[12:]] for r in ROWS]
    again = read_submission(csv_bytes([HEADER, *rows]), "toilets.csv", catalog, IngestOptions())
    one = ingest(store, catalog, [first], label="2025q2").round
    two = ingest(store, catalog, [again], label="2025q2").round
    assert one.id == two.id and len(store.rounds("facility")) == 1
    keys = sorted(s.key for s in first.rows)
    assert sorted(r.subject_key for r in store.submissions(one.id)) == keys
    assert sorted(s.key for s in store.snapshots(one.id)) == keys
    assert sorted(s.subject_key for s in store.scores(one.id)) == keys
    findings = list(store.findings(one.id))
    assert len(findings) == len({(f.subject_key, f.check_id) for f in findings}) == 15 * len(keys)
    doors = {f.subject_key[-2:]: f.outcome.value for f in findings if f.check_id == "toilet-door-width"}
    assert doors == ({"T1": "pass", "T2": "fail", "T3": "pass"} if second == "same" else dict.fromkeys(doors, "pass"))
