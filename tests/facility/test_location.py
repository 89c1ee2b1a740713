"""Coordinates: published conversion vectors, Hunan offsets, swapped and out-of-region points, lines."""

import math

import pytest

from audit.facility.location import Region, checked_point, parse_crs, parse_geopoint, parse_line
from audit.facility.values import ValueProblem
from audit.geo import from_wgs84, to_metric, to_wgs84


def metres(a, b):
    (x1, y1), (x2, y2) = to_metric(*a), to_metric(*b)
    return math.hypot(x1 - x2, y1 - y2)


def test_eviltransform_published_vector():
    # eviltransform README: WGS-84 (31.1774276, 121.5272106) -> GCJ-02 (31.17530398, 121.53154186)
    lon, lat = from_wgs84(121.5272106, 31.1774276, "gcj02")
    assert (lon, lat) == pytest.approx((121.53154186, 31.17530398), abs=1e-6)
    back = to_wgs84(121.53154186, 31.17530398, "gcj02")
    assert metres(back, (121.5272106, 31.1774276)) < 2.0


@pytest.mark.parametrize(
    "place, wgs, gcj_m",
    [
        ("Changsha", (112.9388, 28.2282), 664),
        ("Shaoshan", (112.5285, 27.9220), 652),
        ("Wulingyuan", (110.5480, 29.3475), 564),
        ("Mangshan", (112.9850, 24.9540), 625),
    ],
)
def test_hunan_offsets_match_the_reference_and_convert_back(place, wgs, gcj_m):
    gcj = from_wgs84(*wgs, "gcj02")
    assert metres(gcj, wgs) == pytest.approx(gcj_m, abs=40)
    assert 1100 < metres(from_wgs84(*wgs, "bd09"), wgs) < 1300
    for system in ("gcj02", "bd09"):
        converted = checked_point(*from_wgs84(*wgs, system), system, Region())
        assert metres(converted, wgs) < 2.0


def test_swapped_and_outside_points_are_errors():
    with pytest.raises(ValueProblem) as swapped:
        checked_point(28.19, 112.98, "wgs84", Region())
    assert swapped.value.key == "facility.location.swapped"
    with pytest.raises(ValueProblem) as outside:
        checked_point(116.40, 39.90, "wgs84", Region())  # Beijing
    assert outside.value.key == "facility.location.outside"


@pytest.mark.parametrize(
    "text, system",
    [
        ("GCJ-02", "gcj02"),
        ("高德", "gcj02"),
        ("bd09ll", "bd09"),
        ("百度", "bd09"),
        ("WGS84", "wgs84"),
        ("GPS", "wgs84"),
    ],
)
def test_coordinate_system_names(text, system):
    assert parse_crs(text) == system


def test_unknown_coordinate_system():
    with pytest.raises(ValueProblem) as info:
        parse_crs("utm50")
    assert info.value.key == "facility.location.crs-unknown"


def test_geopoints_and_lines_in_each_convention():
    assert parse_geopoint("28.19 112.98 45 5", lat_first=True) == (112.98, 28.19)
    assert parse_line("LINESTRING (112.98 28.19, 112.99 28.19)") == [(112.98, 28.19), (112.99, 28.19)]
    assert parse_line("28.19 112.98 0 5;28.19 112.99 0 5") == [(112.98, 28.19), (112.99, 28.19)]
    assert parse_line("112.98 28.19, 112.99 28.2") == [(112.98, 28.19), (112.99, 28.2)]
    with pytest.raises(ValueProblem):
        parse_line("112.98 28.19")
