"""Fixtures shared by the whole suite: catalog, stores, Chromium and a loopback web server."""

from __future__ import annotations

import os
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest

from audit.catalog import load_catalog
from audit.demo.serve import LoopbackServer, QuietHandler
from audit.store import open_store
from tests.processes import adopt_orphans, end_our_chromium

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
REPO = Path(__file__).resolve().parents[1]


def pytest_sessionstart(session: pytest.Session) -> None:
    adopt_orphans()  # a browser orphaned by its driver stays ours, so the check below still finds it


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A browser left running by a test burns CPU for everything after it: end it, and fail the run.

    Only this session's own Chromium/chromedriver processes (its descendants) are ended, by pid: other
    programs' browsers on the machine are none of its business."""
    import time

    time.sleep(0.5)  # browsers closed by the last test need a moment to exit
    leaked = end_our_chromium()
    if leaked and session.exitstatus == 0:
        print(f"\nfailed: {len(leaked)} Chromium/chromedriver processes were left running by the tests", flush=True)
        session.exitstatus = 1


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Files with a slow test first, then files with browser tests, then the rest, each file kept whole and in
    order: spread over workers (xdist --dist loadfile) the long files start at once and the short ones fill the
    gaps, instead of a long file starting last and running alone."""

    def weight(item: pytest.Item) -> int:
        return 0 if item.get_closest_marker("slow") else 1 if item.get_closest_marker("browser") else 2

    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::", 1)[0], []).append(item)
    order = sorted(files, key=lambda name: min(weight(item) for item in files[name]))
    items[:] = [item for name in order for item in files[name]]


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """In CI a skipped test is a defect (browser and database tests must really run there)."""
    if IN_CI and report.skipped and report.when in ("setup", "call"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which counts as a failure: {report.longrepr}"


@pytest.fixture(scope="session")
def catalog():
    return load_catalog()


@pytest.fixture
def store(tmp_path):
    """A real SQLite store in a temporary file."""
    s = open_store(tmp_path / "store.db")
    yield s
    s.close()


@pytest.fixture(scope="session")
def chromium_executable():
    """Path of the Chromium to use, or None for Playwright's managed browser; skips if neither exists."""
    from audit.web.chromium import find_chromium

    path = find_chromium()
    if path is None:
        try:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as p:
                if not Path(p.chromium.executable_path).exists():
                    pytest.skip("no Chromium: install Debian's chromium or run `playwright install chromium`")
        except Exception as exc:  # noqa: BLE001 - any failure to start Playwright means no usable browser
            pytest.skip(f"no usable Chromium: {exc}")
    return path


@pytest.fixture
def loopback_server():
    """Factory: `loopback_server(directory)` serves it on 127.0.0.1 for the test's duration."""
    servers: list[LoopbackServer] = []

    def start(root: Path, handler: type[SimpleHTTPRequestHandler] = QuietHandler) -> LoopbackServer:
        server = LoopbackServer(Path(root), handler)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()
