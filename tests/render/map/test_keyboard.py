"""The map used by keyboard alone, at a phone's 320 px and at desktop width: markers are buttons Enter and Space
open, the popup is a dialog that takes focus, Escape closes it and gives focus back; the legend never covers the
layer toggles."""

from __future__ import annotations

import pytest

from audit.render.map import MapOptions, write_map
from audit.render.view import RoundView

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": {"width": 320, "height": 640}, "desktop": {"width": 1200, "height": 800}}
FOCUSED_MARKER = "document.activeElement && document.activeElement.classList.contains('a11y-marker')"
POPUP_HAS_FOCUS = "() => !!document.activeElement.closest('.leaflet-popup')"


@pytest.fixture
def map_url(sample, map_catalog, tmp_path, loopback_server):
    version = map_catalog.policy.version
    views = [
        RoundView.load(sample.store, sample.facility_rounds[-1], version),
        RoundView.load(sample.store, sample.web_round, version),
    ]
    files = write_map(views, map_catalog, tmp_path / "maps" / "map.html", MapOptions(tiles="none"))
    return loopback_server(files.map_path.parent).url(files.map_path.name)


@pytest.fixture(params=sorted(VIEWPORTS))
def tab(request, chromium_executable, map_url):
    from playwright.sync_api import sync_playwright

    from audit.web.chromium import LAUNCH_ARGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_executable, args=list(LAUNCH_ARGS))
        page = browser.new_page(viewport=VIEWPORTS[request.param])
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(map_url)
        page.wait_for_function("window.A11yMap && window.A11yMap.ready", timeout=15000)
        # the scenic spot alone at its place, so it is drawn as a marker, not inside a cluster
        page.evaluate("() => A11yMap.map.setView([28.19, 112.96], 17, {animate: false})")
        page.errors = errors
        page.viewport_name = request.param
        yield page
        browser.close()


def tab_to_marker(page) -> None:
    """Press Tab from the top of the page until a map marker has focus, as a keyboard user would."""
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {FOCUSED_MARKER}"):
            return
    raise AssertionError("no marker was reached with Tab")


def open_popup_heading(page) -> str:
    page.wait_for_selector(".leaflet-popup .a11y-popup h2", timeout=5000)
    return page.evaluate("() => document.activeElement.textContent")


@pytest.mark.parametrize("key", ["Enter", "Space"])
def test_enter_and_space_open_a_dialog_that_takes_focus_and_escape_gives_it_back(tab, key):
    tab_to_marker(tab)
    marker = tab.evaluate(
        "() => { const m = document.activeElement; return {role: m.getAttribute('role'), "
        "title: m.getAttribute('title'), box: m.getBoundingClientRect().toJSON()}; }"
    )
    assert marker["role"] == "button"
    assert marker["box"]["width"] >= 24 and marker["box"]["height"] >= 24  # axe target-size, WCAG 2.5.8
    tab.keyboard.press(key)
    heading = open_popup_heading(tab)
    assert tab.evaluate(POPUP_HAS_FOCUS), "focus stayed outside the popup"
    assert marker["title"].startswith(heading)
    dialog = tab.evaluate("""() => { const d = document.querySelector('.leaflet-popup');
        const label = document.getElementById(d.getAttribute('aria-labelledby'));
        return {role: d.getAttribute('role'), label: label && label.textContent}; }""")
    assert dialog == {"role": "dialog", "label": heading}  # announced as a dialog named by its heading
    tab.keyboard.press("Escape")
    tab.wait_for_selector(".leaflet-popup", state="detached", timeout=5000)
    assert tab.evaluate(f"() => {FOCUSED_MARKER}"), "focus did not return to the marker"
    assert tab.evaluate("() => document.activeElement.getAttribute('title')") == marker["title"]
    assert tab.evaluate("() => window.scrollY") == 0  # Space did not scroll the page
    assert tab.errors == []


def test_the_close_button_is_reachable_and_closes_the_popup(tab):
    tab_to_marker(tab)
    tab.keyboard.press("Enter")
    open_popup_heading(tab)
    for _ in range(20):
        tab.keyboard.press("Tab")
        if tab.evaluate("() => document.activeElement.classList.contains('leaflet-popup-close-button')"):
            break
    else:
        raise AssertionError("the popup's close button was not reached with Tab")
    size = tab.evaluate("() => document.activeElement.getBoundingClientRect().toJSON()")
    assert size["width"] >= 24 and size["height"] >= 24
    tab.keyboard.press("Enter")
    tab.wait_for_selector(".leaflet-popup", state="detached", timeout=5000)
    assert tab.evaluate(f"() => {FOCUSED_MARKER}")


def test_the_legend_never_covers_a_layer_toggle(tab):
    overlaps = tab.evaluate("""() => {
        const legend = document.querySelector('.a11y-legend').getBoundingClientRect();
        return [...document.querySelectorAll('.leaflet-control-layers-overlays label')].filter(label => {
            const r = label.getBoundingClientRect();
            return r.left < legend.right && legend.left < r.right && r.top < legend.bottom && legend.top < r.bottom;
        }).map(label => label.textContent.trim());
    }""")
    assert overlaps == []
    if tab.viewport_name == "phone":  # folded behind its summary, which opens by keyboard
        assert tab.evaluate("() => document.querySelector('.a11y-legend details').open") is False
        tab.focus(".a11y-legend summary")
        tab.keyboard.press("Enter")
        assert tab.evaluate("() => document.querySelector('.a11y-legend details').open") is True
    overflow = tab.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
