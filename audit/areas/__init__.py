"""Administrative areas (GB/T 2260) of a configured province (Hunan by default) with boundaries, and
point-to-county lookup."""

from audit.areas.loading import RegionMismatch, load_into, store_region
from audit.areas.lookup import counties_along, counties_at, county_at
from audit.areas.registry import DISPLAY_TOLERANCE_DEG, Area, get_area, hunan_areas, province_areas
from audit.areas.source import DEFAULT_REGION, HUNAN, Province, provinces, source_version
from audit.areas.validate import UnknownRegion, check_region, province_of, valid_region_list

__all__ = [
    "DEFAULT_REGION",
    "DISPLAY_TOLERANCE_DEG",
    "HUNAN",
    "Area",
    "Province",
    "RegionMismatch",
    "UnknownRegion",
    "check_region",
    "counties_along",
    "counties_at",
    "county_at",
    "get_area",
    "hunan_areas",
    "load_into",
    "province_areas",
    "province_of",
    "provinces",
    "source_version",
    "store_region",
    "valid_region_list",
]
