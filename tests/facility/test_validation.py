"""Issue 12: an inspector's messy real-world files — plausibility, dates, near misses, locations, lines."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from audit.facility.values import ValueProblem, parse_date
from tests.facility.conftest import TOILET_HEADER, csv_bytes, toilet_row

SEGMENT_HEADER = ["编号", "路段走向", "坐标系", "设有行进盲道", "盲道缺口（里程或坐标）"]
# ~111 m of sidewalk due east in Changsha (WGS-84)
LINE = "112.9800 28.1900, 112.9811 28.1900"


def errors(result):
    return [(p.key, p.column) for p in result.errors]


def text(result, catalog, lang="zh"):
    return [p.text(catalog.messages, lang) for p in result.errors]


# -- plausibility: a value in the wrong unit is an error naming what was probably meant -------------
def test_door_width_in_metres_in_a_millimetre_column_suggests_900_mm(read, catalog):
    result = read(csv_bytes([TOILET_HEADER, toilet_row(width="0.9")]), "toilets.csv")
    assert errors(result) == [("facility.value.implausible-unit", "入口门净宽（mm）")] and not result.rows
    assert "是否指 900 mm" in text(result, catalog)[0]
    assert "did you mean 900 mm?" in text(result, catalog, "en")[0]


def test_turning_circle_in_millimetres_in_a_metre_column_suggests_1_5_m(read, catalog):
    header = [*TOILET_HEADER, "轮椅回转直径（m）"]
    result = read(csv_bytes([header, [*toilet_row(), "1500"]]), "toilets.csv")
    assert errors(result) == [("facility.value.implausible-unit", "轮椅回转直径（m）")]
    assert "did you mean 1.5 m?" in text(result, catalog, "en")[0]


def test_a_value_no_unit_slip_explains_is_implausible_without_a_guess(read, catalog):
    result = read(csv_bytes([TOILET_HEADER, toilet_row(width="55555")]), "toilets.csv")
    assert errors(result) == [("facility.value.implausible", "入口门净宽（mm）")]
    assert "plausible: 400–3000 mm" in text(result, catalog, "en")[0]


def test_every_number_field_has_a_plausible_range(catalog):
    for checklist in catalog.domain("facility"):
        for f in checklist.fields:
            if f.kind == "number":
                assert f.plausible and f.plausible["min"] < f.plausible["max"], (checklist.id, f.id)


# -- dates ------------------------------------------------------------------------------------------
def test_impossible_and_future_dates_are_errors_naming_row_and_field(read, catalog):
    header = [*TOILET_HEADER, "检查日期"]
    rows = [[*toilet_row("T1"), "2025-02-30"], [*toilet_row("T2"), "2035-01-01"], [*toilet_row("T3"), "2025/6/30"]]
    result = read(csv_bytes([header, *rows]), "toilets.csv", partial=True)
    assert [(p.key, p.row, p.column) for p in result.errors] == [
        ("facility.value.date-impossible", 2, "检查日期"),
        ("facility.value.date-future", 3, "检查日期"),
    ]
    assert [r.inspected_on for r in result.rows] == ["2025-06-30"]
    assert "第3行" in text(result, catalog)[1] and "cannot be in the future" in text(result, catalog, "en")[1]


def test_today_is_accepted_and_tomorrow_is_not():
    assert parse_date("2025-06-30", today=date(2025, 6, 30)) == "2025-06-30"
    with pytest.raises(ValueProblem) as caught:
        parse_date("2025-07-01", today=date(2025, 6, 30))
    assert caught.value.key == "facility.value.date-future"


# -- near misses: headers and choices ---------------------------------------------------------------
def test_a_header_typo_is_warned_with_the_closest_column(read, catalog):
    header = [*TOILET_HEADER[:-1], "入口门宽度（mm）"]
    result = read(csv_bytes([header, toilet_row()]), "toilets.csv")
    near = [p for p in result.warnings if p.key == "facility.file.unknown-column-near"]
    assert [p.column for p in near] == ["入口门宽度（mm）"]
    assert "是否指「入口门净宽」" in near[0].text(catalog.messages, "zh")


def test_a_near_miss_choice_names_the_closest_choice(read, catalog):
    result = read(csv_bytes([TOILET_HEADER, toilet_row(door="推拉式门")]), "toilets.csv")
    assert errors(result) == [("facility.value.choice-near", "门的开启方式")]
    assert "是否指「推拉 / sliding」" in text(result, catalog)[0]
    data = csv_bytes(
        [["编号", "经度", "纬度", "坐标系", "缘石坡道类型"], ["C1", "112.977", "28.196", "wgs84", "单面坡"]]
    )
    result = read(data, "ramps.csv", checklist_id="curb-ramps")
    assert errors(result) == [("facility.value.choice-near", "缘石坡道类型")]
    assert 'did you mean "full-width single slope"' not in text(result, catalog, "en")[0]  # names both labels
    assert 'did you mean "全宽式单面坡 / full-width single slope"?' in text(result, catalog, "en")[0]


def test_listed_synonyms_and_everyday_yes_are_accepted(read):
    result = read(csv_bytes([TOILET_HEADER, toilet_row(door="推拉门")]), "toilets.csv")
    assert not result.errors and result.rows[0].values["door_opening"] == "sliding"
    header = ["编号", "经度", "纬度", "坐标系", "设有行进盲道"]
    result = read(
        csv_bytes([header, ["S1", "112.977", "28.196", "wgs84", "是的"]]), "s.csv", checklist_id="tactile-paving"
    )
    assert not result.errors and result.rows[0].values["guiding_present"] == "yes"


# -- locations --------------------------------------------------------------------------------------
def test_a_point_in_guilin_inside_the_bounding_box_is_outside_every_county(read, catalog):
    result = read(csv_bytes([TOILET_HEADER, toilet_row(lon="110.29", lat="25.27")]), "toilets.csv")
    assert errors(result) == [("facility.location.outside-province", "经度/纬度")]
    assert "no county of Hunan" in text(result, catalog, "en")[0]


def test_a_phones_gcj02_point_in_changsha_is_accepted_and_converted(read):
    # Picked on Amap at 五一广场 (GCJ-02): ~500 m from its WGS-84 position.
    result = read(csv_bytes([TOILET_HEADER, toilet_row(lon="112.976908", lat="28.196234", crs="gcj02")]), "t.csv")
    assert not result.errors
    lon, lat = result.rows[0].geometry["coordinates"]
    assert 112.970 < lon < 112.9725 and 28.198 < lat < 28.2 and result.rows[0].county == "430102"


def test_an_amap_polyline_string_is_read_lon_lat(read):
    amap = "112.9800,28.1900;112.9811,28.1900;112.9822,28.1901"
    result = read(csv_bytes([SEGMENT_HEADER, ["S1", amap, "gcj02", "是", "0"]]), "s.csv")
    assert not result.errors
    assert len(result.rows[0].geometry["coordinates"]) == 3


def test_marks_far_off_the_segment_or_beyond_its_end_are_errors(read, catalog):
    rows = [
        ["S1", LINE, "wgs84", "是", "112.9805 28.1904"],  # ~45 m north of the line
        ["S2", LINE, "wgs84", "是", "150-160"],  # the line is ~108 m long
        ["S3", LINE, "wgs84", "是", "112.9805 28.1901; 50-60"],  # ~11 m off: fine
    ]
    result = read(csv_bytes([SEGMENT_HEADER, *rows]), "s.csv", partial=True)
    assert [(p.key, p.row) for p in result.errors] == [
        ("facility.location.mark-far", 2),
        ("facility.location.mark-beyond", 3),
    ]
    assert "segment's length of 108" in text(result, catalog, "en")[1]
    assert [r.submission_id for r in result.rows] == ["S3"]


def _segment_feature(coordinates, kind="MultiLineString"):
    props = {"编号": "S1", "设有行进盲道": "是", "盲道缺口（里程或坐标）": "0"}
    return {"type": "Feature", "properties": props, "geometry": {"type": kind, "coordinates": coordinates}}


def test_a_multilinestring_drawn_in_touching_pieces_is_one_line(read):
    parts = [[[112.98, 28.19], [112.981, 28.19]], [[112.982, 28.19], [112.981, 28.19]]]  # second drawn backwards
    data = json.dumps({"type": "FeatureCollection", "features": [_segment_feature(parts)]}).encode()
    result = read(data, "s.geojson", checklist_id="tactile-paving")
    assert not result.errors
    assert result.rows[0].geometry == {
        "type": "LineString",
        "coordinates": [[112.98, 28.19], [112.981, 28.19], [112.982, 28.19]],
    }


def test_an_unrecorded_30_m_hole_between_two_pieces_of_the_same_sidewalk_is_an_error(read, catalog):
    parts = [[[112.98, 28.19], [112.981, 28.19]], [[112.9813, 28.19], [112.9823, 28.19]]]  # ~29 m apart
    data = json.dumps({"type": "FeatureCollection", "features": [_segment_feature(parts)]}).encode()
    result = read(data, "s.geojson", checklist_id="tactile-paving")
    assert errors(result) == [("facility.location.line-hole", "geometry")] and not result.rows
    assert "a 29.5 m stretch between part 2" in text(result, catalog, "en")[0]
    wkt = "MULTILINESTRING ((112.98 28.19, 112.981 28.19), (112.9813 28.19, 112.9823 28.19))"
    result = read(csv_bytes([SEGMENT_HEADER, ["S1", wkt, "wgs84", "是", "0"]]), "s.csv")
    assert [p.key for p in result.errors] == ["facility.location.line-hole"]


# -- spreadsheets as inspectors save them: title rows, two-level headers, cover sheets, .xls ---------
FILES = Path(__file__).parent / "files"


def _book(sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cells in (merges or {}).get(title, []):
            sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_note(result, catalog):
    notes = [p for p in result.warnings if p.key == "facility.file.sheet-read"]
    return notes[0].text(catalog.messages, "en") if notes else ""


def test_a_wps_export_with_a_title_row_finds_the_header_below_it(read, catalog):
    data = _book({"Sheet1": [["芙蓉区公厕无障碍检查表"], TOILET_HEADER, toilet_row("T1")]}, {"Sheet1": ["A1:I1"]})
    result = read(data, "wps.xlsx")
    assert not result.errors and [(r.submission_id, r.row) for r in result.rows] == [("T1", 3)]
    assert 'read sheet "Sheet1", with row 2 as the column names' in _sheet_note(result, catalog)


def test_a_two_level_header_takes_names_from_merged_cells_above(read):
    top = ["编号", "设施名称", "位置", "", "", "厕所", "", "", ""]
    lower = ["", "", "经度", "纬度", "坐标系", *TOILET_HEADER[5:]]
    data = _book({"检查表": [top, lower, toilet_row("T1")]}, {"检查表": ["A1:A2", "B1:B2", "C1:E1", "F1:I1"]})
    result = read(data, "two-level.xlsx")
    assert not result.errors and result.rows[0].submission_id == "T1" and result.rows[0].row == 3
    assert result.rows[0].values["door_width"].value == 900


def test_a_cover_sheet_is_skipped_and_the_sheet_read_is_named(read, catalog):
    cover = [["2025年无障碍设施检查"], ["检查单位：芙蓉区住建局"], ["日期：2025-06-30"]]
    data = _book({"封面": cover, "公厕": [TOILET_HEADER, toilet_row("T1")]})
    result = read(data, "with-cover.xlsx")
    assert not result.errors and result.checklist == "accessible-toilets" and len(result.rows) == 1
    assert 'read sheet "公厕", with row 1' in _sheet_note(result, catalog)


def test_a_real_xls_from_wps_with_a_cover_sheet_and_title_row(read, catalog):
    result = read((FILES / "wps-toilets.xls").read_bytes(), "wps-toilets.xls", partial=True)
    assert result.format == "xls" and [r.submission_id for r in result.rows] == ["T1"]
    assert result.rows[0].values["door_width"].value == 900 and result.rows[0].row == 3
    assert [(p.key, p.row) for p in result.errors] == [("facility.value.implausible-unit", 4)]  # 0.85 → 850 mm
    assert 'read sheet "公厕", with row 2' in _sheet_note(result, catalog)
