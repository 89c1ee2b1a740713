"""Loading the circle YAML: the three mission circles, and errors that name the file and item."""

from __future__ import annotations

import textwrap

import pytest
from shapely.geometry import Point, shape

from audit.areas import county_at
from audit.catalog import ChecklistError
from audit.circles import load_circles

VALID = """
id: tiny
version: 1
name: {zh: 测试服务圈, en: Test circle}
city: "430300"
county: "430382"
area: {centre: [112.53, 27.92], radius_m: 2000}
points:
  - id: gate
    name: {zh: 大门, en: Gate}
    kind: entrance
    location: [112.53, 27.92]
"""


def write(root, name, text):
    (root / "circles" / name).write_text(textwrap.dedent(text), encoding="utf-8")


def problems_of(root) -> tuple[str, str]:
    with pytest.raises(ChecklistError) as caught:
        load_circles(root)
    return caught.value.path, str(caught.value)


def test_the_three_mission_circles():
    circles = {c.id: c for c in load_circles()}
    assert sorted(circles) == ["mangshan", "shaoshan", "wulingyuan"]
    assert (circles["mangshan"].city, circles["mangshan"].county) == ("431000", "431022")
    assert (circles["shaoshan"].city, circles["shaoshan"].county) == ("430300", "430382")
    assert (circles["wulingyuan"].city, circles["wulingyuan"].county) == ("430800", "430811")
    for circle in circles.values():
        assert circle.approximate and circle.geometry_note["en"]
        assert shape(circle.polygon).is_valid
        for point in circle.points:
            # Every entrance and attraction lies in the county the circle names, and inside its area.
            assert county_at(point.lon, point.lat).code == circle.county, point.id
            assert shape(circle.polygon).covers(Point(point.lon, point.lat))


def test_a_centre_and_radius_become_a_polygon_of_that_size(circle_root):
    write(circle_root, "tiny.yaml", VALID)
    (circle,) = load_circles(circle_root)
    assert circle.polygon["type"] == "Polygon"
    area_km2 = shape(circle.polygon).area * (111.32 * 0.8843) * 110.85  # degrees² -> km² at 27.9° N
    assert area_km2 == pytest.approx(3.1416 * 2.0**2, rel=0.02)


def test_schema_error_names_file_and_item(circle_root):
    write(circle_root, "bad.yaml", VALID.replace("kind: entrance", "kind: gate"))
    path, message = problems_of(circle_root)
    assert path == "checklists/circles/bad.yaml"
    assert "points[0] (id gate) > kind" in message and "'gate'" in message


def test_missing_field_and_bad_radius_are_all_reported(circle_root):
    write(circle_root, "bad.yaml", VALID.replace("radius_m: 2000", "radius_m: -5").replace('city: "430300"\n', ""))
    _, message = problems_of(circle_root)
    assert "'city' is a required property" in message
    assert "area" in message


def test_duplicate_point_ids(circle_root):
    doubled = (
        VALID
        + """  - id: gate
    name: {zh: 又一个大门, en: Another gate}
    kind: entrance
    location: [112.531, 27.921]
"""
    )
    write(circle_root, "dup.yaml", doubled)
    _, message = problems_of(circle_root)
    assert "points[1] (id gate) > id: 'gate' is used more than once" in message


def test_point_outside_the_area_suggests_swapped_coordinates(circle_root):
    write(circle_root, "far.yaml", VALID.replace("location: [112.53, 27.92]", "location: [112.60, 27.92]"))
    _, message = problems_of(circle_root)
    assert "points[0] (id gate) > location" in message and "outside the circle's area" in message


def test_county_must_belong_to_the_city(circle_root):
    write(circle_root, "wrong.yaml", VALID.replace('county: "430382"', 'county: "430811"'))
    _, message = problems_of(circle_root)
    assert "county: 430811 is not a county of city 430300" in message


def test_the_same_id_in_two_files(circle_root):
    write(circle_root, "a.yaml", VALID)
    write(circle_root, "b.yaml", VALID)
    path, message = problems_of(circle_root)
    assert path == "checklists/circles/b.yaml" and "already used by checklists/circles/a.yaml" in message


def test_yaml_syntax_error_gives_line(circle_root):
    write(circle_root, "broken.yaml", "id: [unclosed\n")
    path, message = problems_of(circle_root)
    assert path == "checklists/circles/broken.yaml" and "line" in message


def test_gcj02_input_is_converted_to_wgs84(circle_root):
    from audit.geo import from_wgs84

    lon, lat = from_wgs84(112.53, 27.92, "gcj02")
    text = VALID.replace("location: [112.53, 27.92]", f"location: [{lon:.7f}, {lat:.7f}]")
    write(circle_root, "gcj.yaml", text.replace("area:", "coord_system: gcj02\narea:"))
    (circle,) = load_circles(circle_root)
    assert (circle.points[0].lon, circle.points[0].lat) == pytest.approx((112.53, 27.92), abs=2e-6)
