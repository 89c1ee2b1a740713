"""What a map shows, gathered from stored rounds: scored items with their failed checks, and counties."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from audit.areas import DEFAULT_REGION, province_areas, store_region
from audit.areas import get_area as registry_get_area
from audit.model import Aggregate, Change, Finding, Outcome, Subject, SubjectScore, aggregate, compare, is_within
from audit.model.rollup import ALL
from audit.render.map.geometry import representative_lonlat
from audit.render.view import RoundView
from audit.store import Area, Round, Store

CIRCLE_KIND = "service-circle"


@dataclass
class MapItem:
    """One scored subject of one round, with its failed findings and where to draw it (None: table only)."""

    subject: Subject
    score: SubjectScore
    round: Round
    failed: list[Finding]
    geometry: Mapping[str, Any] | None
    date: str = ""  # the inspection date written on the row (facilities), else the round's first day


@dataclass(frozen=True)
class CountyShade:
    """A county boundary with its aggregate over every category, and the change since the last round."""

    area: Area
    aggregate: Aggregate | None
    change: Change | None


@dataclass
class MapData:
    items: list[MapItem]
    counties: list[CountyShade]
    rounds: list[Round]
    area: Area | None = None
    area_names: dict[str, str] = field(default_factory=dict)
    region: str = DEFAULT_REGION  # the province the map is of: its extent is the view when nothing is drawn


def collect(views: Sequence[RoundView], version: str, lang: str = "zh", region: str | None = None) -> MapData:
    """Everything the map and its table need, read from the views (scores as stored, never recomputed).

    `region` is the configured province; None: the one the store was loaded for (`areas load`), else Hunan."""
    if not views:
        raise ValueError("no round to map")
    store = views[0].store
    scope = views[0].area
    region = region or store_region(store) or DEFAULT_REGION
    areas = _AreaIndex(store, lang, region)
    items = [item for view in views for item in _items(view, areas)]
    previous = [p for p in (view.previous(version) for view in views) if p is not None]
    return MapData(
        items=items,
        counties=_counties(areas, scope, views, previous),
        rounds=[view.round for view in views],
        area=areas.get(scope) if scope else None,
        area_names=areas.names({i.subject.area_code for i in items if i.subject.area_code}),
        region=region,
    )


def _failed_by_subject(view: RoundView) -> dict[str, list[Finding]]:
    failed: dict[str, list[Finding]] = defaultdict(list)
    for finding in view.findings(outcome=Outcome.FAIL):
        failed[finding.subject_key].append(finding)
    return failed


def _items(view: RoundView, areas: _AreaIndex) -> Iterable[MapItem]:
    failed = _failed_by_subject(view)
    for subject, score in view.pairs():
        geometry = subject.geometry or areas.anchor(subject.area_code)
        yield MapItem(subject, score, view.round, failed.get(subject.key, []), geometry, view.inspected_on(subject.key))


def _pairs(views: Iterable[RoundView]) -> Iterable[tuple[Subject, SubjectScore]]:
    return chain.from_iterable(view.pairs() for view in views)


def _counties(
    areas: _AreaIndex, scope: str | None, views: Sequence[RoundView], previous: Sequence[RoundView]
) -> list[CountyShade]:
    boundaries = [a for a in areas.counties() if a.geometry and (not scope or is_within(a.code, scope))]
    if not boundaries:
        return []
    now = aggregate(_pairs(views))
    changes = compare(now, aggregate(_pairs(previous))) if previous else {}
    return [CountyShade(a, now.get((a.code, ALL)), changes.get((a.code, ALL))) for a in boundaries]


class _AreaIndex:
    """Areas from the store (`a11y-audit areas load`), else from the bundled registry of the region (audit.areas).

    Gives names in the map's language, county boundaries, and a point inside an area for subjects with
    no geometry of their own (portals are drawn at their area).
    """

    def __init__(self, store: Store, lang: str, region: str = DEFAULT_REGION):
        self.store = store
        self.lang = lang
        self.region = region
        self._cache: dict[str, Area | None] = {}
        self._anchors: dict[str, Mapping[str, Any] | None] = {}

    def get(self, code: str | None) -> Area | None:
        if not code:
            return None
        if code not in self._cache:
            self._cache[code] = self.store.get_area(code) or _registry_area(code)
        return self._cache[code]

    def counties(self) -> list[Area]:
        stored = self.store.areas(level="county")
        return stored if stored else [_as_store_area(a) for a in province_areas(self.region, level="county")]

    def anchor(self, code: str | None) -> Mapping[str, Any] | None:
        if not code:
            return None
        if code not in self._anchors:
            area = self.get(code)
            point = representative_lonlat(area.geometry) if area and area.geometry else None
            self._anchors[code] = {"type": "Point", "coordinates": list(point)} if point else None
        return self._anchors[code]

    def names(self, codes: Iterable[str]) -> dict[str, str]:
        return {code: self.label(area) for code in codes if (area := self.get(code)) is not None}

    def label(self, area: Area) -> str:
        if self.lang != "zh":
            known = registry_get_area(area.code)
            if known is not None:
                return known.label(self.lang)
        return area.name


def _registry_area(code: str) -> Area | None:
    known = registry_get_area(code)
    return _as_store_area(known) if known is not None else None


def _as_store_area(area) -> Area:
    return Area(area.code, area.name, area.level, area.parent, area.geometry)
