"""The map's accessible alternative: a plain, sortable, filterable HTML table of the same data."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from audit.render.map.data import MapData, MapItem
from audit.render.map.payload import CATEGORY_ORDER
from audit.render.map.style import UNGRADED, GradeStyle
from audit.render.map.templating import render
from audit.render.map.text import Texts, round_date

COLUMNS = (("name", False), ("category", False), ("kind", False), ("area", False), ("score", True),
           ("grade", True), ("compliant", False), ("failed", True), ("round", False), ("location", False))
COUNTY_COLUMNS = (("map.col.area", False), ("map.col.count", True), ("map.col.mean", True), ("map.col.rate", True),
                  ("map.col.change", True))


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
        compliant=texts.t("map.unknown") if score.compliant is None else
        texts.t("map.yes" if score.compliant else "map.no"),
        failed=[_failed_text(f, texts) for f in item.failed],
        date=round_date(item.round.started_at),
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


def _county_rows(data: MapData, texts: Texts) -> list[dict]:
    rows = []
    for shade in sorted(data.counties, key=lambda c: c.area.code):
        agg, change = shade.aggregate, shade.change
        rate = agg.compliance_rate if agg else None
        delta = change.compliance_rate if change else None
        rows.append({
            "name": shade.area.name, "n": agg.subjects if agg else 0,
            "mean": texts.t("map.unknown") if not agg or agg.mean_score is None else f"{agg.mean_score:.1f}",
            "mean_value": -1 if not agg or agg.mean_score is None else agg.mean_score,
            "rate": texts.t("map.unknown") if rate is None else f"{rate * 100:.1f}%",
            "rate_value": -1 if rate is None else rate,
            "change": texts.t("map.unknown") if delta is None else f"{delta * 100:+.1f}%",
            "change_value": -999 if delta is None else delta,
        })
    return rows


def render_table(data: MapData, texts: Texts, styles: list[GradeStyle], title: str, map_href: str,
                 rounds_text: str) -> str:
    script = (resources.files("audit.render.map") / "static" / "a11y-table.js").read_text(encoding="utf-8")
    return render(
        "table.html.j2", lang=texts.lang, t=texts.t, title=title, map_href=map_href, rounds_text=rounds_text,
        rows=table_rows(data, texts, styles), columns=COLUMNS, county_columns=COUNTY_COLUMNS,
        counties=_county_rows(data, texts), styles=styles, table_js=script.replace("</script", "<\\/script"),
        categories=[(c.value, texts.category(c.value)) for c in CATEGORY_ORDER],
    )
