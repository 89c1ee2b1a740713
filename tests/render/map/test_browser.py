"""The map page in real headless Chromium: it draws, stays escaped, and passes the project's own web audit."""

from __future__ import annotations

import base64

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from audit.render.map import MapOptions, write_map
from audit.render.view import RoundView

from .conftest import EVIL_NAME

pytestmark = pytest.mark.browser


@pytest.fixture
def served_map(sample, map_catalog, tmp_path, loopback_server):
    """The sample map written to disk and served on 127.0.0.1; no tiles, so nothing else is contacted."""
    version = map_catalog.policy.version
    views = [
        RoundView.load(sample.store, sample.facility_rounds[-1], version),
        RoundView.load(sample.store, sample.web_round, version),
    ]
    files = write_map(views, map_catalog, tmp_path / "maps" / "map.html", MapOptions(tiles="none"))
    server = loopback_server(files.map_path.parent)
    return server.url(files.map_path.name), server.url(files.table_path.name)


@pytest.fixture
def served_paged_map(sample, map_catalog, tmp_path, loopback_server, monkeypatch):
    """The same sample with the table page's static limit lowered, so its items are paged (4 per page)."""
    from audit.render.map import table

    monkeypatch.setattr(table, "STATIC_ROW_LIMIT", 3)
    monkeypatch.setattr(table, "PAGE_SIZE", 4)
    version = map_catalog.policy.version
    views = [
        RoundView.load(sample.store, sample.facility_rounds[-1], version),
        RoundView.load(sample.store, sample.web_round, version),
    ]
    files = write_map(views, map_catalog, tmp_path / "paged" / "map.html", MapOptions(tiles="none"))
    server = loopback_server(files.map_path.parent)
    return server.url(files.table_path.name)


@pytest.fixture
def page(chromium_executable):
    from playwright.sync_api import sync_playwright

    from audit.web.chromium import LAUNCH_ARGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_executable, args=list(LAUNCH_ARGS))
        tab = browser.new_page(viewport={"width": 1200, "height": 800})
        # Only loopback: anything else (tiles, CDNs) would mean the page is not self-contained.
        outside: list[str] = []
        tab.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(("http://127.0.0.1", "data:"))
                else (outside.append(route.request.url), route.abort())
            ),
        )
        errors: list[str] = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.outside, tab.errors = outside, errors
        yield tab
        browser.close()


def pixel_spread(page, png: bytes) -> float:
    """Standard deviation of the screenshot's grey levels, computed on a canvas in a blank page."""
    page.goto("about:blank")
    return page.evaluate(
        """src => new Promise(resolve => {
            const img = new Image();
            img.onload = () => {
              const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
              const g = c.getContext('2d'); g.drawImage(img, 0, 0);
              const d = g.getImageData(0, 0, c.width, c.height).data;
              let n = 0, sum = 0, sq = 0;
              for (let i = 0; i < d.length; i += 16) { const v = (d[i] + d[i+1] + d[i+2]) / 3; n++; sum += v; sq += v*v; }
              resolve(Math.sqrt(sq / n - (sum / n) ** 2));
            };
            img.src = src;
        })""",
        "data:image/png;base64," + base64.b64encode(png).decode(),
    )


def test_map_draws_every_layer_and_is_not_blank(served_map, page):
    map_url, _ = served_map
    page.goto(map_url)
    page.wait_for_function("window.A11yMap && window.A11yMap.ready", timeout=15000)
    counts = page.evaluate("""() => Object.fromEntries(Object.entries(A11yMap.layers)
        .filter(([k, l]) => l.a11yCluster).map(([k, l]) => [k, l.a11yCluster.getLayers().length]))""")
    assert counts == {"toilets": 4, "scenic": 1, "information": 2}
    assert page.locator(".leaflet-control-layers-overlays label").count() == 7
    png = page.screenshot()
    assert pixel_spread(page, png) > 10, "the screenshot looks blank"
    assert page.errors == [] and page.outside == []


def test_popup_shows_user_text_as_text(served_map, page):
    map_url, _ = served_map
    page.goto(map_url)
    page.wait_for_function("window.A11yMap && window.A11yMap.ready", timeout=15000)
    page.evaluate("""() => A11yMap.layers.toilets.a11yCluster.getLayers()
        .find(m => m.a11yTitle().startsWith('<script>')).openPopup()""")
    popup = page.locator(".a11y-popup h2")
    assert popup.text_content() == EVIL_NAME
    assert page.locator(".a11y-popup b").count() == 0 and page.locator(".a11y-popup script").count() == 0
    text = page.locator(".a11y-popup").text_content()
    assert "GB 55019-2021 3.2.3" in text and "实测 700 mm，要求 ≥ 800 mm" in text and "2024-05-06" in text
    assert page.locator(".a11y-popup img").first.get_attribute("alt")


def open_by_click(page, marker, tries=3):
    """Clicks until the popup shows: right after a view change markercluster may still be redrawing the
    marker in slices, and a click on the element it is about to replace opens nothing."""
    for _ in range(tries):
        marker.click()
        try:
            page.wait_for_selector(".a11y-popup h2", timeout=5000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"no popup after {tries} clicks")


def test_markers_open_their_popup_by_click_and_by_keyboard(served_map, page):
    """Popups are bound on first opening by one handler per cluster group: check both ways in."""
    map_url, _ = served_map
    page.goto(map_url)
    page.wait_for_function("window.A11yMap && window.A11yMap.ready", timeout=15000)
    page.evaluate("""() => { const map = A11yMap.map;
        map.setView([28.19, 112.96], 17, {animate: false}); }""")  # the scenic spot, alone at its place
    marker = page.locator(".a11y-marker[title^='橘子洲']")
    open_by_click(page, marker)
    assert page.locator(".a11y-popup h2").text_content() == "橘子洲"
    page.locator(".leaflet-popup-close-button").click()
    page.wait_for_selector(".a11y-popup", state="detached", timeout=5000)
    marker.focus()
    assert marker.get_attribute("role") == "button" and marker.get_attribute("tabindex") == "0"
    page.keyboard.press("Enter")
    assert page.locator(".a11y-popup h2").text_content() == "橘子洲"
    assert page.errors == []


def test_large_table_is_paged_sortable_and_filterable(served_paged_map, page):
    page.goto(served_paged_map)
    rows = page.locator("#items tbody tr")
    assert page.locator("#pager").is_visible() and rows.count() == 4
    status = page.locator("#shown")
    assert "1 / 3" in status.text_content() and "11" in status.text_content()
    first_page = rows.all_text_contents()
    page.get_by_role("button", name="下一页").click()
    assert rows.count() == 4 and rows.all_text_contents() != first_page and "2 / 3" in status.text_content()
    page.get_by_role("button", name="末页").click()
    assert rows.count() == 3 and page.get_by_role("button", name="下一页").get_attribute("aria-disabled") == "true"
    page.get_by_role("button", name="得分").click()
    assert page.locator("#items th[aria-sort=ascending]").count() == 1 and "1 / 3" in status.text_content()
    page.select_option("#filter-category", "toilets")
    assert rows.count() == 4 and "1 / 2" in status.text_content() and "5" in status.text_content()
    page.fill("#filter-text", "黄兴路")
    page.wait_for_function("document.querySelectorAll('#items tbody tr').length === 1")
    assert page.locator("#items tbody th[scope=row]").text_content() == "黄兴路公厕"
    page.fill("#filter-text", "<b>bold")
    page.wait_for_function("document.querySelectorAll('#items tbody tr').length === 1")
    assert page.locator("#items tbody b").count() == 0 and page.locator("#items tbody script").count() == 0
    assert page.errors == [] and page.outside == []


def test_table_sorts_and_filters_without_the_map(served_map, page):
    _, table_url = served_map
    page.goto(table_url)
    page.get_by_role("button", name="得分").click()
    assert page.locator("#items th[aria-sort=ascending]").count() == 1
    page.select_option("#filter-category", "toilets")
    assert page.locator("#items tbody tr:not([hidden])").count() == 5
    assert "5" in page.locator("#shown").text_content()
    assert page.errors == [] and page.outside == []


@pytest.mark.parametrize("which", ["map", "table", "paged-table"])
def test_pages_pass_our_own_web_audit(request, chromium_executable, which):
    from audit.web import audit_page, critical_or_serious

    if which == "paged-table":
        url = request.getfixturevalue("served_paged_map")
    else:
        map_url, table_url = request.getfixturevalue("served_map")
        url = map_url if which == "map" else table_url
    results = audit_page(url, executable=chromium_executable)
    assert results["violations"] is not None
    assert critical_or_serious(results) == []
