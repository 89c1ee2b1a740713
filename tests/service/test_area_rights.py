"""An inspector's upload never touches another area's facility: county-scoped identity, whole-geometry rights."""

from __future__ import annotations

import csv
import io

import pytest

from audit.service.accounts import Accounts
from tests.service.conftest import bearer
from tests.service.test_uploads import submit

TOILETS = ["submission_id", "name", "lon", "lat", "provision", "door_width", "grab_bars", "call_button", "coord_system"]
ROADS = ["编号", "名称", "路段走向", "设有行进盲道", "坐标系"]
# ~30 km through 雨湖区 (most of it, and the midpoint), 岳塘区 and 湘潭县, all in Xiangtan city (430300)
THREE_COUNTIES = "LINESTRING (112.76 27.88, 112.86 27.90, 112.93 27.88, 112.95 27.85, 112.95 27.78)"
# mostly 雨湖区, its east end in 岳塘区
TWO_COUNTIES = "LINESTRING (112.80 27.92, 112.93 27.88, 112.96 27.86)"
INSIDE_YUHU = "LINESTRING (112.80 27.92, 112.90 27.89)"


def csv_file(header: list[str], *rows: list[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    return buffer.getvalue().encode()


def toilet(sid: str, name: str, lon: str, lat: str) -> list[str]:
    return [sid, name, lon, lat, "toilet-room", "900", "yes", "yes", "wgs84"]


def road(sid: str, name: str, line: str) -> list[str]:
    return [sid, name, line, "是", "wgs84"]


@pytest.fixture
def yuhu(app) -> str:
    """A token of an inspector of one county: 雨湖区 (Xiangtan)."""
    accounts = Accounts(app.extensions["a11y"].stores.get())
    accounts.add("yuhu", "correct-horse-9", "inspector", ("430302",))
    return accounts.new_token("yuhu")


def store_of(app):
    return app.extensions["a11y"].stores.get()


def facility_subjects(app):
    return {s.key: s for s in store_of(app).subjects() if s.key.startswith("facility:")}


def test_the_same_number_in_another_county_never_moves_or_renames_its_facility(app, tokens):
    client = app.test_client()
    changsha = csv_file(TOILETS, toilet("FR-100", "岳麓山公厕", "112.9386", "28.1860"))
    assert submit(client, tokens["yuelu"], [("cs.csv", changsha)]).status_code == 201
    [before] = facility_subjects(app).values()
    xiangtan = csv_file(TOILETS, toilet("FR-100", "雨湖公园公厕", "112.9000", "27.8600"))
    response = submit(client, tokens["xiangtan"], [("xt.csv", xiangtan)])
    assert response.status_code == 201, response.json
    subjects = facility_subjects(app)
    assert len(subjects) == 2
    after = subjects[before.key]
    assert (after.name, after.geometry, after.area_code) == ("岳麓山公厕", before.geometry, "430104")
    [theirs] = [s for key, s in subjects.items() if key != before.key]
    assert (theirs.name, theirs.area_code) == ("雨湖公园公厕", "430302")
    assert theirs.key == "facility:accessible-toilets:430302:FR-100"
    # each county's inspector sees their own facility under the same 编号
    listed = client.get("/api/subjects?area=430104", headers=bearer(tokens["viewer"])).json
    assert [(s["key"], s["name"]) for s in listed] == [(before.key, "岳麓山公厕")]


def test_a_line_through_three_counties_is_refused_for_a_one_county_inspector_naming_the_row(app, tokens, yuhu):
    data = csv_file(ROADS, road("R-1", "雨湖至湘潭县路段", THREE_COUNTIES))
    response = submit(app.test_client(), yuhu, [("roads.csv", data)], checklist="tactile-paving")
    assert response.status_code == 403 and response.json["result"] == "refused", response.json
    [problem] = response.json["problems"]
    assert (problem["file"], problem["row"], problem["value"]) == ("roads.csv", 2, "R-1")
    assert "第2行" in problem["message"] and "430304" in problem["message"] and "430321" in problem["message"]
    assert "430302" not in problem["message"].split("（")[0]  # the covered county is not named as outside
    assert facility_subjects(app) == {}
    english = submit(app.test_client(), yuhu, [("roads.csv", data)], checklist="tactile-paving", lang="en")
    assert "row 2" in english.json["problems"][0]["message"] and "every part" in english.json["problems"][0]["message"]


def test_the_same_line_is_accepted_for_an_inspector_covering_every_county_it_crosses(app, tokens):
    data = csv_file(ROADS, road("R-1", "雨湖至湘潭县路段", THREE_COUNTIES))
    response = submit(app.test_client(), tokens["xiangtan"], [("roads.csv", data)], checklist="tactile-paving")
    assert response.status_code == 201, response.json
    [facility] = response.json["facilities"]
    assert facility["key"] == "facility:tactile-paving:430302:R-1" and facility["area_code"] == "430302"
    stored = store_of(app).get_subject(facility["key"])
    assert stored.attributes["counties"] == ["430302", "430304", "430321"]


def test_an_update_to_a_stored_facility_outside_the_uploaders_areas_is_refused(app, tokens, yuhu):
    client = app.test_client()
    city = csv_file(ROADS, road("R-2", "雨湖岳塘路段", TWO_COUNTIES))
    assert submit(client, tokens["xiangtan"], [("city.csv", city)], checklist="tactile-paving").status_code == 201
    [before] = facility_subjects(app).values()
    assert before.attributes["counties"] == ["430302", "430304"]
    # the 雨湖 inspector's row lies wholly in 雨湖 and names the same facility, which reaches into 岳塘
    mine = csv_file(ROADS, ["R-0", "另一路段", INSIDE_YUHU, "是", "wgs84"], road("R-2", "改名", INSIDE_YUHU))
    response = submit(client, yuhu, [("mine.csv", mine)], checklist="tactile-paving")
    assert response.status_code == 403, response.json
    [problem] = response.json["problems"]
    assert (problem["file"], problem["row"], problem["value"]) == ("mine.csv", 3, "R-2")
    assert problem["key"] == "service.upload.stored-outside-areas" and "430304" in problem["message"]
    after = store_of(app).get_subject(before.key)
    assert (after.name, after.geometry) == ("雨湖岳塘路段", before.geometry)
    assert len(facility_subjects(app)) == 1  # nothing of the refused upload is stored, not even R-0
