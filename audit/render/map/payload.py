"""The map's data as compact JSON for the page script: one array per item, shared tables for the rest."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from audit.model import Category
from audit.render.map.data import CIRCLE_KIND, MapData, MapItem
from audit.render.map.geometry import BOUNDARY_TOLERANCE_DEG, Projector, representative_lonlat
from audit.render.map.style import (
    COUNTY_BINS,
    COUNTY_NO_DATA,
    GAP_STYLE,
    ROAD_DASH_NON_COMPLIANT,
    ROAD_WEIGHT,
    UNGRADED,
    GradeStyle,
    county_bin,
)
from audit.render.map.text import Texts, round_date

# The layer order in the control: streets first, portals last (they sit at their area's centre).
CATEGORY_ORDER = (
    Category.ROADS,
    Category.TOILETS,
    Category.BUILDINGS,
    Category.PARKING,
    Category.SCENIC,
    Category.INFORMATION,
)
LINE_TYPES = ("LineString", "MultiLineString")
AREA_TYPES = ("Polygon", "MultiPolygon")

# Fields of an item record, in order (documented for tests and the script). `failed` is a list of
# [check index, measured-vs-required index]: both point into shared tables (`checks`, `texts`), since
# 100,000 items repeat the same few checks and values.
RECORD_FIELDS = (
    "geometry",
    "style",
    "blocked",
    "compliant",
    "name",
    "score",
    "kind",
    "area",
    "round",
    "failed",
    "photos",
    "url",
)
# `failed`, `photos` and `url` are left out of a record, from the end, when empty.
OPTIONAL_FROM = RECORD_FIELDS.index("failed")
LABEL_KEYS = (
    "col.category",
    "col.kind",
    "col.area",
    "col.score",
    "col.grade",
    "col.compliant",
    "col.failed",
    "col.round",
    "col.photos",
    "yes",
    "no",
    "unknown",
    "no-failed",
    "items",
    "gap-length",
)


class _Interner:
    """Repeated strings (kinds, areas, dates, checks) stored once and referred to by index."""

    def __init__(self):
        self.index: dict[Any, int] = {}
        self.values: list[Any] = []

    def __call__(self, key: Any, value: Any = None) -> int:
        if key not in self.index:
            self.index[key] = len(self.values)
            self.values.append(key if value is None else value)
        return self.index[key]


def build_payload(
    data: MapData, texts: Texts, styles: list[GradeStyle], projector: Projector, photo_base: str
) -> dict[str, Any]:
    """Everything the page script draws; user text only ever appears as JSON string values."""
    builder = _PayloadBuilder(texts, styles, projector, data.area_names)
    categories = {
        c.value: {"id": c.value, "name": texts.t(f"map.layer.{c.value}"), "points": [], "lines": []}
        for c in CATEGORY_ORDER
    }
    circles: list[list] = []
    for item in data.items:
        builder.place(item, categories, circles)
    return {
        "lang": texts.lang,
        "labels": {key: texts.t(f"map.{key}", n="{n}", length="{length}") for key in LABEL_KEYS},
        "styles": [
            {"code": s.code, "label": s.label, "colour": s.colour, "svg": s.svg(), "svgBlocked": s.svg(blocked=True)}
            for s in styles
        ],
        "categories": list(categories.values()),
        "circles": {"name": texts.t("map.layer.circles"), "items": circles, "gaps": builder.circle_gaps},
        "gaps": {"name": texts.t("map.layer.gaps"), "items": builder.gaps},
        "counties": _counties(data, texts, projector),
        "kinds": builder.kinds.values,
        "areas": builder.areas.values,
        "rounds": builder.rounds.values,
        "checks": builder.checks.values,
        "texts": builder.measured.values,
        "photoBase": photo_base,
        "road": {"weight": ROAD_WEIGHT, "dash": ROAD_DASH_NON_COMPLIANT},
        "gapStyle": GAP_STYLE,
    }


class _PayloadBuilder:
    def __init__(self, texts: Texts, styles: list[GradeStyle], projector: Projector, area_names: dict[str, str]):
        self.texts = texts
        self.projector = projector
        self.style_index = {s.code: i for i, s in enumerate(styles)}
        self.kinds, self.areas, self.rounds, self.checks = _Interner(), _Interner(), _Interner(), _Interner()
        self.measured = _Interner()
        self.measured("")  # index 0: no measured value
        self.gaps: list[list] = []
        self.circle_gaps: list[list] = []
        self.area_names = area_names

    def place(self, item: MapItem, categories: dict[str, dict], circles: list[list]) -> None:
        """Append the item to the list it is drawn from; items with no geometry are only in the table."""
        geometry = item.geometry
        if not geometry:
            return
        kind = geometry.get("type")
        if item.subject.kind == CIRCLE_KIND and kind in AREA_TYPES:
            circles.append(self.record(item, self.projector.coords(geometry["coordinates"])))
            self.add_gaps(item, self.circle_gaps)
        elif kind in LINE_TYPES:
            record = self.record(item, self.projector.coords(geometry["coordinates"]))
            categories[item.subject.category.value]["lines"].append(record)
            self.add_gaps(item, self.gaps)
        elif kind == "Point":
            categories[item.subject.category.value]["points"].append(
                self.record(item, self.projector.latlon(*geometry["coordinates"][:2]))
            )
        elif kind in AREA_TYPES:
            lon, lat = representative_lonlat(geometry)
            categories[item.subject.category.value]["points"].append(self.record(item, self.projector.latlon(lon, lat)))

    def record(self, item: MapItem, position: Any) -> list:
        record = self._record(item, position)
        # Most items have no failed check, photo or URL: leave those trailing fields out (fewer bytes, and fewer
        # objects for the browser to parse and keep; the script reads a missing field as empty).
        while len(record) > OPTIONAL_FROM and not record[-1]:
            record.pop()
        return record

    def _record(self, item: MapItem, position: Any) -> list:
        subject, score = item.subject, item.score
        return [
            position,
            self.style_index.get(score.grade or UNGRADED, self.style_index[UNGRADED]),
            1 if score.blocking_checks else 0,
            None if score.compliant is None else int(score.compliant),
            subject.name,
            score.score,
            self.kinds(subject.kind, self.texts.kind(subject.kind)),
            self.areas(subject.area_code or "", self.area_label(item)),
            self.rounds((item.round.id, item.date), round_date(item.date or item.round.started_at)),
            [[self.check(f.check_id), self.measured(self.texts.measured_vs_required(f))] for f in item.failed],
            photos_of(item),
            subject.url or "",
        ]

    def area_label(self, item: MapItem) -> str:
        code = item.subject.area_code or ""
        return self.area_names.get(code, code)

    def check(self, check_id: str) -> int:
        known = self.checks.index.get(check_id)
        if known is not None:
            return known
        check = self.texts.catalog.checks.get(check_id)
        return self.checks(check_id, [self.texts.check_title(check_id), self.texts.clauses(check)])

    def add_gaps(self, item: MapItem, into: list[list]) -> None:
        """Failed findings' evidence geometries: tactile-paving gaps on a road, uncovered points of a circle.

        A gap is [shape P|L, coordinates, check index, length in metres or None, subject name, where].
        """
        for finding in item.failed:
            for evidence in finding.evidence:
                geometry = evidence.get("geometry")
                if not isinstance(geometry, Mapping) or "coordinates" not in geometry:
                    continue
                shape = "P" if geometry.get("type") == "Point" else "L"
                coords = (
                    self.projector.latlon(*geometry["coordinates"][:2])
                    if shape == "P"
                    else self.projector.coords(geometry["coordinates"])
                )
                into.append(
                    [
                        shape,
                        coords,
                        self.check(finding.check_id),
                        evidence.get("length_m"),
                        item.subject.name,
                        str(evidence.get("where") or ""),
                    ]
                )


def photos_of(item: MapItem) -> list[str]:
    """Stored photo file names of the subject and of its failed findings' evidence, without repeats."""
    names = item.subject.attributes.get("photos") or []
    if item.failed:
        names = list(names) + [e["photo"] for f in item.failed for e in f.evidence if isinstance(e.get("photo"), str)]
    if not names:
        return []
    return list(dict.fromkeys(str(n) for n in names if n))


def _counties(data: MapData, texts: Texts, projector: Projector) -> dict[str, Any]:
    features = []
    for shade in data.counties:
        agg, change = shade.aggregate, shade.change
        rate = agg.compliance_rate if agg else None
        features.append(
            {
                "type": "Feature",
                "geometry": projector.feature_geometry(shade.area.geometry, BOUNDARY_TOLERANCE_DEG),
                "properties": {
                    "name": shade.area.name,
                    "code": shade.area.code,
                    "rate": rate,
                    "mean": agg.mean_score if agg else None,
                    "n": agg.subjects if agg else 0,
                    "change": change.compliance_rate if change else None,
                    "bin": county_bin(rate),
                },
            }
        )
    return {
        "name": texts.t("map.layer.counties"),
        "labels": {
            "rate": texts.t("map.col.rate"),
            "mean": texts.t("map.col.mean"),
            "n": texts.t("map.col.count"),
            "change": texts.t("map.col.change"),
            "points": texts.t("map.points"),
            "noData": texts.t("map.legend.no-data"),
        },
        "bins": [colour for _low, _high, colour in COUNTY_BINS],
        "noData": COUNTY_NO_DATA,
        "geojson": {"type": "FeatureCollection", "features": features},
    }


def to_script_json(payload: Mapping[str, Any]) -> str:
    """JSON safe inside <script type="application/json">: '<', '>' and '&' become \\u escapes."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def iter_records(payload: Mapping[str, Any]) -> Iterable[tuple[str, list]]:
    """(category id, record) of every drawn item; used by tests and the table."""
    for category in payload["categories"]:
        for record in category["points"] + category["lines"]:
            yield category["id"], record
