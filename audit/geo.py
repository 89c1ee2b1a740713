"""Coordinates: WGS-84 storage, GCJ-02/BD-09 conversion (fast-geocn) and metric distances (pyproj)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import fast_geocn
from pyproj import Transformer

SYSTEMS = ("wgs84", "gcj02", "bd09")

_TO_WGS84: dict[str, Callable[[float, float], tuple[float, float]]] = {
    "wgs84": lambda lon, lat: (lon, lat),
    "gcj02": fast_geocn.gcj02_to_wgs84,
    "bd09": fast_geocn.bd09_to_wgs84,
}
_FROM_WGS84: dict[str, Callable[[float, float], tuple[float, float]]] = {
    "wgs84": lambda lon, lat: (lon, lat),
    "gcj02": fast_geocn.wgs84_to_gcj02,
    "bd09": fast_geocn.wgs84_to_bd09,
}

# Hunan's extent, with a margin: points outside are almost always swapped or mistyped.
HUNAN_BOUNDS = (108.6, 24.5, 114.4, 30.3)


def to_wgs84(lon: float, lat: float, system: str) -> tuple[float, float]:
    """Convert a (lon, lat) in `system` to WGS-84."""
    return _TO_WGS84[_system(system)](lon, lat)


def from_wgs84(lon: float, lat: float, system: str) -> tuple[float, float]:
    """Convert a WGS-84 (lon, lat) to `system`, e.g. for display on Amap (GCJ-02) tiles."""
    return _FROM_WGS84[_system(system)](lon, lat)


def _system(name: str) -> str:
    key = name.lower().replace("-", "").replace("_", "")
    if key not in SYSTEMS:
        raise ValueError(f"unknown coordinate system {name!r}; expected one of {SYSTEMS}")
    return key


def within(lon: float, lat: float, bounds: tuple[float, float, float, float] = HUNAN_BOUNDS) -> bool:
    west, south, east, north = bounds
    return west <= lon <= east and south <= lat <= north


@cache
def _metric(epsg: int) -> tuple[Transformer, Transformer]:
    return (Transformer.from_crs(4326, epsg, always_xy=True), Transformer.from_crs(epsg, 4326, always_xy=True))


def utm_epsg(lon: float) -> int:
    """The UTM zone (northern hemisphere, WGS-84) for a longitude: Hunan is zones 49 and 50."""
    return 32600 + int((lon + 180) // 6) + 1


def to_metric(lon: float, lat: float, epsg: int | None = None) -> tuple[float, float]:
    """Project to metres (UTM by default) for distances and lengths."""
    return _metric(epsg or utm_epsg(lon))[0].transform(lon, lat)


def from_metric(x: float, y: float, epsg: int) -> tuple[float, float]:
    return _metric(epsg)[1].transform(x, y)


def metric_transformers(epsg: int) -> tuple[Transformer, Transformer]:
    """(to metres, back to WGS-84) transformers, for shapely.ops.transform over whole geometries."""
    return _metric(epsg)
