"""Each validation error kind, reported all at once with file, row, column, value and expectation, zh and en."""

import io
import json

import pytest

from tests.facility.conftest import TOILET_HEADER, csv_bytes, toilet_row, xlsx_bytes


def keys(result):
    return sorted(p.key for p in result.errors)


def test_every_problem_of_a_file_is_reported_at_once(read, catalog):
    rows = [
        TOILET_HEADER,
        toilet_row("T1", area="三"),
        toilet_row("T2", lon="28.196", lat="112.977"),
        toilet_row("T3", door="旋转"),
        toilet_row("T3"),
        toilet_row("", width='=HYPERLINK("http://evil","x")'),
        toilet_row("T6", lon="116.40", lat="39.90"),
        toilet_row("T7", crs="utm"),
    ]
    result = read(csv_bytes(rows), "toilets.csv")
    assert result.rows == []  # rejected whole
    assert keys(result) == sorted(
        [
            "facility.value.number",
            "facility.location.swapped",
            "facility.value.choice",
            "facility.id.duplicate",
            "facility.id.missing",
            "facility.value.formula",
            "facility.location.outside",
            "facility.location.crs-unknown",
        ]
    )
    area = next(p for p in result.errors if p.key == "facility.value.number")
    assert (area.file, area.row, area.column, area.value) == ("toilets.csv", 2, "无障碍厕所面积", "三")
    zh, en = area.text(catalog.messages, "zh"), area.text(catalog.messages, "en")
    assert "第2行" in zh and "无障碍厕所面积" in zh and "三" in zh and "应为数字" in zh
    assert "row 2" in en and "expected a number" in en
    assert area.as_dict(catalog.messages)["en"] == en


def test_partial_keeps_the_good_rows(read):
    rows = [TOILET_HEADER, toilet_row("T1"), toilet_row("T2", area="三"), toilet_row("T3")]
    result = read(csv_bytes(rows), "toilets.csv", partial=True)
    assert [r.submission_id for r in result.rows] == ["T1", "T3"] and result.skipped_rows == 1


@pytest.mark.parametrize(
    "data, name, key",
    [
        (b"", "empty.csv", "facility.file.empty"),
        (b"   \n  \n", "blank.csv", "facility.file.empty"),
        (b"a,b\n", "header-only.csv", "facility.file.empty"),
        (b"not a spreadsheet", "x.pdf", "facility.file.unknown-format"),
        (b"{not json", "x.geojson", "facility.file.bad-json"),
        (b'{"type": "FeatureCollection"}', "x.geojson", "facility.file.bad-json"),
    ],
)
def test_bad_files(read, data, name, key):
    assert keys(read(data, name)) == [key]


def test_truncated_xlsx(read):
    data = xlsx_bytes([TOILET_HEADER, toilet_row("T1")])
    assert keys(read(data[: len(data) // 2], "cut.xlsx")) == ["facility.file.bad-xlsx"]


def test_wrong_encoding_binary_garbage(read):
    assert keys(read(bytes(range(256)) * 20, "garbage.csv")) == ["facility.file.encoding"]


def test_size_and_row_limits(read):
    rows = [TOILET_HEADER] + [toilet_row(f"T{i}") for i in range(20)]
    assert keys(read(csv_bytes(rows), "t.csv", max_rows=5)) == ["facility.file.too-many-rows"]
    assert keys(read(csv_bytes(rows), "t.csv", max_bytes=100)) == ["facility.file.too-large"]


def test_wrong_checklist_is_refused_with_a_guess(read):
    result = read(csv_bytes([TOILET_HEADER, toilet_row("T1")]), "toilets.csv", checklist_id="curb-ramps")
    assert keys(result) == ["facility.checklist.mismatch"]
    assert result.errors[0].params["guess"] == "accessible-toilets"
    unknown = read(csv_bytes([TOILET_HEADER, toilet_row("T1")]), "t.csv", checklist_id="nope")
    assert keys(unknown) == ["facility.checklist.unknown"]


def test_undetectable_checklist(read):
    data = csv_bytes([["编号", "经度", "纬度", "颜色"], ["A", "112.9", "28.1", "红"]])
    assert keys(read(data, "x.csv")) == ["facility.checklist.undetected"]


def test_missing_columns_duplicates_and_unknown_ones(read):
    data = csv_bytes([["设施名称", "门的开启方式", "门的开启方式", "颜色"], ["a", "推拉", "推拉", "红"]])
    result = read(data, "x.csv", checklist_id="accessible-toilets")
    assert keys(result) == [
        "facility.file.duplicate-column",
        "facility.file.missing-column",
        "facility.file.missing-column",
        "facility.file.no-location-column",
    ]
    assert [p.key for p in result.warnings] == ["facility.file.unknown-column"]


def test_required_value_missing_and_bad_yesno_and_slope(read):
    header = ["编号", "经度", "纬度", "坐标系", "坡道坡度", "高差不大于150mm且场地受限", "两侧设扶手"]
    data = csv_bytes(
        [
            header,
            ["R1", "112.977", "28.196", "wgs84", "", "也许", "maybe"],
            ["R2", "112.977", "28.196", "wgs84", "steep", "否", "是"],
        ]
    )
    result = read(data, "ramps.csv", checklist_id="wheelchair-ramps")
    assert keys(result) == [
        "facility.value.required",
        "facility.value.slope",
        "facility.value.yesno",
        "facility.value.yesno",
    ]


def test_crs_assumed_is_a_warning_only(read):
    header = [h for h in TOILET_HEADER if h != "坐标系"]
    row = [c for i, c in enumerate(toilet_row("T1")) if TOILET_HEADER[i] != "坐标系"]
    result = read(csv_bytes([header, row]), "t.csv")
    assert not result.errors and [p.key for p in result.warnings] == ["facility.location.crs-assumed"]


def test_photos_must_exist_and_names_are_never_paths(read, tmp_path):
    (tmp_path / "ok.jpg").write_bytes(b"\xff\xd8\xff")
    header = TOILET_HEADER + ["照片"]
    rows = [
        header,
        toilet_row("T1") + ["ok.jpg"],
        toilet_row("T2") + ["../../etc/passwd.jpg"],
        toilet_row("T3") + ["missing.jpg"],
        toilet_row("T4") + ["script.exe"],
    ]
    result = read(csv_bytes(rows), "t.csv", photo_dir=tmp_path, partial=True)
    assert keys(result) == ["facility.photo.bad-type", "facility.photo.missing", "facility.photo.unsafe-name"]
    photo = result.rows[0].photos[0]
    assert photo.name == "ok.jpg" and photo.safe_name.endswith(".jpg") and "ok" not in photo.safe_name


def test_geojson_orphan_mark_and_bad_geometry(read):
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": []},
            "properties": {"submission_id": "R1", "guiding_present": "是"},
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [112.97, 28.19]},
            "properties": {"segment": "R9", "defect": "gap"},
        },
    ]
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    assert keys(read(data, "r.geojson", checklist_id="tactile-paving")) == [
        "facility.location.geometry",
        "facility.location.orphan-mark",
    ]


def test_bad_marks_on_a_segment(read):
    header = ["编号", "路段走向", "坐标系", "设有行进盲道", "盲道缺口（里程或坐标）"]
    data = csv_bytes([header, ["R1", "112.958 28.1965, 112.976 28.1962", "wgs84", "是", "somewhere"]])
    assert keys(read(data, "r.csv")) == ["facility.value.marks"]


def test_formula_in_xlsx_is_reported_not_evaluated(read):
    data = xlsx_bytes([TOILET_HEADER, toilet_row("T1", width='=HYPERLINK("http://evil","x")')])
    result = read(data, "t.xlsx")
    assert keys(result) == ["facility.value.formula"]
    assert io.BytesIO(data)  # the file itself is untouched
