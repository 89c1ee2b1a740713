"""The public report form in real headless Chromium: it passes our own audit (`a11y-audit web`, probes on: reflow at
320 px, focus) as a phone gets it, and a keyboard alone at 320 px can send a report and land on its reference."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from audit.service import create_app
from audit.service.server import ServerThread, make_server
from tests.keyboard import tab_to
from tests.own_audit import audit_snapshots
from tests.service.conftest import csrf_of
from tests.service.test_public_reports import good_fields

pytestmark = pytest.mark.browser
SERVICE = Path(__file__).resolve().parents[2] / "audit" / "service"
LEAFLET = Path(__file__).resolve().parents[2] / "audit" / "render" / "map" / "static" / "leaflet"


@pytest.fixture
def offline_app(config, catalog):
    """The service with no base-map tiles: nothing in these tests reaches past 127.0.0.1."""
    app = create_app(replace(config, public_map_tiles=""), catalog)
    yield app
    app.extensions["a11y"].stores.close()


def snapshots(app) -> dict[str, bytes]:
    client = app.test_client()
    pages = {"report.html": client.get("/report").data}
    token = csrf_of(pages["report.html"])
    bad = client.post("/report", data={"csrf_token": token, **good_fields(kind="", lat="39.9", lon="116.4")})
    assert bad.status_code == 422
    pages["report-errors.html"] = bad.data
    sent = client.post("/report", data={"csrf_token": token, **good_fields()})
    assert sent.status_code == 303
    pages["report-status.html"] = client.get(sent.headers["Location"]).data
    pages["report-en.html"] = client.get("/report?lang=en").data
    return pages


def test_the_public_pages_pass_our_own_audit_with_the_probes_on(
    offline_app, tmp_path, loopback_server, chromium_executable
):
    copies = {"static": SERVICE / "static", "report/leaflet": LEAFLET}
    code, failing, output = audit_snapshots(snapshots(offline_app), tmp_path, loopback_server, copies)
    assert failing == {}, output
    assert code == 0, output


def test_keyboard_only_at_320_px_from_the_form_to_the_reference(offline_app, config, chromium_executable):
    from playwright.sync_api import sync_playwright

    from audit.web.chromium import LAUNCH_ARGS, find_chromium

    running = ServerThread(make_server(offline_app, config, "127.0.0.1", 0, threads=2)).start()
    base = f"http://127.0.0.1:{running.port}"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), args=list(LAUNCH_ARGS))
            page = browser.new_page(viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True)
            page.goto(base + "/report")
            assert page.evaluate("document.documentElement.scrollWidth") <= 320
            assert page.locator("#report-map").is_visible()  # the script ran: Leaflet from our own files

            # sent empty: the error summary is focused, the fields are marked
            tab_to(page, "el.type === 'submit' && el.closest('#report-form')", limit=60)
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert page.evaluate("document.activeElement.id") == "error-summary"
            assert page.locator("#description").get_attribute("aria-invalid") == "true"
            assert page.evaluate("document.documentElement.scrollWidth") <= 320

            tab_to(page, "el.name === 'kind'", limit=60)
            page.keyboard.press("ArrowDown")  # arrows move within the radio group and check the next kind
            page.keyboard.press("Space")
            chosen = page.evaluate("document.activeElement.value")
            tab_to(page, "el.id === 'description'", limit=60)
            page.keyboard.type("盲道被共享单车占用")
            tab_to(page, "el.id === 'lat'", limit=60)
            page.keyboard.type("28.19")
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.id") == "lon"
            page.keyboard.type("112.94")
            tab_to(page, "el.type === 'submit' && el.closest('#report-form')", limit=60)
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert re.search(r"/report/R-[A-Z2-7]{8}\?new=1$", page.url), page.url
            ref = page.url.rsplit("/", 1)[1].split("?")[0]
            assert ref in page.locator("#thanks").inner_text()
            assert page.evaluate("document.documentElement.scrollWidth") <= 320
            browser.close()
    finally:
        running.stop()
    stored = offline_app.extensions["a11y"].stores.get().public_report(ref)
    assert stored.checklist == chosen and stored.description == "盲道被共享单车占用" and stored.area_code == "430104"
