"""Field templates generated from a checklist: Excel with drop-downs, CSV, and an XLSForm for ODK/Kobo."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from audit.catalog import Checklist, Field, Messages
from audit.facility.readers import META_SHEET
from audit.facility.values import UNIT_DISPLAY

SLOPE_HINT = "1:12 / 8.3% / 4.8°"
YESNO_KEYS = ("yes", "no", "na", "unknown")
TEMPLATE_ROWS = 500  # rows that carry the drop-down validation


@dataclass(frozen=True)
class Column:
    id: str
    zh: str
    en: str
    kind: str
    choices: tuple[str, ...] = ()
    help_zh: str = ""
    help_en: str = ""


def safe_text(value: str) -> str:
    """Spreadsheet output never starts a cell with a formula character (CSV/formula injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _header(label: str, field: Field) -> str:
    if field.kind == "slope":
        return f"{label}（{SLOPE_HINT}）"
    if field.unit:
        return f"{label}（{UNIT_DISPLAY[field.unit]}）"
    return label


def columns(checklist: Checklist, messages: Messages) -> list[Column]:
    """Envelope columns (id, name, inspector, date, location, photos) then the checklist's fields."""

    def env(role: str) -> Column:
        return Column(
            role, messages.t(f"facility.column.{role}", "zh"), messages.t(f"facility.column.{role}", "en"), "text"
        )

    location = ["lon", "lat", "coord_system"]
    if checklist.subject_kind == "road-segment":
        location = ["geometry", "coord_system"]
    result = [env(r) for r in ("submission_id", "name", "inspector", "inspected_on", *location)]
    yesno = tuple(messages.t(f"facility.template.yesno.{k}", "zh") for k in YESNO_KEYS)
    for f in checklist.fields:
        choices = (
            tuple(c["label"]["zh"] for c in f.choices) if f.kind == "choice" else yesno if f.kind == "yesno" else ()
        )
        result.append(
            Column(
                f.id,
                _header(f.label["zh"], f),
                _header(f.label["en"], f),
                f.kind,
                choices,
                f.help.get("zh", ""),
                f.help.get("en", ""),
            )
        )
    result += [env("photos"), env("notes")]
    return result


def write_template(checklist: Checklist, messages: Messages, fmt: str, path: Path) -> None:
    writer = {"xlsx": write_xlsx, "csv": write_csv, "xlsform": write_xlsform}[fmt]
    path.parent.mkdir(parents=True, exist_ok=True)
    writer(checklist, messages, path)


def write_csv(checklist: Checklist, messages: Messages, path: Path) -> None:
    """UTF-8 with BOM, so Excel and WPS open the Chinese headers correctly."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([safe_text(c.zh) for c in columns(checklist, messages)])
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")


def write_xlsx(checklist: Checklist, messages: Messages, path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = messages.t("facility.template.sheet", "zh")
    lists = book.create_sheet(messages.t("facility.template.lists-sheet", "zh"))
    cols = columns(checklist, messages)
    for index, column in enumerate(cols, start=1):
        cell = sheet.cell(row=1, column=index, value=safe_text(column.zh))
        cell.font = Font(bold=True)
        note = f"{column.en}\n{column.help_zh}\n{column.help_en}".strip()
        cell.comment = Comment(note, "a11y-audit")
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(column.zh) * 2 + 2))
        if column.choices:
            _drop_down(sheet, lists, index, column)
    sheet.freeze_panes = "B2"
    lists.sheet_state = "hidden"
    _help_sheet(book, checklist, messages, cols)
    meta = book.create_sheet(META_SHEET)
    for row in (("checklist", checklist.id), ("version", checklist.version), ("generator", "a11y-audit")):
        meta.append(row)
    meta.sheet_state = "hidden"
    book.save(path)


def _drop_down(sheet, lists, index: int, column: Column) -> None:
    """A list validation that points at a hidden sheet (inline lists are limited to 255 characters)."""
    letter = get_column_letter(index)
    for row, choice in enumerate(column.choices, start=1):
        lists.cell(row=row, column=index, value=safe_text(choice))
    source = f"{quote_sheetname(lists.title)}!${letter}$1:${letter}${len(column.choices)}"
    validation = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=False)
    validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    sheet.add_data_validation(validation)


def _help_sheet(book: Workbook, checklist: Checklist, messages: Messages, cols: list[Column]) -> None:
    sheet = book.create_sheet(messages.t("facility.template.help-sheet", "zh"))
    sheet.append(
        [safe_text(f"{checklist.title['zh']} / {checklist.title['en']} ({checklist.id} v{checklist.version})")]
    )
    sheet.append([safe_text(messages.t("facility.template.help-intro", "zh"))])
    sheet.append([safe_text(messages.t("facility.template.help-intro", "en"))])
    sheet.append([])
    for column in cols:
        sheet.append([safe_text(v) for v in (column.zh, column.en, column.help_zh, column.help_en)])


# -- XLSForm ---------------------------------------------------------------------------------------
XLSFORM_TYPES = {"number": "decimal", "slope": "text", "text": "text", "date": "date", "photo": "image"}


def write_xlsform(checklist: Checklist, messages: Messages, path: Path) -> None:
    """survey / choices / settings sheets; question names are field ids, so exports map back by name."""
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(
        ["type", "name", "label::中文 (zh)", "label::English (en)", "hint::中文 (zh)", "hint::English (en)", "required"]
    )
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label::中文 (zh)", "label::English (en)"])
    for key in YESNO_KEYS:
        choices.append(
            [
                "yesno",
                key,
                messages.t(f"facility.template.yesno.{key}", "zh"),
                messages.t(f"facility.template.yesno.{key}", "en"),
            ]
        )

    def label(role: str) -> tuple[str, str]:
        return messages.t(f"facility.column.{role}", "zh"), messages.t(f"facility.column.{role}", "en")

    survey.append(["text", "name", *label("name"), "", "", "yes"])
    survey.append(["text", "inspector", *label("inspector"), "", "", ""])
    survey.append(["today", "inspected_on", "", "", "", "", ""])
    survey.append(["geopoint", "location", *label("location"), "", "", "yes"])
    if checklist.subject_kind == "road-segment":
        survey.append(["geotrace", "geometry", *label("geometry"), "", "", ""])
    for f in checklist.fields:
        if f.kind == "choice":
            kind = f"select_one {f.id}"
            for c in f.choices:
                choices.append([f.id, c["value"], c["label"]["zh"], c["label"]["en"]])
        elif f.kind == "yesno":
            kind = "select_one yesno"
        else:
            kind = XLSFORM_TYPES[f.kind]
        unit = f"（{UNIT_DISPLAY[f.unit]}）" if f.unit else ""
        hint_zh = f.help.get("zh", "") or (SLOPE_HINT if f.kind == "slope" else "")
        hint_en = f.help.get("en", "") or (SLOPE_HINT if f.kind == "slope" else "")
        survey.append(
            [kind, f.id, f.label["zh"] + unit, f.label["en"] + unit, hint_zh, hint_en, "yes" if f.required else ""]
        )
    survey.append(["image", "photos", *label("photos"), "", "", ""])
    survey.append(["text", "notes", *label("notes"), "", "", ""])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append(
        [f"{checklist.title['zh']} / {checklist.title['en']}", checklist.id, str(checklist.version), "中文 (zh)"]
    )
    book.save(path)
