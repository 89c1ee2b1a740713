"""Fixtures shared by the whole suite: catalog, stores, Chromium and a loopback web server."""

from __future__ import annotations

import os
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest

from audit.catalog import load_catalog
from audit.demo.serve import LoopbackServer, QuietHandler
from audit.store import open_store

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
REPO = Path(__file__).resolve().parents[1]


def _chromium_pids() -> set[int]:
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0", 1)[0]
            except OSError:
                continue
            if b"chrom" in command.rsplit(b"/", 1)[-1]:
                pids.add(int(entry.name))
    return pids


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config._chromium_before = _chromium_pids()  # type: ignore[attr-defined]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A browser left running by a test burns CPU for everything after it: kill it, and fail the run."""
    import signal
    import time

    time.sleep(0.5)  # browsers closed by the last test need a moment to exit
    before = getattr(session.config, "_chromium_before", set())
    leaked: set[int] = set()
    for _ in range(10):  # a killed browser's helpers may still be starting: sweep until none are left
        found = _chromium_pids() - before
        if not found:
            break
        leaked |= found
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.2)
    if leaked and session.exitstatus == 0:
        print(f"\nfailed: {len(leaked)} Chromium/chromedriver processes were left running by the tests", flush=True)
        session.exitstatus = 1


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
