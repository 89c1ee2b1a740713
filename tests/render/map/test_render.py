"""The map page and its table, rendered from stored sample rounds and read back."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from audit.render.map import MapOptions, TileKeyMissing, render_map, write_map
from audit.render.view import RoundView

from .conftest import EVIL_NAME
from .helpers import Outline, grade_counts, payload_of, view_of


def views_of(sample, catalog, area=None, facility_round=-1):
    version = catalog.policy.version
    return [
        RoundView.load(sample.store, sample.facility_rounds[facility_round], version, area),
        RoundView.load(sample.store, sample.web_round, version, area),
    ]


@pytest.fixture
def rendered(sample, map_catalog):
    return render_map(views_of(sample, map_catalog), map_catalog)


def test_one_layer_per_category_present_plus_circles_counties_and_gaps(rendered):
    layers = [layer["name"] for layer in view_of(rendered.map_html)["layers"]]
    assert layers == [
        "县区达标率",
        "旅游无障碍服务圈",
        "道路与盲道",
        "公共厕所",
        "景区景点",
        "政府网站",
        "盲道缺口与问题点",
    ]
    assert "L.control.layers(" in rendered.map_html


def test_marker_counts_per_grade_match_the_stored_scores(rendered):
    counts = grade_counts(rendered.payload)
    # round 2: t1 and t3 all pass (A), t4 partly fails grab bars (B), t2 fails the door (D); the toilet
    # with no location is in the table only
    assert counts["toilets"] == Counter({"A": 2, "B": 1, "D": 1})
    assert counts["roads"] == Counter({"A": 1, "D": 1})
    assert counts["information"] == Counter({"A": 1, "D": 1})  # the C-scoring portal fails a critical check: D
    assert counts["scenic"] == Counter({"A": 1})
    assert len(rendered.payload["circles"]["items"]) == 1


def test_circle_coverage_gaps_from_evidence(rendered):
    gaps = rendered.payload["circles"]["gaps"]
    assert [(g[0], g[1], g[4], g[5]) for g in gaps] == [("P", [28.205, 112.96], "橘子洲旅游无障碍服务圈", "橘子洲头")]


def test_earlier_round_shows_its_own_grades(sample, map_catalog):
    rendered = render_map(views_of(sample, map_catalog, facility_round=0), map_catalog)
    assert grade_counts(rendered.payload)["toilets"] == Counter({"A": 1, "B": 1, "C": 1, "D": 1})
    assert "2024-04-01" in rendered.map_html


def test_user_text_is_escaped_everywhere(rendered):
    for html in (rendered.map_html, rendered.table_html):
        assert "<script>alert" not in html
        assert "<b>bold</b>" not in html
    names = [r[4] for c in payload_of(rendered.map_html)["categories"] for r in c["points"]]
    assert EVIL_NAME in names  # intact as data; the page script sets it with textContent
    table = Outline(rendered.table_html)
    assert EVIL_NAME in "".join(table.text)


def test_popup_data_has_failed_checks_with_clause_and_measured_vs_required(rendered):
    payload = rendered.payload
    toilets = next(c for c in payload["categories"] if c["id"] == "toilets")
    evil = next(r for r in toilets["points"] if r[4] == EVIL_NAME)
    failed = {payload["checks"][c][0]: (payload["checks"][c][1], payload["texts"][t]) for c, t in evil[9]}
    assert failed["门净宽不小于800mm"] == ("GB 55019-2021 3.2.3", "实测 700 mm，要求 ≥ 800 mm")
    assert failed["设安全抓杆"][0] == "GB 50763-2012 3.9.4 [待核实]"
    assert evil[10] == ["t2-door.jpg", "t2-door-narrow.jpg"]
    assert payload["rounds"][evil[8]] == "2024-05-06"
    assert evil[2] == 1 and evil[3] == 0  # blocked (critical failed), not compliant


def test_empty_trailing_fields_are_left_out_of_records(rendered):
    toilets = next(c for c in rendered.payload["categories"] if c["id"] == "toilets")
    by_name = {r[4]: r for r in toilets["points"]}
    assert len(by_name["五一广场公厕"]) == 9  # nothing failed, no photo, no URL
    assert len(by_name[EVIL_NAME]) == 11  # failed checks and photos, no URL
    portals = next(c for c in rendered.payload["categories"] if c["id"] == "information")
    assert all(r[11].startswith("https://") for r in portals["points"])


def test_tactile_gaps_from_evidence_geometry(rendered):
    gaps = rendered.payload["gaps"]["items"]
    assert [(g[0], g[3]) for g in gaps] == [("L", 45), ("P", None)]
    assert gaps[0][1] == [[28.19, 112.995], [28.19, 113.005]]  # (lat, lon) for Leaflet


def test_roads_are_dashed_when_not_compliant(rendered):
    roads = next(c for c in rendered.payload["categories"] if c["id"] == "roads")
    assert sorted((r[4], r[3]) for r in roads["lines"]) == [("五一大道", 1), ("解放西路（北侧）", 0)]
    assert rendered.payload["road"]["dash"]


def test_counties_shaded_by_compliance_rate_with_change(rendered):
    features = {f["properties"]["name"]: f["properties"] for f in rendered.payload["counties"]["geojson"]["features"]}
    assert set(features) == {"芙蓉区", "天心区", "岳麓区"}
    assert features["天心区"]["rate"] == 1.0 and features["天心区"]["bin"] == 4
    assert features["天心区"]["change"] == 0.0  # t3 went from C to A: still compliant, so no change in rate
    assert features["岳麓区"]["n"] == 2


def test_legend_has_text_labels_for_every_symbol(rendered, map_catalog):
    page = Outline(rendered.map_html)
    legend = page.find("div", id="a11y-legend")
    assert legend and legend[0]["role"] == "region"
    text = "".join(page.text)
    for label in (
        "优秀 (A)",
        "良好 (B)",
        "合格 (C)",
        "不合格 (D)",
        "实线：达标路段",
        "虚线：不达标路段",
        "无数据",
        "0–20%",
    ):
        assert label in text


def test_page_is_self_contained_and_accessible_by_structure(rendered):
    html = rendered.map_html
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', html), "assets must be inline"
    assert "user-scalable=no" not in html
    page = Outline(html)
    assert page.find("html")[0]["lang"] == "zh"
    assert page.find("main")
    assert [a for a in page.find("a") if a.get("href") == "map-table.html"]
    assert "<title>无障碍环境地图</title>" in html
    assert "OpenStreetMap" in html and "tile.openstreetmap.org" in html


def test_table_alternative_has_every_item_and_proper_headers(rendered):
    table = Outline(rendered.table_html)
    assert table.find("html")[0]["lang"] == "zh"
    assert table.find("caption")
    assert len(table.find("th", scope="col")) == 10 + 5
    assert len(table.find("th", scope="row")) == len(rendered.data.items) + len(rendered.data.counties)
    assert "位置未知的公厕" in "".join(table.text)
    assert table.find("input", id="filter-text") and table.find("select", id="filter-category")
    assert [a for a in table.find("a") if a.get("href") == "map.html"]


def test_english_option(sample, map_catalog):
    rendered = render_map(views_of(sample, map_catalog), map_catalog, MapOptions(lang="en"))
    assert '<html lang="en">' in rendered.map_html
    assert "Public toilets" in rendered.map_html and "Excellent (A)" in rendered.map_html
    assert "Door at least 800 mm wide" in rendered.table_html


def test_amap_tiles_convert_points_to_gcj02(sample, map_catalog):
    wgs = render_map(views_of(sample, map_catalog), map_catalog).payload
    gcj = render_map(views_of(sample, map_catalog), map_catalog, MapOptions(tiles="amap")).payload
    (lat0, lon0), (lat1, lon1) = wgs["categories"][1]["points"][0][0], gcj["categories"][1]["points"][0][0]
    assert 0.003 < lon1 - lon0 < 0.007 and -0.005 < lat1 - lat0 < 0  # about 600 m east and a little south


def test_tianditu_needs_a_key(sample, map_catalog):
    with pytest.raises(TileKeyMissing):
        render_map(views_of(sample, map_catalog), map_catalog, MapOptions(tiles="tianditu", environ={}))
    html = render_map(
        views_of(sample, map_catalog), map_catalog, MapOptions(tiles="tianditu", environ={"TIANDITU_KEY": "k123"})
    ).map_html
    assert "tianditu.gov.cn" in html and "tk=k123" in html and "天地图" in html


def test_area_limits_the_map(sample, map_catalog):
    rendered = render_map(views_of(sample, map_catalog, area="430103"), map_catalog)
    assert {r[4] for c in rendered.payload["categories"] for r in c["points"] + c["lines"]} == {
        "坡子街公厕",
        "黄兴路公厕",
    }
    assert [f["properties"]["name"] for f in rendered.payload["counties"]["geojson"]["features"]] == ["天心区"]


def test_write_map_links_the_two_files(sample, map_catalog, tmp_path):
    files = write_map(views_of(sample, map_catalog), map_catalog, tmp_path / "maps" / "hunan.html")
    assert files.table_path.name == "hunan-table.html" and files.csv_path.name == "hunan-table.csv"
    assert 'href="hunan-table.html"' in files.map_path.read_text(encoding="utf-8")
    table = files.table_path.read_text(encoding="utf-8")
    assert 'href="hunan.html"' in table and 'href="hunan-table.csv"' in table


def test_complete_table_as_csv(rendered):
    import csv
    import io

    text = rendered.csv_text
    assert text.startswith("\ufeff")  # Excel reads UTF-8 only with the byte-order mark
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][:3] == ["名称", "类别", "类型"] and len(rows) == 1 + len(rendered.data.items)
    evil = next(r for r in rows if r[0] == EVIL_NAME)
    assert "实测 700 mm，要求 ≥ 800 mm" in evil[7] and evil[5].endswith("(D)")


def test_csv_cells_never_start_like_a_formula():
    from audit.render.map.table import _cell

    assert _cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert _cell("+1") == "'+1" and _cell("@a") == "'@a" and _cell("公厕") == "公厕"


def test_large_tables_are_paged_with_every_row_as_data(sample, map_catalog, monkeypatch):
    from audit.render.map import table

    monkeypatch.setattr(table, "STATIC_ROW_LIMIT", 3)
    monkeypatch.setattr(table, "PAGE_SIZE", 4)
    rendered = render_map(views_of(sample, map_catalog), map_catalog)
    page = Outline(rendered.table_html)
    assert len(page.find("th", scope="row")) == 4 + len(rendered.data.counties)  # the first page, readable
    assert page.find("nav", id="pager") and "map-table.csv" in rendered.table_html
    match = re.search(
        r'<script type="application/json" id="a11y-table-data">(.*?)</script>', rendered.table_html, re.DOTALL
    )
    data = json.loads(match.group(1))
    assert len(data["r"]) == len(rendered.data.items)
    assert EVIL_NAME in [r[0] for r in data["r"]] and "<script>alert" not in rendered.table_html
