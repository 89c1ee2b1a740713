"""The Selenium driver against chromedriver on 127.0.0.1: the W3C WebDriver protocol a Grid speaks."""

import shutil
import socket
import subprocess
import time
import urllib.request

import pytest

from audit.web.auditor import AuditOptions, Auditor, PageAudited, Site
from audit.web.crawl import CrawlOptions

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def webdriver_url():
    path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not shutil.os.path.exists(path):
        pytest.skip("no chromedriver")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [path, f"--port={port}", "--allowed-ips=127.0.0.1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/status", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait()


def test_remote_webdriver_audits_pages_and_frames(webdriver_url, sites_server, catalog, chromium_executable):
    options = AuditOptions(
        crawl=CrawlOptions(
            max_pages=1, max_depth=0, delay=0, use_sitemaps=False, obey_robots=False, per_host_concurrency=1
        ),
        driver="selenium",
        remote_url=webdriver_url,
        timeout=20,
    )
    checks = [c for cl in catalog.domain("web") for c in cl.checks]
    auditor = Auditor(checks, options)
    events = list(auditor.run([Site(sites_server.url("defects/image-no-alt.html"))]))
    page = next(e for e in events if isinstance(e, PageAudited))
    findings = {f.check_id: f for f in page.findings}
    assert findings["axe-image-alt"].outcome.value == "fail"
    assert findings["axe-button-name"].evidence[0]["selector"] == ["iframe", "button"]
    assert findings["web-reflow-320"].outcome.value == "pass"
    assert auditor.browser_version.startswith("chrome")


HUNG_RUN = """
import json, sys, threading
from audit.catalog import load_catalog
from audit.web.auditor import AuditOptions, Auditor, PageAudited, PageFailed, Site
from audit.web.crawl import CrawlOptions
remote, pages = sys.argv[1], sys.argv[2:]
checks = [c for cl in load_catalog().domain("web") for c in cl.checks if c.id in ("axe-image-alt", "web-focus-visible")]
options = AuditOptions(crawl=CrawlOptions(max_pages=1, max_depth=0, delay=0, use_sitemaps=False, obey_robots=False,
                                          per_host_concurrency=1), driver="selenium", remote_url=remote, timeout=3)
for event in Auditor(checks, options).run([Site(p) for p in pages]):
    if isinstance(event, (PageAudited, PageFailed)):
        print(json.dumps([event.subject.url.rsplit("/", 1)[1], getattr(event, "reason", "audited")]), flush=True)
print(json.dumps(["threads", [t.name for t in threading.enumerate() if not t.daemon]]), flush=True)
"""


def test_a_hung_webdriver_call_neither_stalls_the_crawl_nor_blocks_exit(
    webdriver_url, sites_server, chromium_executable
):
    """busy-loop.html never yields its renderer again: every WebDriver call on that session hangs. The watchdog
    ends the session, the page is a timeout error, the next page gets a fresh session, and the process exits."""
    import json
    import sys

    pages = [sites_server.url("defects/busy-loop.html"), sites_server.url("defects/clean.html")]
    done = subprocess.run(
        [sys.executable, "-c", HUNG_RUN, webdriver_url, *pages],
        check=False,  # the exit code is asserted below
        capture_output=True,
        text=True,
        timeout=150,
        cwd=str(
            shutil.os.path.dirname(shutil.os.path.dirname(shutil.os.path.dirname(shutil.os.path.abspath(__file__))))
        ),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert lines[0] == ["busy-loop.html", "timeout"]
    assert lines[1] == ["clean.html", "audited"]
    assert lines[2] == ["threads", ["MainThread"]]  # no worker thread left to block the interpreter's exit
