"""File bytes -> a table of text cells (CSV in any Chinese encoding, XLSX, GeoJSON), bounded and safe."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import chain, islice
from typing import Any

import charset_normalizer
import openpyxl
from python_calamine import CalamineWorkbook

from audit.facility.marks import Mark
from audit.facility.values import ValueProblem

META_SHEET = "_a11y_audit"  # hidden sheet of generated templates: checklist id and version
SKIP_SHEETS = {META_SHEET, "填写说明", "Instructions", "选项", "Lists", "choices", "settings"}
MAX_UNZIPPED = 200 * 1024 * 1024  # an XLSX that inflates beyond this is refused (zip bomb)
CHINESE_ENCODINGS = {"gb2312", "gbk", "gb18030", "hz", "cp936"}
MAX_JSON_DEPTH = 64  # a GeoJSON MultiPolygon inside a FeatureCollection is 7 deep; json.loads recurses per level
HEADER_SCAN_ROWS = 12  # title rows, notes and a two-level header sit above the column names in WPS exports
MAX_CELL_CHARS = 131072  # Python's csv default field limit, stated so a longer cell is a named file error


@dataclass
class Record:
    """One data row: its number as the inspector sees it, its cells, and a geometry (GeoJSON only)."""

    row: int
    cells: dict[str, str]
    geometry: dict[str, Any] | None = None
    # marks that arrived as data (GeoJSON point features), by field id: never turned into text and parsed back
    marks: dict[str, list[Mark]] = field(default_factory=dict)


@dataclass
class Table:
    format: str
    headers: list[str]
    records: list[Record]
    meta: dict[str, str] = field(default_factory=dict)
    orphans: list[tuple[int, str]] = field(default_factory=list)  # GeoJSON marks naming no known segment


OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (BIFF in a compound file)
HeaderScore = Callable[[list[str]], int]  # how many cells of a candidate header row name a known column


def detect_format(filename: str, data: bytes) -> str:
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        return "xlsx"
    if name.endswith(".xls") or data[:8] == OLE2_MAGIC:
        return "xls"
    if name.endswith((".geojson", ".json")):
        return "geojson"
    if name.endswith((".csv", ".txt", ".tsv")):
        return "csv"
    raise ValueProblem("facility.file.unknown-format")


def read_table(data: bytes, filename: str, max_rows: int, score: HeaderScore | None = None) -> Table:
    """`score` finds the header row (and sheet) in spreadsheets; without it the first row is the header."""
    kind = detect_format(filename, data)
    if kind == "geojson":
        return read_geojson(data, max_rows)
    reader = {"xlsx": read_xlsx, "xls": read_xls, "csv": read_csv}[kind]
    return reader(data, max_rows, score)


# -- header row and sheet -------------------------------------------------------------------------
def _candidates(top: list[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """(index of the last header row, headers): each row alone, and each row under the one above as a
    two-level header, where a blank below a merged cell takes the name above it."""
    for i, row in enumerate(top):
        yield i, row
        if i:
            above, filled = top[i - 1], []
            for j in range(max(len(above), len(row))):
                upper = above[j] if j < len(above) else ""
                filled.append(upper or (filled[-1] if filled and j >= len(above) else ""))
            yield i, [(row[j] if j < len(row) and row[j] else filled[j]) for j in range(len(filled))]


def _table(
    kind: str, sheets: Iterable[tuple[str, Iterator[list[str]]]], max_rows: int, score: HeaderScore | None
) -> Table:
    """The sheet and header row that name most known columns (ties: the first); then its data rows."""
    best = None
    for order, (title, rows) in enumerate(sheets):
        top = list(islice(rows, HEADER_SCAN_ROWS if score else 1))
        if not any(any(cell.strip() for cell in row) for row in top):
            continue
        picks = list(_candidates(top)) if score else [(0, top[0])]
        points, neg_index, headers = max(((score(h) if score else 0), -i, h) for i, h in picks)
        if best is None or points > best[0]:
            best = (points, order, title, headers, top, -neg_index, rows)
        if not score:
            break
    if best is None:
        raise ValueProblem("facility.file.empty")
    _, order, title, headers, top, index, rows = best
    headers = [h.strip() for h in headers]
    if not any(headers):
        raise ValueProblem("facility.file.empty")
    records: list[Record] = []
    for number, row in enumerate(chain(top[index + 1 :], rows), start=index + 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(records) >= max_rows:
            raise ValueProblem("facility.file.too-many-rows", limit=max_rows)
        records.append(Record(number, {h: c.strip() for h, c in zip(headers, row) if h}))
    meta = {"sheet": title, "sheet_order": str(order), "header_row": str(index + 1)}
    return Table(kind, headers, records, meta)


# -- CSV -------------------------------------------------------------------------------------------
def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) first; otherwise charset-normalizer decides (GBK read as GB18030)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        # charset-normalizer abstains on some short files; a strict GB18030 decode is the likely answer here.
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise ValueProblem("facility.file.encoding") from None
    encoding = best.encoding.lower().replace("_", "")
    # GB18030 is a superset of GB2312/GBK: decoding with it never loses a character those could hold.
    if encoding in CHINESE_ENCODINGS:
        return data.decode("gb18030")
    return str(best)


def read_csv(data: bytes, max_rows: int, score: HeaderScore | None = None) -> Table:
    text = decode_text(data)
    if "\x00" in text:
        raise ValueProblem("facility.file.encoding")
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count) if first_line else ","
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _table("csv", [("", rows)], max_rows, score)
    except csv.Error as exc:
        # the csv module's only complaint with newline="" is a cell over its field limit
        raise ValueProblem(
            "facility.file.cell-too-long", row=rows.line_num, limit=MAX_CELL_CHARS, detail=str(exc)
        ) from None


# -- XLSX ------------------------------------------------------------------------------------------
def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ValueProblem("facility.file.bad-xlsx", detail=str(exc)) from None
    if total > MAX_UNZIPPED:
        raise ValueProblem("facility.file.too-large", size=total, limit=MAX_UNZIPPED)


def cell_text(value: Any) -> str:
    """Excel cell values as the text an inspector typed: 900.0 -> '900', dates -> ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _visible(sheet: Any) -> bool:
    return sheet.title not in SKIP_SHEETS and getattr(sheet, "sheet_state", "visible") == "visible"


def read_xlsx(data: bytes, max_rows: int, score: HeaderScore | None = None) -> Table:
    """Read with calamine (cached values, nothing evaluated, several times faster than openpyxl). A file whose
    sheets hold a formula is read with openpyxl instead, formulas kept as text, so an injected formula is
    reported (facility.value.formula) rather than silently taken as its cached result."""
    _check_zip(data)
    if not has_formulas(data):
        return _read_calamine("xlsx", data, max_rows, score)
    return _read_openpyxl(data, max_rows, score)


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")  # a cell formula element in SpreadsheetML (<f>, <x:f t=...>)


def has_formulas(data: bytes) -> bool:
    """Whether any worksheet of an XLSX holds a cell formula (scanned in 1 MiB pieces, inflated as read)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml") and _holds_formula(archive, name):
                    return True
    except zipfile.BadZipFile as exc:
        raise ValueProblem("facility.file.bad-xlsx", detail=str(exc)) from None
    return False


def _holds_formula(archive: zipfile.ZipFile, name: str) -> bool:
    tail = b""
    with archive.open(name) as member:
        while piece := member.read(1 << 20):
            if _FORMULA_TAG.search(tail + piece):
                return True
            tail = piece[-16:]  # a tag split between two pieces
    return False


def _read_openpyxl(data: bytes, max_rows: int, score: HeaderScore | None = None) -> Table:
    """Read-only, formulas kept as text (never evaluated) so injected ones are reported, not run."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on damaged files; all mean one thing
        raise ValueProblem("facility.file.bad-xlsx", detail=type(exc).__name__) from None
    try:
        sheets = (
            (ws.title, ([cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)))
            for ws in book.worksheets
            if _visible(ws)
        )
        table = _table("xlsx", sheets, max_rows, score)
        table.meta.update(_template_meta(book))
    except (zipfile.BadZipFile, KeyError, EOFError, OSError) as exc:
        raise ValueProblem("facility.file.bad-xlsx", detail=type(exc).__name__) from None
    finally:
        book.close()
    return table


def read_xls(data: bytes, max_rows: int, score: HeaderScore | None = None) -> Table:
    """Legacy Excel 97-2003 (.xls, still WPS's default 'Excel' export), read with calamine: cached
    values only, so a formula cell is its last result and nothing is ever evaluated."""
    return _read_calamine("xls", data, max_rows, score)


def _read_calamine(kind: str, data: bytes, max_rows: int, score: HeaderScore | None) -> Table:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        visible = [m.name for m in book.sheets_metadata if str(m.visible).lower().endswith("visible")]
        sheets = [(name, _calamine_rows(book, name)) for name in visible if name not in SKIP_SHEETS]
        table = _table(kind, sheets, max_rows, score)
        if META_SHEET in book.sheet_names:
            pairs = list(islice(_calamine_rows(book, META_SHEET), 20))
            table.meta.update({k: v for k, v, *_ in (row + ["", ""] for row in pairs) if k})
    except ValueProblem:
        raise
    except Exception as exc:  # noqa: BLE001 - calamine raises its own errors on damaged files; all mean one thing
        raise ValueProblem("facility.file.bad-xlsx", detail=type(exc).__name__) from None
    return table


def _calamine_rows(book: Any, name: str) -> Iterator[list[str]]:
    """Rows from A1 (empty leading rows and columns kept, as openpyxl gives them), cells as text."""
    return iter([[cell_text(v) for v in row] for row in book.get_sheet_by_name(name).to_python(skip_empty_area=False)])


def _template_meta(book: Any) -> dict[str, str]:
    if META_SHEET not in book.sheetnames:
        return {}
    pairs = book[META_SHEET].iter_rows(values_only=True, max_row=20)
    return {cell_text(k): cell_text(v) for k, v, *_ in pairs if k}


# -- GeoJSON ---------------------------------------------------------------------------------------
DEFECT_FIELDS = {
    "gap": "tactile_gaps",
    "缺口": "tactile_gaps",
    "obstruction": "tactile_obstructions",
    "障碍": "tactile_obstructions",
    "crossing-without-ramp": "crossings_without_ramp",
    "无坡道路口": "crossings_without_ramp",
}


def read_geojson(data: bytes, max_rows: int) -> Table:
    """Features -> rows. Point features with a `segment` property are marks on that segment's line
    (a gap, obstruction or crossing), attached to the segment's row as structured marks."""
    text = decode_text(data)
    check_json_depth(text)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueProblem("facility.file.bad-json", detail=f"line {exc.lineno}: {exc.msg}") from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise ValueProblem("facility.file.bad-json", detail="no FeatureCollection 'features'")
    if not features:
        raise ValueProblem("facility.file.empty")
    if len(features) > max_rows:
        raise ValueProblem("facility.file.too-many-rows", limit=max_rows)
    records, marks, headers = [], [], {}
    for number, feature in enumerate(features, start=1):
        props = {str(k): cell_text(v) for k, v in ((feature or {}).get("properties") or {}).items()}
        if props.get("segment") and not props.get("submission_id"):
            marks.append((number, props, (feature or {}).get("geometry")))
            continue
        headers.update(dict.fromkeys(props))
        records.append(Record(number, props, (feature or {}).get("geometry")))
    orphans = _merge_marks(records, marks)
    for record in records:
        headers.update(dict.fromkeys(record.marks))  # a marks field no segment wrote as a property
    meta = {"coord_system": str(document.get("coord_system", ""))} if document.get("coord_system") else {}
    return Table("geojson", list(headers), records, meta, orphans)


# a string (to its closing quote, or to the end if it has none: always a match, so one linear pass) or a bracket
_JSON_TOKEN = re.compile(r'"(?:[^"\\]++|\\.)*+(?:"|\\?\Z)|[\[\]{}]', re.DOTALL)


def check_json_depth(text: str, limit: int = MAX_JSON_DEPTH) -> None:
    """Refuse nesting deeper than `limit` before json.loads, whose C parser recurses once per level and
    fails with RecursionError (or worse) on a few hundred kB of '['. Brackets inside strings do not count."""
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                raise ValueProblem("facility.file.too-deep", limit=limit)
        elif token in "]}":
            depth -= 1


def _merge_marks(records: list[Record], marks: list[tuple[int, dict, Any]]) -> list[tuple[int, str]]:
    by_id = {r.cells.get("submission_id") or r.cells.get("编号"): r for r in records}
    orphans = []
    for number, props, geometry in marks:
        target = by_id.get(props["segment"])
        field_id = DEFECT_FIELDS.get(props.get("defect", "").lower(), props.get("field") or "tactile_gaps")
        if target is None or not geometry or geometry.get("type") != "Point":
            orphans.append((number, props["segment"]))
            continue
        try:
            lon, lat = (float(c) for c in geometry["coordinates"][:2])
            length = float(props["length_m"]) if props.get("length_m") else None
        except (TypeError, ValueError):
            orphans.append((number, props["segment"]))
            continue
        mark = Mark(f"{lon} {lat}", point=(lon, lat), length_m=length, note=props.get("note", ""))
        target.marks.setdefault(field_id, []).append(mark)
    return orphans
