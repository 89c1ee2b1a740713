"""Incremental re-audits in real Chromium against sites on 127.0.0.1: an unchanged page keeps the last round's
findings (a 304 to a conditional request where the server gives validators, else the same rendered DOM), a changed
page, a new axe-core, an edited checklist or --no-reuse audits afresh, and the outputs name the reused pages."""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
from http.server import SimpleHTTPRequestHandler

import pytest

from audit.catalog import load_catalog
from audit.runs.web import run_web
from audit.web import reuse as reuse_module
from audit.web.auditor import AuditOptions, PageAudited, Site
from audit.web.crawl import CrawlOptions

pytestmark = pytest.mark.browser
OPTIONS = AuditOptions(
    crawl=CrawlOptions(max_pages=10, max_depth=2, delay=0, use_sitemaps=False, obey_robots=False), timeout=20
)
# A small portal as they come: an image without alt text, an unlabelled field, a page that links on.
PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>
<body><header><a href="/index.html">首页</a> <a href="/news.html">新闻</a> <a href="/guide.html">办事指南</a>
<a href="/contact.html">联系我们</a></header><main><h1>{title}</h1>{body}</main></body></html>"""
BODIES = {
    "index.html": '<p>欢迎访问</p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">',
    "news.html": "<p>新闻动态</p><input type=text>",
    "guide.html": "<p>办事指南</p>",
    "contact.html": "<p>电话 0731-00000000</p>",
}


class Portal:
    """The pages in memory, served with ETags (304 on If-None-Match), Last-Modified only, or no validators;
    it counts the browser's loads (plain GETs) and the conditional requests per page."""

    def __init__(self, validators: str):
        self.validators = validators
        self.bodies = dict(BODIES)
        self.loads: dict[str, int] = {}
        self.conditional: dict[str, int] = {}
        self.lock = threading.Lock()
        self.session: str | None = None  # a cookie every request must carry ("sid=..."), else 403

    def html(self, name: str) -> bytes:
        return PAGE.format(title=name.removesuffix(".html"), body=self.bodies[name]).encode()

    def handler(self) -> type[SimpleHTTPRequestHandler]:
        portal = self

        class Handler(SimpleHTTPRequestHandler):
            def log_message(self, format, *args):
                pass

            def do_GET(self):
                name = self.path.split("?")[0].lstrip("/") or "index.html"
                if name not in portal.bodies:
                    self.send_error(404)
                    return
                if portal.session and portal.session not in (self.headers.get("Cookie") or ""):
                    self.send_error(403)
                    return
                body = portal.html(name)
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                asked = self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since")
                with portal.lock:
                    counter = portal.conditional if asked else portal.loads
                    counter[name] = counter.get(name, 0) + 1
                if portal.validators == "etag" and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                if portal.validators == "etag":
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def reset_counts(self) -> None:
        self.loads.clear()
        self.conditional.clear()


@pytest.fixture
def portal(request, loopback_server, chromium_executable, tmp_path):
    site = Portal(request.param if hasattr(request, "param") else "etag")
    server = loopback_server(tmp_path, site.handler())
    return site, server


# Reuse is what these tests are about: the two axe rules the pages fail, the title and one probe, not every check.
CHECKS = ("axe-image-alt", "axe-label", "axe-document-title", "web-reflow-320")


def audit(store, catalog, server, site: Site | None = None, **kwargs):
    events = []
    site = site or Site(server.url("index.html"))
    kwargs.setdefault("ignore", [c.id for cl in catalog.domain("web") for c in cl.checks if c.id not in CHECKS])
    round_ = run_web(store, catalog, [site], OPTIONS, on_event=events.append, **kwargs)
    pages = {e.subject.url.rsplit("/", 1)[1]: e for e in events if isinstance(e, PageAudited)}
    return round_, pages


def reused(pages) -> dict[str, str | None]:
    return {name: e.subject.attributes.get("reused") for name, e in sorted(pages.items())}


def stored(store, round_id):
    return sorted(
        (f.subject_key, f.check_id, f.outcome.value, f.passed, f.failed, f.evidence)
        for f in store.findings(round_id, prefix="page:")
    )


@pytest.mark.parametrize("portal", ["etag"], indirect=True)
def test_unchanged_site_with_etags_is_reused_by_304_with_the_same_findings(store, catalog, portal):
    site, server = portal
    first, pages = audit(store, catalog, server)
    assert set(pages) == set(BODIES) and not any(reused(pages).values())
    assert all(state["etag"] and state["dom_hash"] for state in store.page_reuse(first.id).values())
    site.reset_counts()

    second, pages = audit(store, catalog, server)

    assert reused(pages) == dict.fromkeys(sorted(BODIES), "304")
    assert site.loads == {}  # not one page opened in the browser
    assert site.conditional == dict.fromkeys(BODIES, 1)
    assert stored(store, second.id) == stored(store, first.id)
    assert any(f[2] == "fail" for f in stored(store, second.id))  # the copied findings include failures
    assert {k: v["reused"] for k, v in store.page_reuse(second.id).items()} == {
        f"page:{server.url(name)}": "304" for name in BODIES
    }
    scores = {s.subject_key: s.score for s in store.scores(second.id)}
    assert scores == {s.subject_key: s.score for s in store.scores(first.id)}  # scored as usual, the same


@pytest.mark.parametrize("portal", ["etag"], indirect=True)
def test_a_changed_page_is_audited_again_and_the_others_reused(store, catalog, portal):
    site, server = portal
    audit(store, catalog, server)
    site.bodies["guide.html"] += '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'  # a content edit
    site.reset_counts()

    second, pages = audit(store, catalog, server)

    assert reused(pages) == {"contact.html": "304", "guide.html": None, "index.html": "304", "news.html": "304"}
    assert site.loads == {"guide.html": 1}
    guide = {f.check_id: f for f in store.findings(second.id, prefix=f"page:{server.url('guide.html')}")}
    assert guide["axe-image-alt"].outcome.value == "fail"  # the edit's new defect is found

    third, pages = audit(store, catalog, server)  # the re-audited page's new validators serve the next round
    assert set(reused(pages).values()) == {"304"}
    assert stored(store, third.id) == stored(store, second.id)


@pytest.mark.parametrize("portal", ["none"], indirect=True)
def test_without_validators_the_rendered_dom_decides(store, catalog, portal):
    site, server = portal
    first, _ = audit(store, catalog, server)
    assert not any(state["etag"] or state["last_modified"] for state in store.page_reuse(first.id).values())
    site.bodies["news.html"] = site.bodies["news.html"].replace("新闻动态", "新闻动态（更新）")
    site.reset_counts()

    second, pages = audit(store, catalog, server)

    assert reused(pages) == {"contact.html": "dom", "guide.html": "dom", "index.html": "dom", "news.html": None}
    assert site.conditional == {}  # nothing to ask with: each page was loaded in the browser
    assert site.loads == dict.fromkeys(BODIES, 1)
    news = f"page:{server.url('news.html')}"
    assert [f for f in stored(store, second.id) if f[0] != news] == [f for f in stored(store, first.id) if f[0] != news]


@pytest.mark.parametrize("portal", ["etag"], indirect=True)
def test_a_new_axe_core_or_no_reuse_audits_every_page_afresh(store, catalog, portal, monkeypatch):
    site, server = portal
    first, _ = audit(store, catalog, server)
    monkeypatch.setattr(reuse_module, "axe_digest", lambda: "axe-core 9.9.9")
    _, pages = audit(store, catalog, server)
    assert set(pages) == set(BODIES) and not any(reused(pages).values())
    monkeypatch.undo()

    site.reset_counts()
    third, pages = audit(store, catalog, server, reuse=False)
    assert not any(reused(pages).values()) and site.conditional == {}
    assert stored(store, third.id) == stored(store, first.id)  # a fresh audit finds what the reused copies said


@pytest.mark.parametrize("portal", ["etag"], indirect=True)
def test_an_edited_checklist_audits_every_page_afresh(store, portal, tmp_path):
    _, server = portal
    root = tmp_path / "checklists"
    shutil.copytree(load_catalog().root, root)
    audit(store, load_catalog(root), server)
    _, pages = audit(store, load_catalog(root), server)
    assert set(reused(pages).values()) == {"304"}

    checklist = root / "web" / "portal-builtin.yaml"
    checklist.write_text(checklist.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    _, pages = audit(store, load_catalog(root), server)
    assert set(pages) == set(BODIES) and not any(reused(pages).values())


def test_the_digest_covers_axe_checklists_and_options(catalog):
    checks = [c for cl in catalog.domain("web") for c in cl.checks]
    base = reuse_module.run_digest(catalog.root, catalog.domain("web"), checks, None, None)
    assert base == reuse_module.run_digest(catalog.root, catalog.domain("web"), checks, None, None)
    assert base != reuse_module.run_digest(catalog.root, catalog.domain("web"), checks, "en", None)
    assert base != reuse_module.run_digest(catalog.root, catalog.domain("web"), checks[1:], None, None)
    assert json.dumps(base)  # a plain string, stored as is


@pytest.mark.parametrize("portal", ["etag"], indirect=True)
def test_outputs_and_the_cli_name_the_reused_pages(portal, tmp_path):
    from click.testing import CliRunner
    from jsonschema import validate

    from audit.cli import cli
    from audit.render.ci.data import REPORT_SCHEMA

    site, server = portal
    base = ["--db", str(tmp_path / "a.db"), "--lang", "en", "web", "--no-config", server.url("index.html")]
    quick = ["--delay", "0", "--ignore-robots", "--no-sitemap", "--max-pages", "10", "--timeout", "20"]
    quick += [word for check in CHECKS for word in ("--only", check)]
    formats = ["--format", "json,md,html,junit,sarif"]

    def web(out: str, *more: str):
        return CliRunner().invoke(cli, [*base, *quick, *formats, "--out", str(tmp_path / out), *more])

    first = web("first")
    assert first.exit_code in (0, 2), first.output
    assert "unchanged" not in first.output
    site.bodies["news.html"] += "<p>更新</p>"
    second = web("second")
    assert second.stderr.count("(unchanged: 304, last round's findings kept)") == 3
    assert "3 pages unchanged, last round's findings kept (304: 3, same DOM: 0)" in second.output

    out = tmp_path / "second"
    report = json.loads((out / "a11y-report.json").read_text(encoding="utf-8"))
    validate(report, json.loads(REPORT_SCHEMA.read_text(encoding="utf-8")))
    by_page = {p["url"].rsplit("/", 1)[1]: p["reused"] for p in report["pages"]}
    assert by_page == {"contact.html": "304", "guide.html": "304", "index.html": "304", "news.html": None}
    assert report["summary"]["reused"] == 3 and report["summary"]["reused_by"] == {"not_modified": 3, "same_dom": 0}
    markdown = (out / "a11y-summary.md").read_text(encoding="utf-8")
    assert f"- {server.url('guide.html')}: unchanged: 304" in markdown
    assert server.url("news.html") + ": unchanged" not in markdown
    html = (out / "a11y-report.html").read_text(encoding="utf-8")
    assert html.count("[unchanged: 304]") == 3
    junit = (out / "a11y-junit.xml").read_text(encoding="utf-8")
    assert junit.count('<property name="reused" value="unchanged: 304" />') == 3
    sarif = json.loads((out / "a11y.sarif").read_text(encoding="utf-8"))
    assert sorted(r["url"] for r in sarif["runs"][0]["properties"]["reused"]) == sorted(
        server.url(n) for n in ("contact.html", "guide.html", "index.html")
    )

    third = web("third", "--no-reuse")
    assert "unchanged" not in third.output + third.stderr


@pytest.mark.parametrize("portal", ["etag"], indirect=True)
def test_logged_in_pages_are_asked_about_with_the_session(store, catalog, portal):
    from audit.web.login import Auth, Cookie
    from audit.web.settings import SiteSettings

    site, server = portal
    site.session = "sid=s3cr3t-session"
    auth = Auth(cookies=(Cookie("sid", "s3cr3t-session"),))
    logged_in = Site(server.url("index.html"), settings=SiteSettings(auth=auth))
    first, pages = audit(store, catalog, server, logged_in)
    assert set(pages) == set(BODIES)  # the browser has the session: every page was audited, none refused
    site.reset_counts()

    _, pages = audit(store, catalog, server, logged_in)

    # a 304 is only given to a request with the session: the conditional request carried the tab's cookie
    assert reused(pages) == dict.fromkeys(sorted(BODIES), "304")
    assert site.loads == {}
    assert "s3cr3t" not in repr(store.page_reuse(first.id))  # the session is never stored
