"""A renderer crash and a browser death mid-crawl: the crawl goes on, the page is an error, never clean."""

import time

import pytest

from audit.web.auditor import AuditOptions, Auditor, PageAudited, PageFailed, Site, SiteFinished
from audit.web.crawl import CrawlOptions

pytestmark = pytest.mark.browser


def one_tab(timeout: float) -> AuditOptions:
    """One tab, so the pages before the failure are audited before it and those after it after."""
    crawl = CrawlOptions(
        max_pages=10,
        max_depth=1,
        per_template=10,
        delay=0,
        use_sitemaps=False,
        obey_robots=False,
        per_host_concurrency=1,
    )
    return AuditOptions(crawl=crawl, timeout=timeout)


def test_crawl_survives_a_renderer_crash_and_a_killed_browser(sites_server, catalog, chromium_executable):
    options = one_tab(timeout=15)
    checks = [c for cl in catalog.domain("web") for c in cl.checks if c.id in ("axe-image-alt", "web-reflow-320")]
    auditor = Auditor(checks, options)
    events = list(auditor.run([Site(sites_server.url("crash/index.html"))]))
    name = lambda e: e.subject.url.rsplit("/", 1)[1]
    failed = {name(e): e for e in events if isinstance(e, PageFailed)}
    audited = {name(e): e for e in events if isinstance(e, PageAudited)}
    assert set(failed) == {"renderer.html", "browser.html"}, {k: (v.reason, v.detail) for k, v in failed.items()}
    assert failed["renderer.html"].reason == "crashed"
    assert failed["browser.html"].reason == "browser"  # and the browser was relaunched
    # every other page, including those after the browser died, was audited by the relaunched browser
    assert set(audited) == {"index.html", "first.html", "second.html", "third.html"}
    assert all(audited[p].findings for p in audited)
    assert isinstance(events[-1], SiteFinished) and set(events[-1].record["sampled"]) >= {
        e.subject.url for e in events if not isinstance(e, SiteFinished)
    }


@pytest.mark.slow
def test_a_hung_browser_is_relaunched_not_awaited_forever(
    sites_server, catalog, chromium_executable, monkeypatch, stopped_browsers
):
    """A browser that stops answering (its process stopped: still connected, never replying) is given up after
    the browser timeout and relaunched; the crawl finishes and the pages after it are audited."""
    from audit.web.drivers import playwright as driver

    monkeypatch.setattr(driver, "BROWSER_TIMEOUT_S", 3.0)
    monkeypatch.setattr(driver, "CLOSE_TIMEOUT_S", 2.0)
    options = one_tab(timeout=4)
    checks = [c for cl in catalog.domain("web") for c in cl.checks if c.id == "axe-image-alt"]
    started, took = time.monotonic(), None
    events = []
    for event in Auditor(checks, options).run([Site(sites_server.url("hung/index.html"))]):
        events.append(event)
        if isinstance(event, SiteFinished):
            took = time.monotonic() - started
            # the stopped browser ends now, as a hung one eventually does: else Playwright's driver waits 30 s
            # for it when the auditor closes (which the test does not measure)
            stopped_browsers.end()
    assert stopped_browsers, "the fixture never stopped the browser"
    name = lambda e: e.subject.url.rsplit("/", 1)[1]
    failed = {name(e): e.reason for e in events if isinstance(e, PageFailed)}
    audited = {name(e) for e in events if isinstance(e, PageAudited)}
    assert "stopped.html" in failed and failed["stopped.html"] in ("timeout", "browser"), failed
    assert {"index.html", "first.html"} <= audited
    # the tab the hung browser still held may time out too; every page after it comes from the relaunched browser
    assert len(audited & {"second.html", "third.html", "fourth.html"}) >= 2, (audited, failed)
    assert isinstance(events[-1], SiteFinished)
    assert took is not None and took < 60, took
