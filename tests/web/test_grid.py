"""The web auditor on a real Selenium Grid 4 (a hub and two Chromium nodes on 127.0.0.1)."""

from __future__ import annotations

import itertools
import re
import shutil
import threading
import time
from collections import Counter
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.web import auditor as auditor_module
from audit.web.auditor import AuditOptions, Auditor, PageAudited, PageFailed, Site, SiteFinished
from audit.web.crawl import CrawlOptions
from audit.web.grid import grid_status
from tests.web.grid import LocalGrid, server_jar

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHECKS = ("axe-image-alt", "axe-document-title", "axe-html-has-lang")


@pytest.fixture(scope="module")
def grid(tmp_path_factory, chromium_executable):
    """Hub + 2 nodes of 2 Chromium sessions each, started once for this module and ended by pid."""
    jar = server_jar()
    if jar is None or not shutil.which("java") or not shutil.which("chromedriver"):
        pytest.skip("no Selenium Grid jar, java or chromedriver: run scripts/selenium-grid.sh")
    local = LocalGrid(jar, tmp_path_factory.mktemp("grid"), nodes=2, slots=2)
    try:
        yield local.start()
    finally:
        local.stop()


def make_site(root: Path, pages: int) -> Path:
    """index.html linking to p1..p(n-1).html: plain pages, no sub-resources (every request is a page load)."""
    root.mkdir(parents=True, exist_ok=True)
    links = "".join(f'<li><a href="p{i}.html">page {i}</a></li>' for i in range(1, pages))
    page = '<!doctype html><html lang="zh"><head><title>{t}</title><link rel="icon" href="data:,"></head><body>{b}</body></html>'
    (root / "index.html").write_text(page.format(t="home", b=f"<ul>{links}</ul>"), encoding="utf-8")
    for i in range(1, pages):
        (root / f"p{i}.html").write_text(page.format(t=f"page {i}", b=f"<p>page {i}</p>"), encoding="utf-8")
    return root


def recording_handler(log: list):
    """A static handler that notes (monotonic time, path) of every HTML request, as the server sees it."""

    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, format, *args):
            pass

        def do_GET(self):
            if self.path.split("?")[0].endswith((".html", "/")):
                log.append((time.monotonic(), self.path))
            super().do_GET()

    return Handler


def slow_handler(loads: list):
    """Answers each page after 0.3 s and notes (start, end, port): overlapping loads of two sites show that
    sites were crawled side by side."""

    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, format, *args):
            pass

        def do_GET(self):
            start = time.monotonic()
            if self.path.endswith(".html"):
                time.sleep(0.3)
            super().do_GET()
            if self.path.endswith(".html"):
                loads.append((start, time.monotonic(), self.server.server_address[1]))

    return Handler


def options(remote_url: str, **crawl) -> AuditOptions:
    defaults = {"max_pages": 50, "max_depth": 2, "per_template": 100, "use_sitemaps": False, "obey_robots": False}
    return AuditOptions(
        crawl=CrawlOptions(**{**defaults, **crawl}), driver="selenium", remote_url=remote_url, timeout=30
    )


@pytest.fixture
def launchers(monkeypatch):
    """Every launcher the auditor makes, kept for the test to inspect (which nodes served, pool size)."""
    made = []
    real = auditor_module.launcher

    def keep(*args, **kwargs):
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(auditor_module, "launcher", keep)
    return made


def checks_of(catalog):
    return [c for cl in catalog.domain("web") for c in cl.checks if c.id in CHECKS]


def test_a_site_through_the_grid_is_audited_once_per_page_on_both_nodes(
    grid, catalog, loopback_server, tmp_path, launchers
):
    grid.wait_idle()
    free = grid_status(grid.url).free_slots
    requests: list = []
    server = loopback_server(make_site(tmp_path / "site", 20), recording_handler(requests))
    auditor = Auditor(checks_of(catalog), options(grid.url, per_host_concurrency=4, delay=0))
    events = list(auditor.run([Site(server.url("index.html"))]))
    pages = [e.subject.url for e in events if isinstance(e, PageAudited)]
    assert not [e for e in events if isinstance(e, PageFailed)]
    assert len(pages) == 20 and len(set(pages)) == 20  # every page, each once
    assert [e for e in events if isinstance(e, SiteFinished)][-1] is events[-1]
    launcher = launchers[0]
    assert free == 4 and launcher.size == free  # the pool is as large as the Grid's free slots
    served = {node: n for node, n in launcher.usage.items() if n}
    assert len(served) == 2, served  # sessions on both nodes did the work
    assert sum(served.values()) == 20


def test_per_host_politeness_holds_across_all_sessions(grid, catalog, loopback_server, tmp_path):
    """Four sessions may crawl one host, yet its page loads start `delay` apart (server-side timestamps)."""
    grid.wait_idle()
    requests: list = []
    server = loopback_server(make_site(tmp_path / "site", 6), recording_handler(requests))
    delay = 0.5
    auditor = Auditor(checks_of(catalog), options(grid.url, per_host_concurrency=4, delay=delay))
    events = list(auditor.run([Site(server.url("index.html"))]))
    assert sum(isinstance(e, PageAudited) for e in events) == 6
    times = sorted(t for t, _ in requests)
    assert len(times) >= 6
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= delay - 0.05, gaps  # never faster than the configured rate


def test_many_sites_run_as_one_round_with_a_progress_line_per_site(grid, catalog, loopback_server, tmp_path):
    from audit.cli import cli
    from audit.store import open_store

    grid.wait_idle()
    lines, loads = [], []  # loads: (start, end, port) of every page load, on the servers' side
    for i in range(30):
        server = loopback_server(make_site(tmp_path / f"site{i}", 1), slow_handler(loads))
        lines.append(f"{server.url('index.html')} 4301{i:02d} 县{i}")
    sites_file = tmp_path / "sites.txt"
    sites_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "round.db"
    started = time.monotonic()
    result = CliRunner().invoke(
        cli,
        [
            "--db", str(db), "--lang", "en", "web", "--sites", str(sites_file), "--driver", "selenium",
            "--remote-url", grid.url, "--max-pages", "5", "--delay", "0", "--ignore-robots", "--no-sitemap",
            "--only", "axe-image-alt", "--only", "axe-document-title", "--out", str(tmp_path / "out"),
        ],
    )  # fmt: skip
    took = time.monotonic() - started
    assert result.exit_code in (0, 1), result.output + str(result.exception)
    done = re.findall(r"site (县\d+) done: (\d+) pages", result.output)
    assert sorted(name for name, _ in done) == sorted(f"县{i}" for i in range(30))  # one line per site
    assert {pages for _, pages in done} == {"1"}  # each site's own pages, though sites ran side by side
    # sites crawled side by side: page loads of different sites overlapped in time, as the servers saw them
    overlapping = sum(a[2] != b[2] and a[0] < b[1] and b[0] < a[1] for i, a in enumerate(loads) for b in loads[i + 1 :])
    assert overlapping > 0, loads
    store = open_store(db)
    try:
        assert len(store.rounds("web")) == 1  # one round for all thirty
        round_ = store.latest_round("web")
        keys = store.audited_keys(round_.id)
        assert sum(k.startswith("site:") for k in keys) == 30
        assert sum(k.startswith("page:") for k in keys) == 30
    finally:
        store.close()
    assert took < 150


def test_a_node_killed_mid_crawl_loses_no_page(grid, catalog, loopback_server, tmp_path, launchers):
    """The machine of one node dies (node, chromedrivers and browsers killed by pid) while pages are in
    flight: those pages are audited again on the other node, each page is reported once, the round ends."""
    grid.wait_idle()
    server = loopback_server(make_site(tmp_path / "site", 12))
    auditor = Auditor(checks_of(catalog), options(grid.url, per_host_concurrency=4, delay=0))
    events, killed = [], None
    for event in auditor.run([Site(server.url("index.html"))]):
        events.append(event)
        if killed is None and len(events) == 3:
            launcher = launchers[0]
            busy = Counter(launcher.nodes[s.driver.session_id] for s in launcher.sessions if s.lock.locked())
            killed = busy.most_common(1)[0][0]  # a node with pages in flight
            threading.Thread(target=grid.kill_node, args=(killed,)).start()
    reported = Counter(e.subject.url for e in events if isinstance(e, (PageAudited, PageFailed)))
    assert not [e for e in events if isinstance(e, PageFailed)], [e.values for e in events if isinstance(e, PageFailed)]
    assert len(reported) == 12 and set(reported.values()) == {1}
    launcher = launchers[0]
    assert killed is not None and launcher.usage[killed] > 0
    after = [n for s in launcher.sessions for n in [launcher.nodes.get(s.driver.session_id)]]
    assert killed not in after  # the round finished on the node that remained
