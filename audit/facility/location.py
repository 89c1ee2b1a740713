"""Locations as inspectors give them (lon/lat columns, geopoints, lines) -> WGS-84 GeoJSON, with checks."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from shapely import wkt
from shapely.errors import ShapelyError

from audit.facility.county import HUNAN, in_province, province_box, province_names
from audit.facility.values import ValueProblem
from audit.geo import SYSTEMS, to_wgs84, within

_CRS_ALIASES = {
    "wgs84": "wgs84",
    "wgs-84": "wgs84",
    "wgs 84": "wgs84",
    "gps": "wgs84",
    "epsg:4326": "wgs84",
    "4326": "wgs84",
    "cgcs2000": "wgs84",
    "天地图": "wgs84",
    "gcj02": "gcj02",
    "gcj-02": "gcj02",
    "gcj": "gcj02",
    "火星坐标": "gcj02",
    "高德": "gcj02",
    "amap": "gcj02",
    "腾讯": "gcj02",
    "tencent": "gcj02",
    "bd09": "bd09",
    "bd-09": "bd09",
    "bd09ll": "bd09",
    "百度": "bd09",
    "baidu": "bd09",
}


def parse_crs(text: str) -> str:
    key = text.strip().lower()
    if key in SYSTEMS:
        return key
    if key in _CRS_ALIASES:
        return _CRS_ALIASES[key]
    raise ValueProblem("facility.location.crs-unknown", crs=text)


def parse_degrees(text: str) -> float:
    try:
        value = float(text.strip().rstrip("°"))
    except ValueError:
        raise ValueProblem("facility.location.invalid") from None
    if math.isnan(value) or abs(value) > 180:
        raise ValueProblem("facility.location.invalid")
    return value


@dataclass(frozen=True)
class Region:
    """The configured province points must fall in (a GB/T 2260 code, Hunan by default): a bounding box
    to tell swapped coordinates (`bounds`, default the province's extent with a margin), and with
    `counties` (the default) inside one of its counties, since the box also holds parts of its neighbours."""

    province: str = HUNAN
    counties: bool = True
    bounds: tuple[float, float, float, float] | None = None

    def box(self) -> tuple[float, float, float, float]:
        return self.bounds or province_box(self.province)


def checked_point(lon: float, lat: float, crs: str, region: Region) -> tuple[float, float]:
    """Convert to WGS-84 and refuse swapped or out-of-region points (7 decimals: ~1 cm)."""
    box = region.box()
    if not within(lon, lat, box):
        if within(lat, lon, box):
            raise ValueProblem("facility.location.swapped", lon=lon, lat=lat, **province_names(region.province))
        raise ValueProblem("facility.location.outside", lon=lon, lat=lat, **province_names(region.province))
    x, y = to_wgs84(lon, lat, crs)
    x, y = round(x, 7), round(y, 7)
    if region.counties and not in_province(x, y, region.province):
        raise ValueProblem("facility.location.outside-province", lon=x, lat=y, **province_names(region.province))
    return x, y


_SPLIT_POINTS = re.compile(r"\s*[;；]\s*")
_COMMA_PAIR = re.compile(r"^[^\s,，]+\s*[,，]\s*[^\s,，]+$")


def parse_geopoint(text: str, lat_first: bool) -> tuple[float, float]:
    """'28.19 112.98 45 5' (ODK/Kobo: lat lon alt acc) or '112.98,28.19' (lon,lat) -> (lon, lat)."""
    parts = [p for p in re.split(r"[\s,，]+", text.strip()) if p]
    if len(parts) < 2:
        raise ValueProblem("facility.location.invalid")
    a, b = parse_degrees(parts[0]), parse_degrees(parts[1])
    return (b, a) if lat_first else (a, b)


def parse_line(text: str) -> list:
    """A line as WKT ('LINESTRING (112.98 28.19, ...)'), as 'lon lat, lon lat', an ODK geotrace
    ('lat lon alt acc;lat lon alt acc') or an Amap/Baidu polyline ('lon,lat;lon,lat'). Returns raw
    (lon, lat) pairs, not yet converted; a WKT MULTILINESTRING gives one list of pairs per part."""
    raw = text.strip()
    if raw.upper().startswith("MULTILINESTRING"):
        try:
            parts = [[(x, y) for x, y, *_ in line.coords] for line in wkt.loads(raw).geoms]
        except (ShapelyError, AttributeError):
            raise ValueProblem("facility.location.geometry") from None
        if not parts or any(len(part) < 2 for part in parts):
            raise ValueProblem("facility.location.geometry")
        return parts
    if raw.upper().startswith("LINESTRING"):
        try:
            geometry = wkt.loads(raw)
        except ShapelyError:
            raise ValueProblem("facility.location.geometry") from None
        points = [(x, y) for x, y, *_ in geometry.coords]
    elif ";" in raw or "；" in raw:
        # ODK geotrace: 'lat lon alt acc;...'; Amap/Baidu polylines: 'lon,lat;lon,lat'.
        parts = [part for part in _SPLIT_POINTS.split(raw) if part]
        points = [parse_geopoint(part, lat_first=not _COMMA_PAIR.match(part)) for part in parts]
    else:
        points = [parse_geopoint(part, lat_first=False) for part in re.split(r"\s*,\s*", raw) if part]
    if len(points) < 2:
        raise ValueProblem("facility.location.geometry")
    return points


def point_geometry(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


def line_geometry(points: list[tuple[float, float]]) -> dict:
    return {"type": "LineString", "coordinates": [list(p) for p in points]}
