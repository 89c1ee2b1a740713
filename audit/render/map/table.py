"""The map's accessible alternative: a plain, sortable, filterable HTML table of the same data."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources

from audit.render.map.data import MapData, MapItem
from audit.render.map.payload import CATEGORY_ORDER, to_script_json
from audit.render.map.style import UNGRADED, GradeStyle
from audit.render.map.templating import render
from audit.render.map.text import Texts, round_date

COLUMNS = (
    ("name", False),
    ("category", False),
    ("kind", False),
    ("area", False),
    ("score", True),
    ("grade", True),
    ("compliant", False),
    ("failed", True),
    ("round", False),
    ("location", False),
)
# Up to this many items the table page is complete HTML (sortable and filterable, readable without
# JavaScript). Above it a page of 100,000 rows would weigh tens of megabytes and freeze the browser, so the page
# holds the rows as JSON and shows them PAGE_SIZE at a time (sorting and filtering still cover every row);
# without JavaScript the first page is shown, and the complete table is always in the CSV file beside it.
STATIC_ROW_LIMIT = 2000
PAGE_SIZE = 100
TABLE_DATA_ID = "a11y-table-data"
COUNTY_COLUMNS = (
    ("map.col.area", False),
    ("map.col.count", True),
    ("map.col.mean", True),
    ("map.col.rate", True),
    ("map.col.change", True),
)


@dataclass(frozen=True)
class Row:
    name: str
    category: str
    category_label: str
    kind: str
    area: str
    score: str
    score_value: float
    grade: str
    grade_code: str
    grade_rank: int
    compliant: str
    failed: list[str]
    date: str
    location: str


def table_rows(data: MapData, texts: Texts, styles: list[GradeStyle]) -> list[Row]:
    by_code = {s.code: (rank, s) for rank, s in enumerate(reversed(styles))}  # higher rank = better grade
    return [_row(item, data, texts, by_code) for item in data.items]


def _row(item: MapItem, data: MapData, texts: Texts, by_code: dict) -> Row:
    subject, score = item.subject, item.score
    rank, style = by_code.get(score.grade or UNGRADED, by_code[UNGRADED])
    return Row(
        name=subject.name,
        category=subject.category.value,
        category_label=texts.category(subject.category.value),
        kind=texts.kind(subject.kind),
        area=data.area_names.get(subject.area_code or "", subject.area_code or ""),
        score=texts.t("map.unknown") if score.score is None else f"{score.score:.1f}",
        score_value=-1 if score.score is None else score.score,
        grade=style.label if style.code == UNGRADED else f"{style.label} ({style.code})",
        grade_code=style.code,
        grade_rank=rank,
        compliant=texts.t("map.unknown")
        if score.compliant is None
        else texts.t("map.yes" if score.compliant else "map.no"),
        failed=[_failed_text(f, texts) for f in item.failed],
        date=round_date(item.date or item.round.started_at),
        location=_location(item, texts),
    )


def _failed_text(finding, texts: Texts) -> str:
    check = texts.catalog.checks.get(finding.check_id)
    parts = [texts.check_title(finding.check_id), texts.clauses(check), texts.measured_vs_required(finding)]
    return " — ".join(p for p in parts if p)


def _location(item: MapItem, texts: Texts) -> str:
    """The subject's own WGS-84 position (first vertex for lines), or its URL for a portal."""
    geometry = item.subject.geometry
    if geometry:
        coords = geometry["coordinates"]
        while coords and isinstance(coords[0], list):
            coords = coords[0]
        return f"{coords[0]:.5f}, {coords[1]:.5f}"
    return item.subject.url or texts.t("map.no-location")


def signed_points(delta: float, texts: Texts) -> str:
    """A change of a rate in percentage points: '+12.5 pp', '−3.0 百分点' (a real minus sign), never '%'."""
    value = round(delta * 100, 1)
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{sign}{abs(value):.1f} {texts.t('map.points')}"


def _county_rows(data: MapData, texts: Texts) -> list[dict]:
    rows = []
    for shade in sorted(data.counties, key=lambda c: c.area.code):
        agg, change = shade.aggregate, shade.change
        rate = agg.compliance_rate if agg else None
        delta = change.compliance_rate if change else None
        rows.append(
            {
                "name": shade.area.name,
                "n": agg.subjects if agg else 0,
                "mean": texts.t("map.unknown") if not agg or agg.mean_score is None else f"{agg.mean_score:.1f}",
                "mean_value": -1 if not agg or agg.mean_score is None else agg.mean_score,
                "rate": texts.t("map.unknown") if rate is None else f"{rate * 100:.1f}%",
                "rate_value": -1 if rate is None else rate,
                "change": texts.t("map.unknown") if delta is None else signed_points(delta, texts),
                "change_value": -999 if delta is None else delta,
            }
        )
    return rows


def render_table(
    data: MapData,
    texts: Texts,
    styles: list[GradeStyle],
    title: str,
    map_href: str,
    rounds_text: str,
    csv_href: str = "map-table.csv",
    rows: list[Row] | None = None,
    problems: dict | None = None,
) -> str:
    script = (resources.files("audit.render.map") / "static" / "a11y-table.js").read_text(encoding="utf-8")
    rows = table_rows(data, texts, styles) if rows is None else rows
    paged = len(rows) > STATIC_ROW_LIMIT
    return render(
        "table.html.j2",
        lang=texts.lang,
        t=texts.t,
        title=title,
        map_href=map_href,
        rounds_text=rounds_text,
        rows=rows[:PAGE_SIZE] if paged else rows,
        total=len(rows),
        paged=paged,
        page_size=PAGE_SIZE,
        pages=-(-len(rows) // PAGE_SIZE),
        csv_href=csv_href,
        data_id=TABLE_DATA_ID,
        rows_json=rows_json(rows) if paged else "",
        columns=COLUMNS,
        county_columns=COUNTY_COLUMNS,
        counties=_county_rows(data, texts),
        styles=styles,
        table_js=script.replace("</script", "<\\/script"),
        categories=[(c.value, texts.category(c.value)) for c in CATEGORY_ORDER],
        problems=problems or {"items": []},
    )


def rows_json(rows: list[Row]) -> str:
    """Every row for the paged table, repeated texts stored once: {"s": [texts], "r": [rows]}.

    A row is [name, category, category label, kind, area, score, score value, grade, grade code, grade rank,
    compliant, [failed...], date, location]; all but name, the two values, the rank and location are indices
    into "s". Script-safe JSON: user text is only ever set with textContent.
    """
    index: dict[str, int] = {}
    strings: list[str] = []

    def s(text: str) -> int:
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return index[text]

    records = [
        [
            r.name,
            s(r.category),
            s(r.category_label),
            s(r.kind),
            s(r.area),
            s(r.score),
            r.score_value,
            s(r.grade),
            s(r.grade_code),
            r.grade_rank,
            s(r.compliant),
            [s(f) for f in r.failed],
            s(r.date),
            r.location,
        ]
        for r in rows
    ]
    return to_script_json({"s": strings, "r": records})


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """Spreadsheets run cells that start like a formula: such user text is kept as text with a leading '."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def render_csv(rows: list[Row], texts: Texts) -> str:
    """The complete table as CSV (UTF-8 with a byte-order mark, so Excel reads the Chinese text)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([texts.t(f"map.col.{key}") for key, _numeric in COLUMNS])
    for r in rows:
        writer.writerow(
            [
                _cell(r.name),
                r.category_label,
                r.kind,
                _cell(r.area),
                r.score,
                r.grade,
                r.compliant,
                "; ".join(r.failed),
                r.date,
                _cell(r.location),
            ]
        )
    return out.getvalue()
