"""The problem ledger as rows and files (JSON, CSV, XLSX), for `a11y-audit ledger` and the service's downloads.
Text cells of CSV and XLSX are guarded against formulas like the report's workbook."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from audit.catalog import Catalog
from audit.model.problems import STATES, Problem
from audit.model.vocab import Severity
from audit.render.report.places import value_text
from audit.render.report.xlsx import neutralise
from audit.store import Store

FORMATS = ("json", "csv", "xlsx")
COLUMNS = (
    "reference",
    "status",
    "severity",
    "subject",
    "subject-key",
    "area",
    "check",
    "check-id",
    "measured",
    "required",
    "first-seen",
    "last-seen",
    "age",
    "unit",
    "deadline",
    "overdue",
    "photo",
    "rectified-note",
    "rectified-photo",
    "closed-at",
)
SEVERITY_RANK = {s.value: s.rank for s in Severity}


def select(
    store: Store, area: str | None = None, statuses: Iterable[str] | None = None, unit: str | None = None
) -> list[Problem]:
    """The problems of an area (and everything in it) in the given states, oldest first."""
    wanted = list(statuses) if statuses is not None else None
    unknown = [s for s in wanted or () if s not in STATES]
    if unknown:
        raise ValueError(f"unknown status {unknown[0]!r}; expected one of {', '.join(STATES)}")
    return store.problems(area=area, statuses=wanted, unit=unit)


def open_first(problems: Iterable[Problem], today: date) -> list[Problem]:
    """Overdue first, then open before closed, the worst severity, the oldest."""
    return sorted(
        problems,
        key=lambda p: (
            not p.is_overdue(today),
            p.is_closed,
            -SEVERITY_RANK.get(p.severity, 0),
            -p.age_days(today),
            p.id,
        ),
    )


def as_record(problem: Problem, catalog: Catalog, lang: str, today: date) -> dict[str, Any]:
    """One problem as the exports show it: plain values, texts in `lang`, keyed by column."""
    t = catalog.messages.t
    check = catalog.checks.get(problem.check_id)
    title = (check.title.get(lang) or check.title.get("zh")) if check else problem.check_id
    return {
        "reference": problem.reference,
        "id": problem.id,
        "status": problem.status,
        "status_text": t(f"ledger.status.{problem.status}", lang),
        "severity": problem.severity,
        "subject": problem.subject_name,
        "subject-key": problem.subject_key,
        "area": problem.area_code,
        "check": title,
        "check-id": problem.check_id,
        "measured": value_text(problem.measured),
        "required": value_text(problem.required),
        "first-seen": problem.first_seen,
        "last-seen": problem.last_seen,
        "age": problem.age_days(today),
        "unit": problem.unit,
        "deadline": problem.deadline,
        "overdue": problem.is_overdue(today),
        "photo": problem.photo,
        "rectified-note": problem.rectified_note,
        "rectified-photo": problem.rectified_photo,
        "closed-at": problem.closed_at,
    }


def records(problems: Iterable[Problem], catalog: Catalog, lang: str, today: date) -> list[dict[str, Any]]:
    return [as_record(p, catalog, lang, today) for p in open_first(problems, today)]


def export(
    problems: Iterable[Problem], catalog: Catalog, fmt: str, path: Path, lang: str = "zh", today: date | None = None
) -> int:
    """Write the ledger as JSON, CSV (UTF-8 with BOM, for Excel) or XLSX; returns how many problems."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    rows = records(problems, catalog, lang, today or date.today())
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        path.write_text(json.dumps(rows, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    elif fmt == "csv":
        _write_csv(rows, catalog, lang, path)
    else:
        _write_xlsx(rows, catalog, lang, path)
    return len(rows)


def _headers(catalog: Catalog, lang: str) -> list[str]:
    return [catalog.messages.t(f"ledger.col.{c}", lang) for c in COLUMNS]


def _cells(row: dict[str, Any], catalog: Catalog, lang: str) -> list[Any]:
    t = catalog.messages.t
    shown = {
        **row,
        "status": row["status_text"],
        "severity": t(f"ledger.severity.{row['severity']}", lang),
        "overdue": t("ledger.yes" if row["overdue"] else "ledger.no", lang),
    }
    return [neutralise(shown[c]) for c in COLUMNS]


def _write_csv(rows: list[dict[str, Any]], catalog: Catalog, lang: str, path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(_headers(catalog, lang))
        writer.writerows(_cells(r, catalog, lang) for r in rows)


def _write_xlsx(rows: list[dict[str, Any]], catalog: Catalog, lang: str, path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = catalog.messages.t("ledger.sheet", lang)[:31]
    sheet.append(_headers(catalog, lang))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(_cells(row, catalog, lang))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl would otherwise store a leading '=' as a formula
    sheet.freeze_panes = "A2"
    book.save(path)
