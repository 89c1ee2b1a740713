"""The report as an XLSX workbook for the department's follow-up; every text cell guarded against formula injection."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from audit.render.report.content import Report
from audit.render.report.text import Text

# A spreadsheet treats text starting with these as a formula (or, for tab/CR, as a cell break when the
# data is pasted or exported to CSV): a facility or portal name from the field must never run as one.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PERCENT, DECIMAL, INTEGER = "0.0%", "0.0", "0"


def points_format(unit: str) -> str:
    """A change of a rate, stored as a number of percentage points: '+12.5 pp', '−3.0 百分点', never '%'."""
    return f'"+"0.0" {unit}";"−"0.0" {unit}";0.0" {unit}"'


def neutralise(value: Any) -> Any:
    """Text starting like a formula gets a leading apostrophe and stays text; numbers and None pass."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _append(sheet: Worksheet, values: Sequence[Any], formats: Sequence[str | None] = ()) -> None:
    sheet.append([neutralise(v) for v in values])
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, str):
            cell.data_type = "s"  # openpyxl would otherwise store a leading '=' as a formula
        fmt = formats[column - 1] if column - 1 < len(formats) else None
        if fmt and isinstance(value, (int, float)):
            cell.number_format = fmt


def _sheet(
    book: Workbook,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    formats: Sequence[str | None] = (),
) -> Worksheet:
    sheet = book.create_sheet(title=title[:31])
    _append(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        _append(sheet, row, formats)
    sheet.freeze_panes = "A2"
    for column in range(1, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 18
    if sheet.max_row > 1:
        sheet.auto_filter.ref = sheet.dimensions
    return sheet


def _met(tx: Text, met: bool | None) -> str:
    return tx.t("report.no-data") if met is None else tx.t("report.yes") if met else tx.t("report.no")


def _indicators(book: Workbook, report: Report) -> None:
    tx = report.text
    headers = [
        tx.t(f"report.indicators.{k}")
        for k in ("dimension", "indicator", "kind", "target", "value", "previous", "points", "max-points", "met")
    ] + [tx.t("report.unverified")]
    rows = [
        [
            r.dimension,
            r.name,
            tx.t(f"report.indicators.{r.kind}"),
            r.target,
            r.value,
            r.previous,
            r.points,
            r.max_points,
            _met(tx, r.met),
            "" if r.verified else tx.t("report.unverified"),
        ]
        for r in report.indicators
    ]
    _sheet(
        book,
        tx.t("report.sheet.indicators"),
        headers,
        rows,
        (None, None, None, PERCENT, PERCENT, PERCENT, DECIMAL, DECIMAL),
    )


def _categories(book: Workbook, report: Report) -> None:
    tx = report.text
    codes = list(report.grade_labels)
    headers = (
        [tx.t(f"report.categories.{k}") for k in ("category", "audited", "scored", "insufficient", "mean", "rate")]
        + [tx.t("report.progress.mean-before"), tx.t("report.progress.rate-before")]
        + [tx.t("report.progress.rate-change")]
        + [tx.t("report.grade", code=c, label=report.grade_labels[c]) for c in codes]
        + [tx.t("report.categories.top-failed")]
    )
    rows = []
    for r in report.categories:
        failed = tx.t("report.sep.list").join(
            f"{c.title} ({', '.join(c.clauses) or '—'}): {c.subjects}" for c in r.top_failed
        )
        rows.append(
            [
                tx.category(r.category),
                r.subjects,
                r.scored,
                r.insufficient,
                r.mean_score,
                r.compliance_rate,
                r.previous_mean,
                r.previous_rate,
                None if r.rate_change is None else round(r.rate_change * 100, 1),
            ]
            + [r.grades.get(c, 0) for c in codes]
            + [failed]
        )
    _sheet(
        book,
        tx.t("report.sheet.categories"),
        headers,
        rows,
        (
            None,
            INTEGER,
            INTEGER,
            INTEGER,
            DECIMAL,
            PERCENT,
            DECIMAL,
            PERCENT,
            points_format(tx.t("report.progress.points")),
        )
        + (INTEGER,) * len(codes),
    )


def _portals(book: Workbook, report: Report) -> None:
    tx = report.text
    headers = [tx.t(f"report.portals.{k}") for k in ("portal", "division", "score", "grade", "compliant", "critical")]
    headers += ["URL", tx.t("report.portals.previous")]
    rows = [
        [p.name, p.division, p.score, p.grade or "", _met(tx, p.compliant), p.critical, p.url, p.previous_score]
        for p in report.portals
    ]
    _sheet(book, tx.t("report.sheet.portals"), headers, rows, (None, None, DECIMAL, None, None, INTEGER, None, DECIMAL))


def _circles(book: Workbook, report: Report) -> None:
    tx = report.text
    headers = [
        tx.t("report.circles.circle"),
        tx.t("report.portals.division"),
        tx.t("report.circles.coverage"),
        tx.t("report.circles.gap"),
        tx.t("report.circles.where"),
    ]
    rows = []
    for c in report.circles:
        rows += [[c.name, c.division, c.coverage, g.item, g.where] for g in c.gaps] or [
            [c.name, c.division, c.coverage, "", ""]
        ]
    _sheet(book, tx.t("report.sheet.circles"), headers, rows, (None, None, PERCENT))


def _rectification(book: Workbook, report: Report) -> None:
    tx = report.text
    keys = ("subject", "location", "division", "item", "severity", "clause")
    headers = [tx.t(f"report.rectify.{k}") for k in keys] + [
        tx.t("report.rectify.measured"),
        tx.t("report.rectify.photo"),
        tx.t("report.rectify.first-seen"),
        tx.t("report.rectify.status"),
        "subject_key",
        "check_id",
    ]
    rows = [
        [
            r.subject,
            r.location,
            r.division,
            r.item,
            tx.t(f"report.severity.{r.severity}"),
            tx.t("report.sep.list").join(r.clauses),
            tx.t("report.rectify.vs", measured=r.measured, required=r.required),
            r.photo,
            tx.day(r.first_seen) if r.first_seen else "",
            tx.t(f"report.status.{r.status}"),
            r.subject_key,
            r.check_id,
        ]
        for r in report.rectification
    ]
    _sheet(book, tx.t("report.sheet.rectification"), headers, rows)


def _reinspection(book: Workbook, report: Report) -> None:
    tx = report.text
    headers = [tx.t(f"report.rectify.{k}") for k in ("subject", "location", "division")] + [
        tx.t(f"report.reinspect.{k}") for k in ("coverage", "reason", "missing")
    ]
    rows = [[r.subject, r.location, r.division, r.coverage, r.reason, r.missing] for r in report.reinspection]
    _sheet(book, tx.t("report.sheet.reinspection"), headers, rows, (None, None, None, PERCENT))


def write_xlsx(report: Report, path: Path) -> Path:
    """Sheets: indicators, categories, portals, service circles, rectification list, re-inspection list."""
    book = Workbook()
    book.remove(book.active)
    for add in (_indicators, _categories, _portals, _circles, _rectification, _reinspection):
        add(book, report)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
