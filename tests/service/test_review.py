"""The review service on a real audit: a small site on 127.0.0.1 audited in Chromium into the service's store,
reviewed through the pages (CSRF, roles, screenshot with the element outlined) and the API (JSON, XLSX, JSON-LD),
and, keyboard only in Chinese, from the queue to a signed conformance report."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from openpyxl import load_workbook

from audit.render.conformance import SCHEMA
from audit.runs.review import build_queue
from audit.runs.review_capture import capture_pages
from audit.runs.web import run_web
from audit.service.server import ServerThread, make_server
from audit.web.auditor import AuditOptions, Site
from audit.web.crawl import CrawlOptions
from tests.keyboard import tab_to
from tests.service.conftest import PASSWORD, bearer, csrf_of

pytestmark = pytest.mark.browser
SITE = Path(__file__).resolve().parents[1] / "runs" / "review_site"
STATIC = Path(__file__).resolve().parents[2] / "audit" / "service" / "static"
OPTIONS = AuditOptions(
    crawl=CrawlOptions(max_pages=5, max_depth=2, delay=0, use_sitemaps=False, obey_robots=False), timeout=20
)


@pytest.fixture
def audited(app, config, catalog, tmp_path, loopback_server, chromium_executable):
    """A web round of the small site in the service's store, its pages captured where the service looks."""
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    server = loopback_server(root)
    store = app.extensions["a11y"].stores.get()
    round_ = run_web(store, catalog, [Site(server.url("index.html"))], OPTIONS)
    assert capture_pages(store, catalog, round_.id, Path(config.reports_dir) / "review") == 2
    return round_.id, server, store


def _contrast_item(client, round_id: int) -> dict:
    items = client.get(f"/api/review/{round_id}/queue", headers=client.auth).get_json()
    return next(i for i in items if i["check_id"] == "axe-color-contrast")


def test_review_pages_and_api(app, audited, signed_in, tokens, catalog):
    round_id, _, store = audited
    admin = signed_in("admin")
    queue = admin.get(f"/review/{round_id}/")
    assert queue.status_code == 200 and "复核队列".encode() in queue.data and "待复核".encode() in queue.data
    api = app.test_client()
    api.auth = bearer(tokens["admin"])
    item = _contrast_item(api, round_id)
    assert item["state"] == "pending" and item["evidence"][0]["html"].startswith('<p class="banner">')
    page = admin.get(f"/review/{round_id}/items/{item['item']}")
    html = page.data.decode()
    assert page.status_code == 200 and "<svg viewBox=" in html and "<rect " in html  # the element outlined
    shot = html.split('<image href="', 1)[1].split('"', 1)[0]
    image = admin.get(shot)
    assert image.status_code == 200 and image.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert admin.get(f"/review/{round_id}/shots/..%2Fservice.db").status_code == 404
    # the HTML of the element is shown escaped, never as markup
    assert "&lt;p class=&#34;banner&#34;&gt;" in html or "&lt;p class=&#34;banner" in html

    form = {"outcome": "fail", "note": "<b>对比度约 2.8:1</b>"}
    assert admin.post(f"/review/{round_id}/items/{item['item']}", data=form).status_code == 400  # no CSRF token
    viewer = signed_in("viewer")
    denied = viewer.post(
        f"/review/{round_id}/items/{item['item']}",
        data={**form, "csrf_token": csrf_of(viewer.get(f"/review/{round_id}/").data)},
    )
    assert denied.status_code == 403
    saved = admin.post(f"/review/{round_id}/items/{item['item']}", data={**form, "csrf_token": csrf_of(page.data)})
    assert saved.status_code == 303
    verdict = next(v for v in store.verdicts(round_id) if v.check_id == "axe-color-contrast")
    assert (verdict.author, verdict.outcome.value, verdict.note) == ("admin", "fail", "<b>对比度约 2.8:1</b>")
    again = admin.get(f"/review/{round_id}/items/{item['item']}").data.decode()
    assert "&lt;b&gt;对比度约 2.8:1&lt;/b&gt;" in again and "<b>对比度" not in again

    bad = api.post(
        f"/api/review/{round_id}/verdicts",
        json={"verdicts": [{"item": item["item"], "outcome": "maybe"}]},
        headers=api.auth,
    )
    assert bad.status_code == 422 and "pass" in bad.get_json()["message"]
    ok = api.post(
        f"/api/review/{round_id}/verdicts",
        json={"verdicts": [{"item": item["item"], "outcome": "pass"}]},
        headers=api.auth,
    )
    assert ok.status_code == 201 and _contrast_item(api, round_id)["verdict"]["outcome"] == "pass"
    inspector = app.test_client()
    inspector.auth = bearer(tokens["yuelu"])
    assert (
        inspector.get(f"/api/review/{round_id}/queue", headers=inspector.auth).get_json() == []
    )  # web items: not theirs

    # the spreadsheet round trip through the API: export, fill one verdict, import
    sheet = api.get(f"/api/review/{round_id}/queue.xlsx", headers=api.auth)
    assert sheet.status_code == 200
    book = load_workbook(io.BytesIO(sheet.data))
    rows = list(book.active.iter_rows(values_only=True))
    header = rows[0]
    target = next(
        n
        for n, r in enumerate(rows)
        if r[header.index("检查项编号")] == "manual-wcag-3.2.2" and r[3].endswith("index.html")
    )
    book.active.cell(row=target + 1, column=header.index("判定") + 1, value="不通过")
    book.active.cell(row=target + 1, column=header.index("说明") + 1, value="选中即跳转")
    filled = io.BytesIO()
    book.save(filled)
    sent = api.post(
        f"/api/review/{round_id}/verdicts.xlsx",
        data={"file": (io.BytesIO(filled.getvalue()), "queue.xlsx")},
        headers=api.auth,
        content_type="multipart/form-data",
    )
    assert sent.status_code == 201 and sent.get_json() == {"recorded": 1}

    report = api.get(f"/api/review/{round_id}/report?format=jsonld", headers=api.auth)
    document = json.loads(report.data)
    assert list(Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).iter_errors(document)) == []
    on_input = next(a for a in document["@graph"][0]["auditResult"] if a["test"] == "WCAG2:on-input")
    assert on_input["result"]["outcome"] == "earl:failed" and on_input["mode"] == "earl:manual"


def _follow(page) -> None:
    """Press Enter on the focused link or button and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_keyboard_only_in_chinese_from_queue_to_signed_report(app, config, audited):
    round_id, _, store = audited
    from playwright.sync_api import sync_playwright

    from audit.web.chromium import LAUNCH_ARGS, find_chromium

    running = ServerThread(make_server(app, config, "127.0.0.1", 0, threads=2)).start()
    base = f"http://127.0.0.1:{running.port}"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), args=list(LAUNCH_ARGS))
            page = browser.new_page(viewport={"width": 1024, "height": 800})
            page.goto(base + "/login")
            assert page.evaluate("document.documentElement.lang") == "zh-CN"
            tab_to(page, "el.id === 'username'")
            page.keyboard.type("admin")
            page.keyboard.press("Tab")
            page.keyboard.type(PASSWORD)
            _follow(page)
            tab_to(page, "el.textContent.trim() === '人工复核'")
            _follow(page)
            tab_to(page, f"el.getAttribute('href') === '/review/{round_id}/'")
            _follow(page)
            tab_to(
                page,
                "el.textContent.includes('复核：') && el.textContent.includes('3.2') === false && el.closest('tbody')",
            )
            _follow(page)
            check_title = page.locator("h1").inner_text()
            tab_to(page, "el.type === 'radio'")
            page.keyboard.press("ArrowDown")  # 通过 -> 不通过
            assert page.evaluate("document.activeElement.value") == "fail"
            page.keyboard.press("Tab")
            page.keyboard.type("键盘复核：不通过")
            tab_to(page, "el.textContent.trim() === '保存判定'")
            _follow(page)
            assert "判定已保存" in page.locator("[role=status]").first.inner_text()
            decided = [v for v in store.verdicts(round_id) if v.note == "键盘复核：不通过"]
            assert len(decided) == 1 and decided[0].outcome.value == "fail" and decided[0].author == "admin"
            assert check_title

            tab_to(page, "el.textContent.trim() === '返回队列'")
            _follow(page)
            tab_to(page, "el.textContent.startsWith('符合性报告')")
            _follow(page)
            assert "按 WCAG 2.1 成功准则的结果" in page.content()
            tab_to(page, "el.id === 'remarks'")
            page.keyboard.type("抽样复核完成")
            tab_to(page, "el.id === 'confirm'")
            page.keyboard.press("Space")
            tab_to(page, "el.textContent.trim() === '签署声明'")
            _follow(page)
            assert (
                "由 admin 于"
                in page.locator("#statement-h + p + p, section[aria-labelledby=statement-h]").first.inner_text()
            )
            signatures = store.signatures(round_id)
            assert len(signatures) == 1 and signatures[0].statement["remarks"] == "抽样复核完成"

            # usable at 320 px: the item page and the report do not scroll sideways
            page.set_viewport_size({"width": 320, "height": 640})
            for path in (f"/review/{round_id}/items/{decided[0] and _first_item(store, round_id)}", page.url):
                page.goto(path if path.startswith("http") else base + path)
                wide = page.evaluate(
                    "() => [...document.querySelectorAll('body *')].filter(e => (e.getBoundingClientRect().right > 322 || e.scrollWidth > 330)"
                    " && !(e.parentElement && e.parentElement.closest('.scroll'))).map(e => e.tagName + '.' + e.className + ' w=' + Math.round(e.getBoundingClientRect().width) + ' sw=' + e.scrollWidth + ' r=' + Math.round(e.getBoundingClientRect().right))"
                )
                assert page.evaluate("document.documentElement.scrollWidth") <= 322, (path, wide[:12])
            browser.close()
    finally:
        running.stop()


def _first_item(store, round_id: int) -> str:
    from audit.runs.review import item_id

    verdict = store.verdicts(round_id)[0]
    return item_id(verdict.subject_key, verdict.check_id)


def test_review_pages_and_the_report_pass_our_own_audit(app, audited, signed_in, tmp_path, loopback_server, catalog):
    """No critical or serious axe violation on the queue, an item, the report page and the standalone report."""
    from audit.web import audit_page, critical_or_serious

    round_id, _, store = audited
    admin = signed_in("admin")
    item = next(i for i in build_queue(store, catalog, round_id) if i.check.id == "axe-color-contrast")
    site = next(k for k in store.audited_keys(round_id) if k.startswith("site:"))
    folder = tmp_path / "own"
    shutil.copytree(STATIC, folder / "static")
    pages = {
        "queue.html": admin.get(f"/review/{round_id}/?show=all").data,
        "item.html": admin.get(f"/review/{round_id}/items/{item.id}").data,
        "report.html": admin.get(f"/review/{round_id}/report?site={site}").data,
        "standalone.html": admin.get(f"/review/{round_id}/report.html?site={site}").data,
        "item-en.html": admin.get(f"/review/{round_id}/items/{item.id}?lang=en").data,
    }
    for name, html in pages.items():
        assert b"<main" in html, name
        (folder / name).write_bytes(html)
    server = loopback_server(folder)
    problems = {}
    for name in pages:
        results = audit_page(server.url(name))
        assert results["passes"], name
        if critical_or_serious(results):
            problems[name] = critical_or_serious(results)
    assert problems == {}
