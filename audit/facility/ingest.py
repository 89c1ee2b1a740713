"""Read one uploaded file into validated submissions; every problem is reported at once.

The CLI and the upload service both call `read_submission`; nothing here touches the store.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audit.catalog import Catalog, Checklist
from audit.facility.columns import ColumnMap, fit, header_scorer, map_columns
from audit.facility.continuity import record_holes
from audit.facility.county import place
from audit.facility.derived import fill_derived
from audit.facility.location import (
    Region,
    checked_point,
    line_geometry,
    parse_crs,
    parse_degrees,
    parse_geopoint,
    parse_line,
    point_geometry,
)
from audit.facility.marks import Mark, parse_marks
from audit.facility.photos import PhotoRef, resolve, split_names
from audit.facility.prefetch import PointPrefetch
from audit.facility.problems import ERROR, WARNING, Problem
from audit.facility.readers import Record, Table, read_table
from audit.facility.spatial import join_parts, mark_problems
from audit.facility.values import (
    ValueProblem,
    check_plausible,
    looks_like_formula,
    parse_choice,
    parse_date,
    parse_number,
    parse_slope,
    parse_special,
    parse_yesno,
)
from audit.heap import paused_gc

MAX_BYTES = 100 * 1024 * 1024
MAX_ROWS = 200_000
MAX_TEXT = 2000
MAX_ID = 200
PARSED_CACHE = 20_000  # distinct (field, text) answers remembered per file: inspectors repeat '是', '900', '1:12'
# Where a row's point is read from, in order: latitude and longitude columns, ours first, then ODK/Kobo's.
POINT_ROLES = (("env:lat", "env:lon"), ("geo:lat", "geo:lon"))
PHONE_FORMATS = ("odk", "kobo", "geojson")  # phones record GNSS (WGS-84); GeoJSON is WGS-84 by RFC 7946


@dataclass(frozen=True)
class IngestOptions:
    checklist_id: str | None = None
    coords: str | None = None
    partial: bool = False
    photo_dir: Path | None = None
    region: Region = field(default_factory=Region)
    max_bytes: int = MAX_BYTES
    max_rows: int = MAX_ROWS


@dataclass
class Submission:
    """One validated row: a facility as the inspector described it, located in WGS-84."""

    checklist: str
    submission_id: str
    name: str
    geometry: dict[str, Any]
    values: dict[str, Any]
    coord_system_in: str
    source: str
    row: int
    raw: dict[str, str]
    inspector: str = ""
    inspected_on: str | None = None
    notes: str = ""
    photos: tuple[PhotoRef, ...] = ()
    county: str | None = None  # the county the facility is filed under (see audit.facility.county.place)
    counties: tuple[str | None, ...] = ()  # every county any part of it lies in

    @property
    def key(self) -> str:
        return facility_key(self.checklist, self.county, self.submission_id)


def facility_key(checklist: str, county: str | None, submission_id: str) -> str:
    """A facility is its checklist, the county it lies in and the inspector's 编号 there: the same 编号 in
    two counties is two facilities, so an upload can only ever address facilities of the county its row
    lies in. `-` stands for a location outside every county of the configured province."""
    return f"facility:{checklist}:{county or '-'}:{submission_id}"


@dataclass
class IngestResult:
    file: str
    checklist: str | None = None
    format: str | None = None
    rows: list[Submission] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped_rows: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


@paused_gc()
def read_submission(
    source: bytes | str | Path, filename: str, catalog: Catalog, options: IngestOptions = IngestOptions()
) -> IngestResult:
    """Parse and validate one file. `rows` is empty when the file is rejected (errors without `partial`)."""
    display = Path(filename).name
    result = IngestResult(display)
    try:
        data = _bytes(source, options.max_bytes)
        if not data.strip():
            raise ValueProblem("facility.file.empty")
        table = read_table(data, filename, options.max_rows, header_scorer(catalog))
        result.problems += _sheet_note(display, table)
        if not table.records:
            raise ValueProblem("facility.file.empty")
        table.format = _refine_format(table)
        checklist = choose_checklist(table, catalog, options)
    except ValueProblem as exc:
        result.problems.append(Problem(display, exc.key, params=exc.params))
        return result
    result.checklist, result.format = checklist.id, table.format
    columns = map_columns(table.headers, checklist, catalog.messages)
    result.problems += column_problems(
        display, columns, checklist, catalog, has_features=any(r.geometry is not None for r in table.records)
    )
    if any(p.is_error for p in result.problems):
        return result
    reader = RowReader(display, checklist, columns, table, options)
    with reader.points_ahead():
        rows = [reader.read(record) for record in table.records]
    result.problems += reader.problems
    result.problems += [
        Problem(display, "facility.location.orphan-mark", row=n, params={"segment": s}) for n, s in table.orphans
    ]
    bad_rows = {p.row for p in result.problems if p.is_error}
    if bad_rows and not options.partial:
        result.skipped_rows = len(rows)
        return result
    result.rows = [r for r in rows if r is not None and r.row not in bad_rows]
    result.skipped_rows = len(rows) - len(result.rows)
    record_holes(result, checklist, catalog.messages)
    for submission, placement in zip(result.rows, place([r.geometry for r in result.rows], options.region.province)):
        submission.county, submission.counties = placement.county, placement.touched
    return result


def _bytes(source: bytes | str | Path, limit: int) -> bytes:
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    else:
        path = Path(source)
        size = path.stat().st_size
        if size > limit:
            raise ValueProblem("facility.file.too-large", size=size, limit=limit)
        data = path.read_bytes()
    if len(data) > limit:
        raise ValueProblem("facility.file.too-large", size=len(data), limit=limit)
    return data


def _sheet_note(file: str, table: Table) -> list[Problem]:
    """Say which sheet and header row were read when it is not simply the first row of the first sheet."""
    meta = table.meta
    if not meta.get("header_row") or (meta["header_row"] == "1" and meta.get("sheet_order", "0") == "0"):
        return []
    params = {"sheet": meta.get("sheet") or file, "row": meta["header_row"]}
    return [Problem(file, "facility.file.sheet-read", params=params, level=WARNING)]


def _refine_format(table: Table) -> str:
    lowered = {h.lower() for h in table.headers}
    if table.format == "csv" and {"submissiondate", "key"} & lowered:
        return "odk"
    if table.format in ("csv", "xlsx") and {"_uuid", "_submission_time"} & lowered:
        return "kobo"
    return table.format


# -- which checklist -------------------------------------------------------------------------------
def choose_checklist(table: Table, catalog: Catalog, options: IngestOptions) -> Checklist:
    facility = {c.id: c for c in catalog.domain("facility")}
    known = ", ".join(sorted(facility))
    named = options.checklist_id or table.meta.get("checklist") or _checklist_column(table)
    if named:
        if named in catalog.checklists and named not in facility:
            raise ValueProblem("facility.checklist.not-facility", checklist=named)
        if named not in facility:
            raise ValueProblem("facility.checklist.unknown", checklist=named, known=known)
        _require_fit(table, facility[named], facility)
        return facility[named]
    scores = sorted(((fit(table.headers, c), c.id) for c in facility.values()), reverse=True)
    if not scores or scores[0][0] < 2:
        raise ValueProblem("facility.checklist.undetected", known=known)
    return facility[scores[0][1]]


def _checklist_column(table: Table) -> str | None:
    header = next((h for h in table.headers if h.strip().lower() in ("checklist", "清单")), None)
    values = {r.cells.get(header, "") for r in table.records} - {""} if header else set()
    return values.pop() if len(values) == 1 else None


def _require_fit(table: Table, checklist: Checklist, facility: dict[str, Checklist]) -> None:
    """A file meant for another checklist (a toilet survey sent as curb ramps) is refused, with a guess."""
    matched = fit(table.headers, checklist)
    best_score, best_id = max((fit(table.headers, c), c.id) for c in facility.values())
    if matched >= 1 and matched >= best_score:
        return
    total = len(checklist.fields)
    if best_score > matched:
        raise ValueProblem(
            "facility.checklist.mismatch", checklist=checklist.id, matched=matched, total=total, guess=best_id
        )
    raise ValueProblem("facility.checklist.mismatch-none", checklist=checklist.id, matched=matched, total=total)


def column_problems(
    file: str, columns: ColumnMap, checklist: Checklist, catalog: Catalog, has_features: bool = False
) -> list[Problem]:
    problems = [
        Problem(file, "facility.file.duplicate-column", row=1, column=h, params={"column": h})
        for h in columns.duplicates
    ]
    problems += [
        Problem(
            file,
            "facility.file.unknown-column-near" if h in columns.suggestions else "facility.file.unknown-column",
            row=1,
            column=h,
            params={"column": h, "checklist": checklist.id, "suggestion": columns.suggestions.get(h, "")},
            level=WARNING,
        )
        for h in columns.unknown
    ]
    roles = set(columns.roles.values())
    if "env:submission_id" not in roles:
        label = catalog.messages.t("facility.column.submission_id", "zh")
        problems.append(Problem(file, "facility.file.missing-column", params={"column": label}))
    for f in checklist.fields:
        if f.required and f"field:{f.id}" not in roles:
            problems.append(Problem(file, "facility.file.missing-column", params={"column": f.label["zh"]}))
    has_point = {"env:lon", "env:lat"} <= roles or {"geo:lat", "geo:lon"} <= roles
    if not (has_features or has_point or "env:location" in roles or "env:geometry" in roles):
        problems.append(Problem(file, "facility.file.no-location-column"))
    return problems


# -- one row ---------------------------------------------------------------------------------------
class RowReader:
    """Turns records into submissions, collecting every problem instead of stopping at the first."""

    def __init__(self, file: str, checklist: Checklist, columns: ColumnMap, table: Table, options: IngestOptions):
        self.file, self.checklist, self.columns, self.table, self.options = file, checklist, columns, table, options
        self.problems: list[Problem] = []
        self.fields = {f.id: f for f in checklist.fields}
        self.mark_fields = {
            c.answer["field"]
            for c in checklist.checks
            if c.answer.get("unit") == "count" and self.fields[c.answer["field"]].kind == "text"
        }
        self.by_role = {role: header for header, role in columns.roles.items()}
        self.field_headers = [(h, r[6:]) for h, r in columns.roles.items() if r.startswith("field:")]
        self.first_row_of: dict[str, int] = {}
        self.warned_crs = False
        self.file_crs = self._file_crs()
        self._parsed: dict[tuple[str, str], Any] = {}
        self.prefetch: PointPrefetch | None = None

    def _file_crs(self) -> str | None:
        declared = self.options.coords or self.table.meta.get("coord_system")
        if not declared:
            return None
        try:
            return parse_crs(declared)
        except ValueProblem as exc:
            self.problems.append(Problem(self.file, exc.key, params=exc.params, value=declared))
            return None

    def problem(
        self, record: Record, exc: ValueProblem, header: str | None, value: str | None, level: str = ERROR
    ) -> None:
        self.problems.append(Problem(self.file, exc.key, record.row, header, value, exc.params, level))

    def cell(self, record: Record, role: str) -> tuple[str | None, str]:
        header = self.by_role.get(role)
        return header, (record.cells.get(header, "") if header else "")

    def read(self, record: Record) -> Submission | None:
        before = len(self.problems)
        for header, text in record.cells.items():
            if looks_like_formula(text):
                self.problem(record, ValueProblem("facility.value.formula"), header, text)
        submission_id = self._submission_id(record)
        crs = self._crs(record)
        geometry = self._geometry(record, crs)
        values = self._values(record, crs, geometry)
        photos = self._photos(record)
        inspected_on = self._date(record)
        if len(self.problems) > before and any(p.is_error for p in self.problems[before:]):
            return None
        fill_derived(values, set(self.fields))
        return Submission(
            checklist=self.checklist.id,
            submission_id=submission_id,
            name=self.cell(record, "env:name")[1][:MAX_TEXT] or submission_id,
            geometry=geometry,
            values=values,
            coord_system_in=crs,
            source=self.file,
            row=record.row,
            raw=dict(record.cells),
            inspector=self.cell(record, "env:inspector")[1][:MAX_TEXT],
            inspected_on=inspected_on,
            notes=self.cell(record, "env:notes")[1][:MAX_TEXT],
            photos=photos,
        )

    def _submission_id(self, record: Record) -> str:
        header, text = self.cell(record, "env:submission_id")
        if not text or looks_like_formula(text):
            if not text:
                self.problem(record, ValueProblem("facility.id.missing"), header, text)
            return ""
        text = text[:MAX_ID]
        first = self.first_row_of.setdefault(text, record.row)
        if first != record.row:
            self.problem(record, ValueProblem("facility.id.duplicate", first=first), header, text)
        return text

    def _crs(self, record: Record, report: bool = True) -> str:
        """The row's coordinate system; `report=False` asks without reporting (the reader reports it when it
        reads the row)."""
        header, text = self.cell(record, "env:coord_system")
        if text:
            try:
                return parse_crs(text)
            except ValueProblem as exc:
                if report:
                    self.problem(record, exc, header, text)
                return "wgs84"
        if self.file_crs:
            return self.file_crs
        if report and self.table.format not in PHONE_FORMATS and not self.warned_crs:
            self.warned_crs = True
            self.problems.append(Problem(self.file, "facility.location.crs-assumed", level=WARNING))
        return "wgs84"

    @contextmanager
    def points_ahead(self) -> Iterator[None]:
        """While rows are read, a second process converts and checks the points it will meet (large files)."""
        self.prefetch = PointPrefetch(self._planned_points(), self.options.region)
        try:
            yield
        finally:
            self.prefetch.close()
            self.prefetch = None

    def _planned_points(self) -> Iterator[tuple[float, float, str]]:
        """(lon, lat, system) of each row's point as `_point_geometry` will read it; rows it would not read
        that way (features, lines, a location column, unreadable numbers) are left to the reader."""
        if "env:geometry" in self.by_role:
            return
        for record in self.table.records:
            if record.geometry is not None:
                continue
            for lat_role, lon_role in POINT_ROLES:
                lat_text, lon_text = self.cell(record, lat_role)[1], self.cell(record, lon_role)[1]
                if lat_text or lon_text:
                    try:
                        yield parse_degrees(lon_text), parse_degrees(lat_text), self._crs(record, report=False)
                    except ValueProblem:
                        pass
                    break

    def _point(self, record: Record, lon: float, lat: float, crs: str, header: str | None, shown: str):
        ahead = self.prefetch.get(lon, lat, crs) if self.prefetch else None
        if ahead is not None:
            return ahead
        try:
            return checked_point(lon, lat, crs, self.options.region)
        except ValueProblem as exc:
            self.problem(record, exc, header, shown)
            return None

    def _geometry(self, record: Record, crs: str) -> dict[str, Any]:
        if record.geometry is not None:
            return self._feature_geometry(record, crs)
        header, text = self.cell(record, "env:geometry")
        if text:
            try:
                raw = parse_line(text)
            except ValueProblem as exc:
                self.problem(record, exc, header, text)
                return {}
            return self._line(record, raw, crs, header, text)
        return self._point_geometry(record, crs)

    def _line(self, record: Record, raw: list, crs: str, header: str | None, shown: str | None) -> dict[str, Any]:
        """A line, or the parts of a multi-part line (a list of point lists) joined into one; a hole
        between parts is an error: the stretch is unrecorded, so nothing can be said about it."""
        parts = raw if raw and isinstance(raw[0], list) else [raw]
        converted = [
            [self._point(record, lon, lat, crs, header, shown or f"{lon}, {lat}") for lon, lat in part]
            for part in parts
        ]
        if not all(all(part) for part in converted):
            return {}
        points, holes = join_parts(converted)
        for hole in holes:
            params = {"part": hole.part, "distance": hole.distance_m, "lon": hole.lon, "lat": hole.lat}
            self.problem(record, ValueProblem("facility.location.line-hole", **params), header, shown or "")
        return {} if holes else line_geometry(points)

    def _point_geometry(self, record: Record, crs: str) -> dict[str, Any]:
        for lat_role, lon_role in POINT_ROLES:
            lat_header, lat_text = self.cell(record, lat_role)
            lon_header, lon_text = self.cell(record, lon_role)
            if lat_text or lon_text:
                try:
                    lon, lat = parse_degrees(lon_text), parse_degrees(lat_text)
                except ValueProblem as exc:
                    bad = lon_header if not _is_number(lon_text) else lat_header
                    self.problem(record, exc, bad, lon_text if bad == lon_header else lat_text)
                    return {}
                point = self._point(record, lon, lat, crs, f"{lon_header}/{lat_header}", f"{lon_text}, {lat_text}")
                return point_geometry(*point) if point else {}
        header, text = self.cell(record, "env:location")
        if text:
            try:
                a, b = parse_geopoint(text, lat_first=True)
            except ValueProblem as exc:
                self.problem(record, exc, header, text)
                return {}
            # ODK/Kobo write 'lat lon', map pickers 'lon,lat'; in China the longitude is the larger number.
            lon, lat = (a, b) if a >= b else (b, a)
            point = self._point(record, lon, lat, crs, header, text)
            return point_geometry(*point) if point else {}
        self.problem(record, ValueProblem("facility.location.missing"), None, None)
        return {}

    def _feature_geometry(self, record: Record, crs: str) -> dict[str, Any]:
        geometry = record.geometry or {}
        kind, coords = geometry.get("type"), geometry.get("coordinates")
        try:
            if kind == "Point":
                raw = [tuple(map(float, coords[:2]))]
            elif kind == "LineString" and len(coords) >= 2:
                raw = [tuple(map(float, c[:2])) for c in coords]
            elif kind == "MultiLineString" and coords and all(len(part) >= 2 for part in coords):
                raw = [[tuple(map(float, c[:2])) for c in part] for part in coords]
            else:
                raise ValueProblem("facility.location.geometry")
        except (TypeError, ValueError, IndexError):
            self.problem(record, ValueProblem("facility.location.geometry"), "geometry", str(kind))
            return {}
        except ValueProblem as exc:
            self.problem(record, exc, "geometry", str(kind))
            return {}
        if kind != "Point":
            return self._line(record, raw, crs, "geometry", None)
        point = self._point(record, *raw[0], crs, "geometry", "{}, {}".format(*raw[0]))
        return point_geometry(*point) if point else {}

    def _values(self, record: Record, crs: str, geometry: dict[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for header, field_id in self.field_headers:
            text = record.cells.get(header, "")
            structured = record.marks.get(field_id)
            if structured and field_id in self.mark_fields:
                self._structured_marks(record, header, field_id, text, crs, structured, geometry, values)
                continue
            if not text:
                if self.fields[field_id].required:
                    self.problem(record, ValueProblem("facility.value.required"), header, text)
                continue
            if looks_like_formula(text):
                continue  # already reported
            try:
                values[field_id] = self._value(field_id, text, crs)
            except ValueProblem as exc:
                self.problem(record, exc, header, text)
                continue
            if field_id in self.mark_fields and isinstance(values[field_id], tuple):
                for key, params in mark_problems(geometry, values[field_id]):
                    self.problem(record, ValueProblem(key, **params), header, text)
        return values

    def _structured_marks(self, record, header, field_id, text, crs, structured, geometry, values) -> None:
        """Marks written in the cell (chainages) plus marks that came as points, each located once."""
        try:
            written = self._parse(field_id, text, crs) if text.strip() else ()
            marks = (written if isinstance(written, tuple) else ()) + tuple(self._located(m, crs) for m in structured)
        except ValueProblem as exc:
            self.problem(record, exc, header, text)
            return
        values[field_id] = marks
        for key, params in mark_problems(geometry, marks):
            self.problem(record, ValueProblem(key, **params), header, text or marks[0].text)

    def _value(self, field_id: str, text: str, crs: str) -> Any:
        """Parsed values are immutable (Measure, Slope, Answer, str), so a repeated answer is parsed once.

        Marks are not cached: their points depend on the row's coordinate system. Failures are not cached
        either, so every bad row still gets its own problem."""
        if field_id in self.mark_fields:
            return self._parse(field_id, text, crs)
        key = (field_id, text)
        if key in self._parsed:
            return self._parsed[key]
        value = self._parse(field_id, text, crs)
        if len(self._parsed) < PARSED_CACHE:
            self._parsed[key] = value
        return value

    def _parse(self, field_id: str, text: str, crs: str) -> Any:
        special = parse_special(text)
        f = self.fields[field_id]
        if special is not None and not (f.kind == "text" and field_id in self.mark_fields and text.strip() == "-"):
            return special
        if f.kind == "number":
            return check_plausible(parse_number(text, f.unit), getattr(f, "plausible", None) or {})
        if f.kind == "slope":
            return parse_slope(text)
        if f.kind == "yesno":
            return parse_yesno(text)
        if f.kind == "choice":
            return parse_choice(text, f.choices)
        if f.kind == "date":
            return parse_date(text)
        if field_id in self.mark_fields:
            return tuple(self._located(m, crs) for m in parse_marks(text))
        if len(text) > MAX_TEXT:
            raise ValueProblem("facility.value.too-long", limit=MAX_TEXT)
        return text

    def _located(self, mark: Mark, crs: str) -> Mark:
        if mark.point is None:
            return mark
        lon, lat = checked_point(*mark.point, crs, self.options.region)
        return Mark(mark.text, mark.start_m, mark.end_m, (lon, lat), mark.length_m, mark.note)

    def _photos(self, record: Record) -> tuple[PhotoRef, ...]:
        headers = [self.by_role.get("env:photos")] + [
            h for h, f in self.field_headers if self.fields[f].kind == "photo"
        ]
        refs = []
        for header in filter(None, headers):
            for name in split_names(record.cells.get(header, "")):
                try:
                    refs.append(resolve(name, self.options.photo_dir))
                except ValueProblem as exc:
                    self.problem(record, exc, header, name)
        return tuple(refs)

    def _date(self, record: Record) -> str | None:
        header, text = self.cell(record, "env:inspected_on")
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueProblem as exc:
            self.problem(record, exc, header, text)
            return None


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False
