"""Withdrawing an upload in real headless Chromium: the confirmation page passes our own audit (`a11y-audit web`,
probes on: reflow at 320 px, focus), and a keyboard alone at 320 px withdraws an upload from the home page."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.service.server import ServerThread, make_server
from tests.keyboard import tab_to
from tests.own_audit import audit_snapshots
from tests.service.conftest import JPEG, PASSWORD, csrf_of, fixture_bytes
from tests.service.test_uploads import submit

pytestmark = pytest.mark.browser
STATIC = Path(__file__).resolve().parents[2] / "audit" / "service" / "static"
YUELU = ("toilets.csv", fixture_bytes("toilets.csv"))


def _upload(app, token) -> dict:
    response = submit(app.test_client(), token, [YUELU], [("door1.jpg", JPEG)])
    assert response.status_code == 201, response.json
    return response.json


def snapshots(app, tokens, signed_in) -> dict[str, bytes]:
    """The confirmation page (zh, en), one refusing (closed campaign), and the home page after a withdrawal."""
    client = signed_in("yuelu")
    first, second = _upload(app, tokens["yuelu"]), _upload(app, tokens["yuelu"])
    pages = {"withdraw.html": client.get(f"/uploads/{first['upload_id']}/withdraw").data}
    assert "确认撤回" in pages["withdraw.html"].decode()
    pages["withdraw-en.html"] = client.get(f"/uploads/{first['upload_id']}/withdraw?lang=en").data
    client.get("/?lang=zh")
    done = client.post(f"/uploads/{first['upload_id']}/withdraw", data={"csrf_token": csrf_of(pages["withdraw.html"])})
    assert done.status_code == 303
    pages["home-withdrawn.html"] = client.get("/").data
    assert "已撤回上传" in pages["home-withdrawn.html"].decode()
    assert f"/uploads/{second['upload_id']}/withdraw" in pages["home-withdrawn.html"].decode()  # a link is audited
    app.extensions["a11y"].stores.get().set_campaign_state(second["round_id"], "closed")
    pages["withdraw-closed.html"] = client.get(f"/uploads/{second['upload_id']}/withdraw").data
    assert "已关闭" in pages["withdraw-closed.html"].decode()
    return pages


def test_the_withdrawal_pages_pass_our_own_audit_with_the_probes_on(
    app, tokens, signed_in, tmp_path, loopback_server, chromium_executable
):
    pages = snapshots(app, tokens, signed_in)
    code, failing, output = audit_snapshots(pages, tmp_path, loopback_server, {"static": STATIC})
    assert failing == {}, output
    assert code == 0, output


def _no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, page.url


def test_keyboard_only_at_320_px_from_the_home_page_to_the_withdrawal(
    app, config, tokens, catalog, chromium_executable
):
    from playwright.sync_api import sync_playwright

    from audit.runs import current_scores
    from audit.web.chromium import LAUNCH_ARGS, find_chromium

    upload = _upload(app, tokens["yuelu"])
    upload_id = upload["upload_id"]
    running = ServerThread(make_server(app, config, "127.0.0.1", 0, threads=2)).start()
    base = f"http://127.0.0.1:{running.port}"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), args=list(LAUNCH_ARGS))
            page = browser.new_page(viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True)
            page.goto(base + "/login")
            page.fill("#username", "yuelu")
            page.fill("#password", PASSWORD)
            with page.expect_navigation():
                page.keyboard.press("Enter")
            page.goto(base + "/")
            _no_horizontal_scroll(page)

            tab_to(page, f"el.tagName === 'A' && el.getAttribute('href') === '/uploads/{upload_id}/withdraw'", limit=60)
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert page.url == f"{base}/uploads/{upload_id}/withdraw"
            assert page.locator("h1").inner_text() == f"撤回上传 {upload_id}"
            _no_horizontal_scroll(page)

            tab_to(page, "el.type === 'submit' && el.closest('form').action.endsWith('/withdraw')", limit=60)
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert page.url == base + "/"
            assert page.locator("#done").inner_text().startswith(f"已撤回上传 {upload_id}：2 个设施")
            assert page.locator(f"a[href='/uploads/{upload_id}/withdraw']").count() == 0
            _no_horizontal_scroll(page)
            browser.close()
    finally:
        running.stop()
    store = app.extensions["a11y"].stores.get()
    assert store.upload(upload_id).withdrawn_by == "yuelu"
    scored = {s.subject_key for s in current_scores(store, catalog, upload["round_id"])}
    assert scored.isdisjoint(f["key"] for f in upload["facilities"])
