"""The map's open-problems layer: payload data from the ledger (only open states, only the map's subjects), a
table section, and in Chromium a layer that toggles and a problem popup opened and closed by keyboard alone."""

from __future__ import annotations

import re
from datetime import date

import pytest

from audit.model.problems import Problem, problem_id
from audit.render.map import MapOptions, render_map, write_map
from audit.render.view import RoundView
from tests.render.map.helpers import payload_of, view_of

T2 = "facility:map-test-toilets:t2"
T4 = "facility:map-test-toilets:t4"


def _problem(key: str, check: str, status: str, **extra) -> Problem:
    return Problem(
        problem_id(key, check), key, check, "critical", status, "2025-01-10", "2025-03-01", area_code="430102", **extra
    )


@pytest.fixture
def with_problems(sample):
    overdue = _problem(T2, "map-test-door-width", "assigned", unit="芙蓉区住建局", deadline="2025-02-01")
    reopened = _problem(T4, "map-test-grab-bars", "reopened", subject_name="黄兴路公厕")
    verified = _problem(T2, "map-test-grab-bars", "verified", closed_at="2025-03-01")
    elsewhere = _problem("facility:map-test-toilets:nowhere", "map-test-sign", "open")
    sample.store.put_problems([(p, None) for p in (overdue, reopened, verified, elsewhere)])
    return sample, overdue, reopened


def _views(sample, catalog):
    version = catalog.policy.version
    return [RoundView.load(sample.store, sample.facility_rounds[-1], version)]


def test_the_payload_holds_the_open_problems_of_the_maps_subjects(with_problems, map_catalog):
    sample, overdue, reopened = with_problems
    rendered = render_map(_views(sample, map_catalog), map_catalog, MapOptions(tiles="none"))
    layer = payload_of(rendered.map_html)["problems"]
    refs = {rec[1]: rec for rec in layer["items"]}
    assert set(refs) == {overdue.reference, reopened.reference}  # not the verified one, not one off the map
    rec = refs[overdue.reference]
    assert rec[4] == "严重（阻断）" and rec[5] == "整改中" and rec[7] == 1 and rec[8] == "芙蓉区住建局"
    assert rec[6] == (date.today() - date(2025, 1, 10)).days and rec[9] == "2025-02-01"
    assert refs[reopened.reference][7] == 0  # no deadline: not overdue
    assert {"kind": "problems", "name": "未整改问题"} in view_of(rendered.map_html)["layers"]
    assert overdue.reference not in rendered.map_html.split('id="a11y-map-data"')[0]  # data, not template text
    assert "未整改问题" in rendered.map_html  # the legend entry
    table = rendered.table_html
    assert 'id="problems"' in table and overdue.reference in table and "已逾期" in table


def test_without_open_problems_there_is_no_layer(sample, map_catalog):
    rendered = render_map(_views(sample, map_catalog), map_catalog, MapOptions(tiles="none"))
    assert payload_of(rendered.map_html)["problems"]["items"] == []
    assert all(layer["kind"] != "problems" for layer in view_of(rendered.map_html)["layers"])
    assert 'id="problems"' not in rendered.table_html


@pytest.mark.browser
def test_the_problem_layer_toggles_and_a_popup_opens_and_closes_by_keyboard(
    with_problems, map_catalog, tmp_path, loopback_server, chromium_executable
):
    from playwright.sync_api import sync_playwright

    from audit.web.chromium import LAUNCH_ARGS

    sample, overdue, _ = with_problems
    files = write_map(_views(sample, map_catalog), map_catalog, tmp_path / "m" / "map.html", MapOptions(tiles="none"))
    url = loopback_server(files.map_path.parent).url(files.map_path.name)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_executable, args=list(LAUNCH_ARGS))
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url)
        page.wait_for_function("window.A11yMap && window.A11yMap.ready", timeout=15000)
        badges = page.locator(".a11y-problem-icon")
        assert badges.count() == 2
        assert page.locator(".a11y-problem-icon.overdue").inner_text().strip() == "问题 !"  # text, not colour
        toggle = page.get_by_label("未整改问题", exact=True)
        toggle.uncheck()
        assert badges.count() == 0
        toggle.check()
        assert badges.count() == 2
        badge = page.locator(".a11y-problem-icon.overdue")
        assert badge.get_attribute("role") == "button"
        badge.focus()
        page.keyboard.press("Enter")
        page.wait_for_selector(".leaflet-popup .a11y-popup h2", timeout=5000)
        heading = page.evaluate("() => document.activeElement.textContent")
        assert heading == f"问题 {overdue.reference}"
        popup = page.locator(".leaflet-popup").inner_text()
        assert all(text in popup for text in ("严重（阻断）", "已逾期", "芙蓉区住建局", "2025-02-01"))
        assert re.search(r"已存在天数\s*\d+", popup)
        page.keyboard.press("Escape")
        page.wait_for_selector(".leaflet-popup", state="detached", timeout=5000)
        assert page.evaluate("() => document.activeElement.classList.contains('a11y-problem-icon')")
        page.keyboard.press(" ")
        page.wait_for_selector(".leaflet-popup .a11y-popup h2", timeout=5000)
        browser.close()
    assert errors == []
