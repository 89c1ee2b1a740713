"""Point -> county lookup, single and batched, inside and outside Hunan."""

from __future__ import annotations

import pytest

from audit.areas import counties_at, county_at

KNOWN = {
    (112.9300, 28.2300): "430104",  # Yuelu district, Changsha (Yuelu mountain area)
    (112.5268, 27.9155): "430382",  # Shaoshan city, Xiangtan (Mao Zedong's former residence)
    (110.5480, 29.3470): "430811",  # Wulingyuan district, Zhangjiajie (town gate)
    (112.9550, 24.9600): "431022",  # Yizhang county, Chenzhou (Mangshan)
    (109.7350, 28.3100): "433101",  # Jishou city, Xiangxi prefecture
}
OUTSIDE = [
    (114.3055, 30.5928),  # Wuhan
    (113.2644, 23.1291),  # Guangzhou
    (0.0, 0.0),
    (27.92, 112.53),  # Shaoshan with longitude and latitude swapped
]


@pytest.mark.parametrize(("point", "code"), KNOWN.items())
def test_known_points(point, code):
    area = county_at(*point)
    assert area is not None and area.code == code and area.level == "county"


@pytest.mark.parametrize("point", OUTSIDE)
def test_points_outside_hunan(point):
    assert county_at(*point) is None


def test_batch_matches_single_lookups():
    points = list(KNOWN) + OUTSIDE
    assert [a.code if a else None for a in counties_at(points)] == [
        a.code if a else None for a in (county_at(*p) for p in points)
    ]
    assert counties_at([]) == []


def test_a_point_on_a_shared_border_gets_one_stable_county():
    import shapely

    from audit.areas.registry import registry

    yuelu = next(geometry for area, geometry in registry().exact_counties if area.code == "430104")
    # A vertex of Yuelu's boundary that is not on the province edge is shared with a neighbour.
    lon, lat = shapely.get_coordinates(yuelu)[0]
    first = county_at(lon, lat)
    assert first is not None
    assert counties_at([(lon, lat)])[0] == first == county_at(lon, lat)
