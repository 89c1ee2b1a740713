"""Administrative areas (GB/T 2260) of Hunan with boundaries, and point-to-county lookup."""

from audit.areas.loading import load_into
from audit.areas.lookup import counties_along, counties_at, county_at
from audit.areas.registry import DISPLAY_TOLERANCE_DEG, Area, get_area, hunan_areas
from audit.areas.source import HUNAN, source_version

__all__ = [
    "DISPLAY_TOLERANCE_DEG",
    "HUNAN",
    "Area",
    "counties_along",
    "counties_at",
    "county_at",
    "get_area",
    "hunan_areas",
    "load_into",
    "source_version",
]
