"""A facility is its checklist, the county it lies in and its 编号: no county's upload addresses another's."""

from click.testing import CliRunner

from audit.cli import cli
from audit.facility.ingest import IngestOptions
from audit.runs.facility import ingest, read_files
from audit.store import open_store
from tests.facility.conftest import TOILET_HEADER, csv_bytes, toilet_row

FURONG = ("112.977", "28.196")  # 芙蓉区, Changsha
YUHU = ("112.900", "27.860")  # 雨湖区, Xiangtan
TIANXIN = ("112.980", "28.110")  # 天心区, Changsha
ROAD_HEADER = ["编号", "名称", "路段走向", "设有行进盲道", "坐标系"]


def cli_ingest(tmp_path, db, name, rows):
    path = tmp_path / name
    path.write_bytes(csv_bytes([TOILET_HEADER, *rows]))
    outcome = CliRunner().invoke(cli, ["--db", str(db), "facility", "ingest", str(path), "--round", "2025q2"])
    assert outcome.exit_code == 0, outcome.output


def named_toilet(sid, place, name, door="推拉"):
    row = toilet_row(sid, *place, door=door)
    row[1] = name
    return row


def test_two_counties_both_numbering_t001_are_two_facilities_and_neither_changes_the_other(tmp_path):
    db = tmp_path / "s.db"
    cli_ingest(tmp_path, db, "furong.csv", [named_toilet("T-001", FURONG, "五一广场公厕", door="内开")])
    cli_ingest(tmp_path, db, "yuhu.csv", [named_toilet("T-001", YUHU, "雨湖公园公厕")])
    store = open_store(db)
    subjects = {s.key: s for s in store.subjects()}
    assert set(subjects) == {"facility:accessible-toilets:430102:T-001", "facility:accessible-toilets:430302:T-001"}
    furong = subjects["facility:accessible-toilets:430102:T-001"]
    assert furong.name == "五一广场公厕" and furong.geometry["coordinates"] == [112.977, 28.196]
    [round_] = store.rounds("facility")
    doors = {f.subject_key: f.outcome.value for f in store.findings(round_.id) if f.check_id == "toilet-room-door"}
    assert doors == {furong.key: "fail", "facility:accessible-toilets:430302:T-001": "pass"}
    store.close()


def test_a_row_moving_a_facility_into_another_county_leaves_the_first_countys_facility_as_it_was(tmp_path, catalog):
    store = open_store(tmp_path / "s.db")
    for name, place in (("五一广场公厕", FURONG), ("搬走了？", TIANXIN)):
        path = tmp_path / "t.csv"
        path.write_bytes(csv_bytes([TOILET_HEADER, named_toilet("T-001", place, name)]))
        assert ingest(store, catalog, read_files([path], catalog, IngestOptions()), "2025q2").stored
    subjects = {s.key: s for s in store.subjects()}
    assert subjects["facility:accessible-toilets:430102:T-001"].name == "五一广场公厕"
    assert subjects["facility:accessible-toilets:430103:T-001"].name == "搬走了？"
    store.close()


def test_a_line_is_filed_under_the_county_holding_most_of_it_and_knows_every_county_it_crosses(read):
    line = "LINESTRING (112.76 27.88, 112.86 27.90, 112.93 27.88, 112.95 27.85, 112.95 27.78)"
    result = read(
        csv_bytes([ROAD_HEADER, ["R-1", "路段", line, "是", "wgs84"]]), "roads.csv", checklist_id="tactile-paving"
    )
    assert not result.errors, [p.key for p in result.errors]
    [row] = result.rows
    assert (row.county, row.counties) == ("430302", ("430302", "430304", "430321"))
    assert row.key == "facility:tactile-paving:430302:R-1"


def test_a_line_inside_one_county_touches_only_that_county(read):
    line = "LINESTRING (112.977 28.196, 112.980 28.200)"
    [row] = read(
        csv_bytes([ROAD_HEADER, ["R-2", "路段", line, "是", "wgs84"]]), "roads.csv", checklist_id="tactile-paving"
    ).rows
    assert (row.county, row.counties) == ("430102", ("430102",))
