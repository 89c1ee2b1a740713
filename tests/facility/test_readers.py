"""Each reader: CSV in UTF-8/BOM/GBK/GB18030, XLSX (Excel and WPS-style), GeoJSON, ODK Central, KoboToolbox."""

import json

import pytest

from tests.facility.conftest import SAMPLES, TOILET_HEADER, csv_bytes, toilet_row, xlsx_bytes


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_chinese_encoding(read, encoding):
    rows = [TOILET_HEADER, toilet_row("T1"), toilet_row("T2", provision="男女厕内无障碍厕位")]
    result = read(csv_bytes(rows, encoding), "toilets.csv")
    assert not result.errors, [p.key for p in result.errors]
    assert result.checklist == "accessible-toilets"
    assert [r.values["provision"] for r in result.rows] == ["toilet-room", "stall"]


def test_xlsx_with_numbers_and_dates(read):
    from datetime import datetime

    header = TOILET_HEADER + ["检查日期"]
    data = xlsx_bytes(
        [header, ["T1", "公厕", 112.977, 28.196, "wgs84", "独立无障碍厕所", 4.5, "推拉", 900, datetime(2025, 6, 3)]]
    )
    result = read(data, "toilets.xlsx")
    assert not result.errors
    row = result.rows[0]
    assert row.values["door_width"].value == 900 and row.inspected_on == "2025-06-03"
    assert row.geometry == {"type": "Point", "coordinates": [112.977, 28.196]}


def test_sample_xlsx_and_geojson(read):
    folder = SAMPLES / "round-2025q2"
    xlsx = read((folder / "changsha-entrances.xlsx").read_bytes(), "changsha-entrances.xlsx")
    assert xlsx.format == "xlsx" and len(xlsx.rows) == 3 and not xlsx.errors
    roads = read((folder / "changsha-roads.geojson").read_bytes(), "changsha-roads.geojson")
    assert roads.format == "geojson" and roads.checklist == "tactile-paving" and not roads.errors
    r01 = next(r for r in roads.rows if r.submission_id == "CS-R01")
    assert r01.geometry["type"] == "LineString"
    assert len(r01.values["tactile_obstructions"]) == 1  # the point feature was attached to its segment


def test_odk_central_export(read):
    result = read((SAMPLES / "round-2025q2" / "shaoshan-scenic-odk.csv").read_bytes(), "export.csv")
    assert result.format == "odk" and result.checklist == "scenic-spots" and not result.errors
    first = result.rows[0]
    assert first.submission_id == "SS-S01" and first.coord_system_in == "wgs84"
    assert first.geometry["coordinates"] == pytest.approx([112.526, 27.916])


def test_kobo_export(read):
    result = read((SAMPLES / "round-2025q2" / "wulingyuan-mangshan-scenic-kobo.csv").read_bytes(), "kobo.csv")
    assert result.format == "kobo" and not result.errors
    assert {r.submission_id for r in result.rows} >= {"WL-S01", "MS-S01"}


def test_odk_group_prefixes_and_kobo_group_paths(read):
    odk = [
        ["SubmissionDate", "site-location-Latitude", "site-location-Longitude", "site-name", "facts-provision", "KEY"],
        ["2025-06-01", "28.196", "112.977", "公厕", "stall", "uuid:1"],
    ]
    result = read(csv_bytes(odk), "odk.csv", checklist_id="accessible-toilets")
    assert not result.errors and result.rows[0].submission_id == "uuid:1"
    kobo = [
        ["site/_location_latitude", "site/_location_longitude", "facts/provision", "_uuid", "_submission_time"],
        ["28.196", "112.977", "stall", "abc", "2025-06-01T08:00:00"],
    ]
    result = read(csv_bytes(kobo), "kobo.csv", checklist_id="accessible-toilets")
    assert not result.errors and result.rows[0].values["provision"] == "stall"


def test_geojson_defaults_to_wgs84_and_takes_a_declared_system(read):
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [112.977, 28.196]},
        "properties": {"submission_id": "T1", "provision": "stall"},
    }
    data = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    plain = read(data, "t.geojson", checklist_id="accessible-toilets")
    assert plain.rows[0].geometry["coordinates"] == [112.977, 28.196]
    declared = read(data, "t.geojson", checklist_id="accessible-toilets", coords="gcj02")
    assert declared.rows[0].geometry["coordinates"] != [112.977, 28.196]
    assert declared.rows[0].coord_system_in == "gcj02"


# -- hostile files: a named file error, never a crash ------------------------------------------------
@pytest.mark.parametrize(
    "data",
    [
        b"[" * 400_000,  # json.loads recursed until RecursionError
        b'{"type": "FeatureCollection", "features": [{"properties": {"x": ' + b"[" * 5000 + b"]" * 5000 + b"}}]}",
    ],
    ids=["bare", "inside-a-property"],
)
def test_deeply_nested_geojson_is_a_file_error_naming_the_file(read, catalog, data):
    result = read(data, "deep.geojson")
    assert [p.key for p in result.errors] == ["facility.file.too-deep"] and not result.rows
    zh, en = (result.errors[0].text(catalog.messages, lang) for lang in ("zh", "en"))
    assert zh.startswith("deep.geojson") and "嵌套" in zh
    assert en.startswith("deep.geojson") and "nested more than 64 levels" in en


def test_brackets_inside_geojson_strings_do_not_count_as_nesting():
    from audit.facility.readers import check_json_depth

    check_json_depth('{"a": "' + "[" * 1000 + '\\"[[[", "b": [[[1]]]}')  # no error
    check_json_depth('"' + '\\"' * 100_000)  # an unterminated string of escaped quotes: one linear pass


def test_a_csv_cell_over_the_field_limit_is_a_file_error(read, catalog):
    header = ",".join(TOILET_HEADER).encode()
    result = read(header + b'\nT1,"' + b"x" * 200_000 + b'"\n', "long.csv")
    assert [p.key for p in result.errors] == ["facility.file.cell-too-long"]
    assert result.errors[0].text(catalog.messages, "en").startswith("long.csv: a cell near row 2")


def test_deeply_nested_xml_in_an_xlsx_is_streamed_not_recursed(read):
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([TOILET_HEADER, toilet_row("T1")])))
    built = io.BytesIO()
    with zipfile.ZipFile(built, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b"<x>" * 100_000 + b"</x>" * 100_000)
            archive.writestr(info, data)
    result = read(built.getvalue(), "deep.xlsx")
    assert not result.errors and [r.submission_id for r in result.rows] == ["T1"]


def test_a_geojson_mark_at_whole_degrees_stays_a_point_not_a_chainage(read):
    """[113, 28] once became the text '113 28', read back as 113 m along the road with '28' as the note."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[112.9995, 28.0], [113.0005, 28.0]]},
            "properties": {"submission_id": "R1", "guiding_present": "是", "coord_system": "wgs84"},
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [113, 28]},
            "properties": {"segment": "R1", "defect": "gap", "length_m": 3, "note": "电线杆"},
        },
    ]
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    result = read(data, "r.geojson", checklist_id="tactile-paving")
    assert not result.errors, [p.key for p in result.errors]
    [mark] = result.rows[0].values["tactile_gaps"]
    assert mark.point == (113.0, 28.0) and mark.start_m is None
    assert (mark.length_m, mark.note) == (3.0, "电线杆")
