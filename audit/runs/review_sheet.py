"""The review queue as a workbook for evaluators who work offline, and their verdicts read back: every row checked
(file, row, field, what was expected, in Chinese and English) before any verdict is written."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from audit.catalog import Catalog
from audit.render.report.xlsx import neutralise
from audit.runs.review import Decision, QueueItem, build_queue, decide
from audit.store import Store

COLUMNS = ("item", "round", "subject", "url", "check", "title", "source", "state", "how", "evidence", "verdict", "note")
OUTCOMES = {
    "pass": "pass",
    "通过": "pass",
    "fail": "fail",
    "不通过": "fail",
    "n/a": "n/a",
    "na": "n/a",
    "不适用": "n/a",
}
NOTE_MAX = 2000
MAX_ROWS = 20000
WIDTHS = {"subject": 30, "url": 40, "title": 36, "how": 50, "evidence": 50, "note": 40}


@dataclass(frozen=True)
class RowProblem:
    file: str
    row: int
    field: str
    value: str
    expected: str  # a message key under review.import.expected.*


class SheetError(ValueError):
    """The workbook was refused: `problems` name file, row and field; `message(catalog, lang)` words them."""

    def __init__(self, key: str, problems: Iterable[RowProblem] = (), **values: object):
        super().__init__(key)
        self.key, self.problems, self.values = key, list(problems), values

    def messages(self, catalog: Catalog) -> list[str]:
        t = catalog.messages
        if not self.problems:
            return [t.both(self.key, **self.values)]
        return [
            " / ".join(
                t.t(
                    "review.import.bad-row",
                    lang,
                    file=p.file,
                    row=p.row,
                    field=t.t(f"review.sheet.col.{p.field}", lang),
                    value=p.value[:80],
                    expected=t.t(f"review.import.expected.{p.expected}", lang, **self.values),
                )
                for lang in ("zh", "en")
            )
            for p in self.problems
        ]


def _evidence(item: QueueItem, lang: str) -> str:
    if item.finding is None:
        return ""
    parts = []
    for e in item.finding.evidence[:3]:
        parts += [str(e.get("message") or ""), str(e.get("html") or "")]
    if item.finding.measured is not None:
        parts.append(str(item.finding.measured))
    return "\n".join(p for p in parts if p)[:2000]


def export_queue(
    store: Store, catalog: Catalog, round_id: int, path: Path, lang: str = "zh", site_key: str | None = None
) -> int:
    """Write the round's queue (every item, pending first) with its current verdicts; returns the item count."""
    t = catalog.messages.t
    items = build_queue(store, catalog, round_id, site_key=site_key)
    book = Workbook()
    sheet = book.active
    sheet.title = t("review.sheet.title", lang)[:31]
    sheet.append([t(f"review.sheet.col.{c}", lang) for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for item in items:
        verdict = item.verdict
        state = t(f"review.state.{item.state}", lang, round=verdict.carried_from if verdict else "")
        values = [
            item.id,
            round_id,
            item.subject.name,
            item.subject.url or item.subject.key,
            item.check.id,
            item.check.text(lang),
            t(f"review.source.{item.source}", lang),
            state,
            item.check.help.get(lang) or item.check.help.get("zh") or "",
            _evidence(item, lang),
            verdict.outcome.value if verdict else "",
            verdict.note if verdict else "",
        ]
        sheet.append([neutralise(v) for v in values])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl would otherwise store a leading '=' as a formula
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = WIDTHS.get(column, 14)
    sheet.freeze_panes = "A2"
    help_sheet = book.create_sheet(t("review.item.how", lang)[:31])
    help_sheet.append([t("review.sheet.help", lang)])
    book.save(path)
    return len(items)


def _headers(row: tuple, catalog: Catalog) -> dict[str, int]:
    """Column index by field, from headers in either language."""
    names = {catalog.messages.t(f"review.sheet.col.{c}", lang): c for c in COLUMNS for lang in ("zh", "en")}
    found = {}
    for index, value in enumerate(row):
        field = names.get(str(value).strip()) if value is not None else None
        if field and field not in found:
            found[field] = index
    return found


def _text(value: object) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    return text.removeprefix("'")  # the export's formula guard


def read_decisions(store: Store, catalog: Catalog, round_id: int, content: bytes, file_name: str) -> list[Decision]:
    """Every filled verdict of the workbook, checked against the round's queue; SheetError names each bad row."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise SheetError("review.import.bad-file", file=file_name, detail=type(exc).__name__) from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    columns = _headers(header or (), catalog)
    if "item" not in columns or "verdict" not in columns:
        raise SheetError("review.import.no-header", file=file_name)
    known = {i.id: i for i in build_queue(store, catalog, round_id)}
    problems, decisions, seen = [], [], set()
    for number, row in enumerate(rows, start=2):
        if number > MAX_ROWS:
            problems.append(RowProblem(file_name, number, "item", "", "item"))
            break

        def cell(field: str, row=row) -> str:
            index = columns.get(field)
            return _text(row[index]) if index is not None and index < len(row) else ""

        item, verdict, note = cell("item"), cell("verdict"), cell("note")
        if not item and not verdict:
            continue
        if "round" in columns and cell("round") and cell("round") != str(round_id):
            problems.append(RowProblem(file_name, number, "round", cell("round"), "round"))
        if item not in known:
            problems.append(RowProblem(file_name, number, "item", item, "item"))
        elif item in seen:
            problems.append(RowProblem(file_name, number, "item", item, "once"))
        seen.add(item)
        if not verdict:
            continue
        outcome = OUTCOMES.get(verdict.lower())
        if outcome is None:
            problems.append(RowProblem(file_name, number, "verdict", verdict, "outcome"))
        if len(note) > NOTE_MAX:
            problems.append(RowProblem(file_name, number, "note", note[:40] + "…", "note"))
        current = known[item].verdict if item in known else None
        unchanged = current is not None and current.outcome.value == outcome and current.note == note
        if outcome and not unchanged:  # a verdict exported as it stands is not decided again by this importer
            decisions.append(Decision(item, outcome, note[:NOTE_MAX]))
    book.close()
    if problems:
        raise SheetError("review.import.bad-row", problems, round=round_id)
    return decisions


def import_verdicts(store: Store, catalog: Catalog, round_id: int, content: bytes, file_name: str, author: str) -> int:
    """Read and record a filled workbook's verdicts, all or none; returns how many were recorded."""
    decisions = read_decisions(store, catalog, round_id, content, file_name)
    return len(decide(store, catalog, round_id, decisions, author))
