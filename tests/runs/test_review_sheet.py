"""The queue as a workbook and back: exported with formulas neutralised, filled offline, imported as the
evaluator's verdicts; a bad row refuses the whole file naming file, row and field in Chinese and English.
And a facility's blank or uncertain answer reaches the same queue, keyed to the answer it gave."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from audit.facility.ingest import IngestOptions, read_submission
from audit.model import Outcome
from audit.model.review import CARRIED, PENDING, STALE
from audit.runs import current_scores
from audit.runs.facility import ingest
from audit.runs.review import FACILITY, Decision, build_queue, decide
from audit.runs.review_sheet import SheetError, export_queue, import_verdicts
from tests.facility.conftest import TOILET_HEADER, csv_bytes, toilet_row
from tests.runs.review_rounds import HOME, web_round


def _sheet(path):
    book = load_workbook(path)
    return book, book.active, next(book.active.iter_rows(values_only=True))


def _row_of(sheet, header, check_id: str, page: str = HOME) -> int:
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if row[header.index("检查项编号")] == check_id and row[header.index("网址或位置")] == page[5:]:
            return number
    raise AssertionError(check_id)


def _save(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_export_fill_import_round_trip(store, catalog, tmp_path):
    round_id = web_round(store, catalog, home_title='=HYPERLINK("http://evil","点我")')
    path = tmp_path / "queue.xlsx"
    count = export_queue(store, catalog, round_id, path, "zh")
    assert count == len(build_queue(store, catalog, round_id)) > 50
    book, sheet, header = _sheet(path)
    titles = [c.value for c in sheet["C"]][1:]
    assert all(not str(t).startswith("=") for t in titles) and "'=HYPERLINK" in str(titles)
    assert all(c.data_type == "s" for c in sheet["C"][1:])
    verdict, note = header.index("判定") + 1, header.index("说明") + 1
    contrast = _row_of(sheet, header, "axe-color-contrast")
    sheet.cell(contrast, verdict, "不通过")
    sheet.cell(contrast, note, "灰字渐变背景，约 2.5:1")
    sheet.cell(_row_of(sheet, header, "manual-wcag-1.3.2"), verdict, "pass")
    assert import_verdicts(store, catalog, round_id, _save(book), "queue.xlsx", "wang") == 2
    decided = {v.check_id: v for v in store.verdicts(round_id)}
    assert decided["axe-color-contrast"].outcome is Outcome.FAIL and decided["axe-color-contrast"].author == "wang"
    score = next(s for s in current_scores(store, catalog, round_id) if s.subject_key == HOME)
    assert "axe-color-contrast" in score.failed_checks
    # exported again, the decided rows carry their verdicts; importing the file unchanged records nothing new
    export_queue(store, catalog, round_id, path, "en")
    again = path.read_bytes()
    assert import_verdicts(store, catalog, round_id, again, "queue.xlsx", "zhao") == 0
    assert {v.author for v in store.verdicts(round_id)} == {"wang"}


def test_bad_rows_refuse_the_whole_file_naming_file_row_and_field(store, catalog, tmp_path):
    round_id = web_round(store, catalog)
    path = tmp_path / "queue.xlsx"
    export_queue(store, catalog, round_id, path, "zh")
    book, sheet, header = _sheet(path)
    verdict, item, round_col = header.index("判定") + 1, header.index("项目编号") + 1, header.index("轮次") + 1
    sheet.cell(2, verdict, "pass")  # a good row: still nothing is written
    sheet.cell(3, verdict, "maybe")
    sheet.cell(4, item, "0123456789abcdef0123")
    sheet.cell(4, verdict, "fail")
    sheet.cell(5, round_col, round_id + 7)
    sheet.cell(5, verdict, "n/a")
    sheet.cell(6, item, sheet.cell(2, item).value)
    sheet.cell(6, verdict, "fail")
    with pytest.raises(SheetError) as refused:
        import_verdicts(store, catalog, round_id, _save(book), "评审表.xlsx", "wang")
    problems = {(p.row, p.field) for p in refused.value.problems}
    assert problems == {(3, "verdict"), (4, "item"), (5, "round"), (6, "item")}
    messages = refused.value.messages(catalog)
    assert any(
        "文件 评审表.xlsx 第 3 行“判定”列" in m and "file 评审表.xlsx, row 3, field Verdict" in m for m in messages
    )
    assert store.verdicts(round_id) == []
    with pytest.raises(SheetError) as not_xlsx:
        import_verdicts(store, catalog, round_id, b"PK\x03\x04 not really", "x.xlsx", "wang")
    assert not_xlsx.value.key == "review.import.bad-file" and "x.xlsx" in not_xlsx.value.messages(catalog)[0]


def _inspect(store, catalog, label: str, door: str) -> int:
    rows = [TOILET_HEADER, toilet_row("T1", door=door)]
    result = read_submission(csv_bytes(rows), "toilets.csv", catalog, IngestOptions())
    assert not result.errors, result.problems
    return ingest(store, catalog, [result], label=label).round.id


def test_a_facility_answer_left_uncertain_is_queued_and_carried_while_the_answer_holds(store, catalog):
    first = _inspect(store, catalog, "2025q1", "不确定")
    queue = [i for i in build_queue(store, catalog, first) if i.check.id == "toilet-room-door"]
    assert len(queue) == 1 and queue[0].source == FACILITY and queue[0].state == PENDING
    decide(store, catalog, first, [Decision(queue[0].id, "pass", "现场照片为推拉门")], "inspector-li")
    second = _inspect(store, catalog, "2025q2", "不确定")
    carried = next(i for i in build_queue(store, catalog, second) if i.check.id == "toilet-room-door")
    assert carried.state == CARRIED and carried.verdict.carried_from == first
    third = _inspect(store, catalog, "2025q3", "")
    stale = next(i for i in build_queue(store, catalog, third) if i.check.id == "toilet-room-door")
    assert stale.state == STALE
