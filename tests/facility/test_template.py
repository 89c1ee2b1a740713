"""Templates generated from the checklist: headers with units, drop-downs, XLSForm that pyxform converts."""

import csv

import openpyxl
import pytest
from click.testing import CliRunner
from pyxform.xls2xform import convert

from audit.cli import cli
from audit.facility.ingest import IngestOptions, read_submission
from audit.facility.template import safe_text, write_template


def test_xlsx_template_has_units_dropdowns_location_and_photo(tmp_path, catalog):
    path = tmp_path / "t.xlsx"
    write_template(catalog.checklists["accessible-toilets"], catalog.messages, "xlsx", path)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["编号", "设施名称", "检查人", "检查日期"]
    assert {"经度", "纬度", "坐标系", "照片"} <= set(headers)
    assert "无障碍厕所面积（m²）" in headers and "入口门净宽（mm）" in headers
    ranges = {str(v.sqref).split(":")[0][0] for v in sheet.data_validations.dataValidation}
    assert len(ranges) >= 5  # choice and yes/no columns carry lists
    assert book["_a11y_audit"]["B1"].value == "accessible-toilets"


def test_filled_template_round_trips(tmp_path, catalog):
    path = tmp_path / "t.xlsx"
    write_template(catalog.checklists["accessible-toilets"], catalog.messages, "xlsx", path)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    row = {
        "编号": "T1",
        "经度": 112.977,
        "纬度": 28.196,
        "坐标系": "wgs84",
        "无障碍设施形式": "独立无障碍厕所",
        "入口门净宽（mm）": 850,
    }
    sheet.append([row.get(h) for h in headers])
    book.save(path)
    result = read_submission(path, "t.xlsx", catalog, IngestOptions())
    assert not result.errors and result.checklist == "accessible-toilets"
    assert result.rows[0].values["door_width"].value == 850


@pytest.mark.parametrize("checklist", ["tactile-paving", "accessible-toilets", "scenic-spots"])
def test_xlsform_converts_with_pyxform(tmp_path, catalog, checklist):
    path = tmp_path / "form.xlsx"
    write_template(catalog.checklists[checklist], catalog.messages, "xlsform", path)
    result = convert(xlsform=str(path))
    assert "<h:html" in result.xform and "/location" in result.xform and "jr:choice-name" not in result.xform[:0]


def test_csv_template_is_utf8_with_bom(tmp_path, catalog):
    path = tmp_path / "t.csv"
    write_template(catalog.checklists["curb-ramps"], catalog.messages, "csv", path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert "坡道坡度（1:12 / 8.3% / 4.8°）" in header


def test_cli_template_and_injection_guard(tmp_path):
    out = tmp_path / "c.xlsx"
    result = CliRunner().invoke(cli, ["facility", "template", "curb-ramps", "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0 and out.exists()
    assert CliRunner().invoke(cli, ["facility", "template", "nope"]).exit_code == 1
    assert safe_text("=HYPERLINK(1)") == "'=HYPERLINK(1)" and safe_text("门宽") == "门宽"
