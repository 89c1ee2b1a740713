"""HTML and XLSX outputs: escaping, language, text alternatives for charts, and formula-injection guards."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from audit.render.report import build_report, neutralise, render_html, select_rounds, write_xlsx

from .conftest import FORMULA_NAME, SCRIPT_NAME


@pytest.fixture
def report(rounds):
    return build_report(rounds.store, rounds.catalog, select_rounds(rounds.store))


def test_html_escapes_a_script_in_a_facility_name_and_loads_nothing_external(report):
    html = render_html(report)
    assert "<script" not in html.lower()
    assert SCRIPT_NAME not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;雨湖公园公厕" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_html_is_chinese_by_default_and_english_on_request(rounds, report):
    zh = render_html(report)
    assert '<html lang="zh-CN">' in zh and "整改清单" in zh and "2024年9月1日" in zh and "底线指标" in zh
    en = render_html(build_report(rounds.store, rounds.catalog, select_rounds(rounds.store), lang="en"))
    assert '<html lang="en">' in en and "Rectification list" in en and "1 September 2024" in en
    assert "整改清单" not in en and "[unverified]" in en


def test_each_chart_has_a_title_a_description_and_the_numbers_in_text(report):
    html = render_html(report)
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", html, flags=re.DOTALL)
    assert len(svgs) == 2
    for svg in svgs:
        assert 'role="img"' in svg and "aria-labelledby=" in svg and "<title" in svg and "<desc" in svg
    assert "公共厕所：上轮 33.3%，本轮 50.0%" in html  # the rate chart's description, also in the progress table
    assert "+16.7 百分点" in html


def test_failed_floor_indicator_comes_first_and_unverified_rows_are_marked(report):
    html = render_html(report)
    order = [html.index(f'id="indicator-{i}"') for i in ("toilet-rate", "road-rate", "info-mean", "parking-rate")]
    assert order == sorted(order)
    info_row = html[order[2] : order[3]]
    assert "[待核实]" in info_row and "无数据" in html[order[3] :]


def test_xlsx_opens_with_its_sheets_and_a_formula_in_a_name_is_neutralised(tmp_path, report):
    path = write_xlsx(report, tmp_path / "r.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["考评指标", "分类情况", "政府网站", "旅游服务圈", "整改清单", "待补充清单"]
    indicators = book["考评指标"]
    assert indicators["B2"].value == "公共厕所无障碍达标率" and indicators["E2"].value == 0.5
    assert indicators["E2"].number_format == "0.0%"
    cells = [c for row in book.worksheets for line in row.iter_rows() for c in line if isinstance(c.value, str)]
    assert not any(c.data_type == "f" or c.value.startswith(("=", "+", "@", "-")) for c in cells)
    fixed = book["整改清单"]
    statuses = [row[9].value for row in fixed.iter_rows(min_row=2)]
    assert statuses.count("待整改") == 2 and statuses.count("新增") == 3 and statuses.count("已整改") == 2


def test_neutralise_guards_every_formula_prefix():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    assert neutralise("安全抓杆") == "安全抓杆" and neutralise(-3.5) == -3.5 and neutralise(None) is None


def test_a_formula_name_stored_as_a_subject_reaches_the_workbook_as_text(tmp_path, rounds):
    # R2 only passes, so it is in no list; make it fail in a new complete round so it is on the rectification list.
    from audit.model import Finding, Outcome
    from audit.runs import score_round

    store = rounds.store
    r = store.begin_round("facility", label="2025-extra", started_at="2024-12-01T00:00:00+00:00")
    store.add_findings(r.id, [Finding("facility:test-roads:r2", "curb-ramp-slope", Outcome.FAIL, measured="=1+2")])
    store.finish_round(r.id)
    score_round(store, rounds.catalog, r.id)
    report = build_report(store, rounds.catalog, select_rounds(store))
    sheet = load_workbook(write_xlsx(report, tmp_path / "r.xlsx"))["整改清单"]
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert "'" + FORMULA_NAME in names
    assert any(
        row[6].value.startswith("=1+2") is False and "=1+2" in row[6].value for row in sheet.iter_rows(min_row=2)
    )


def test_every_id_in_the_page_is_unique(report):
    ids = re.findall(r'\sid="([^"]+)"', render_html(report))
    assert len(ids) == len(set(ids))


def test_rate_changes_are_percentage_points_in_html_and_xlsx(tmp_path, report):
    html = render_html(report)
    assert "+16.7 百分点" in html and not re.search(r"[+−]\d+\.\d%", html)
    sheet = load_workbook(write_xlsx(report, tmp_path / "r.xlsx"))["分类情况"]
    headers = [c.value for c in sheet[1]]
    column = headers.index("达标率变化") + 1
    changes = [row[column - 1] for row in sheet.iter_rows(min_row=2) if row[column - 1].value is not None]
    assert changes and all(c.number_format == '"+"0.0" 百分点";"−"0.0" 百分点";0.0" 百分点"' for c in changes)
    assert 16.7 in [c.value for c in changes]


def test_the_whole_store_report_is_titled_with_its_province(rounds):
    for lang, title in (
        ("zh", "无障碍环境建设进展报告：湖南省"),
        ("en", "Barrier-free progress report: Hunan Province"),
    ):
        report = build_report(rounds.store, rounds.catalog, select_rounds(rounds.store), lang=lang)
        assert report.area_code == "430000"
        assert f"<h1>{title}</h1>" in render_html(report) and "全部地区" not in render_html(report)
