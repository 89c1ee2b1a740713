"""GeoJSON (WGS-84, lon/lat) to Leaflet's (lat, lon) in the base map's datum, simplified for display."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shapely.geometry import mapping, shape

from audit.geo import from_wgs84

# About 1 m at Hunan's latitude: more digits only make the page heavier.
DIGITS = 5
# County boundaries are drawn at about 100 m precision: enough for a province-wide choropleth.
BOUNDARY_TOLERANCE_DEG = 0.001


class Projector:
    """Converts WGS-84 positions to the tiles' datum and flips them to Leaflet's (lat, lon) order."""

    def __init__(self, system: str):
        self.system = system

    def latlon(self, lon: float, lat: float) -> list[float]:
        if self.system != "wgs84":
            lon, lat = from_wgs84(lon, lat, self.system)
        return [round(lat, DIGITS), round(lon, DIGITS)]

    def coords(self, coordinates: Any) -> Any:
        """Nested GeoJSON coordinate arrays, any depth, converted position by position."""
        if coordinates and isinstance(coordinates[0], (int, float)):
            return self.latlon(coordinates[0], coordinates[1])
        return [self.coords(part) for part in coordinates]

    def feature_geometry(self, geometry: Mapping[str, Any], simplify: float = 0.0) -> dict[str, Any]:
        """A GeoJSON geometry kept in lon/lat order (for L.geoJSON) but in the display datum."""
        if simplify:
            geometry = mapping(shape(geometry).simplify(simplify, preserve_topology=True))
        converted = self.coords(geometry["coordinates"])
        return {"type": geometry["type"], "coordinates": _swap(converted)}


def _swap(coordinates: Any) -> Any:
    if coordinates and isinstance(coordinates[0], (int, float)):
        return [coordinates[1], coordinates[0]]
    return [_swap(part) for part in coordinates]


def representative_lonlat(geometry: Mapping[str, Any]) -> tuple[float, float]:
    """A point inside a polygon (for placing a portal at its area), or the point itself."""
    point = shape(geometry).representative_point()
    return point.x, point.y
