"""Fixtures of the web auditor's tests: loopback fixture sites with hanging and redirecting routes."""

from __future__ import annotations

import os
import signal
import time
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest

from audit.demo.serve import LoopbackServer

SITES = Path(__file__).resolve().parent / "sites"


class FixtureHandler(SimpleHTTPRequestHandler):
    """Static files, plus routes no static file can express: a hang, a redirect loop, an endless calendar."""

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        path = self.path.split("?")[0]
        if path.endswith("/hang.html"):
            time.sleep(60)  # never answers within any test timeout; the daemon thread dies with the server
            return
        if path.endswith("/loop.html"):
            self.send_response(302)
            self.send_header("Location", self.path)
            self.end_headers()
            return
        if path.endswith("/calendar.html"):
            return self._calendar()
        if path.endswith((".xml", "robots.txt")):
            return self._templated()
        if path in ("/kill-renderer.png", "/kill-browser.png"):
            # Asked for by a page while it loads: kill this test process's Chromium renderers (the
            # page's tab crashes) or the browser itself, as a real crash would, then answer nothing.
            killed = kill_chromium(renderers=path == "/kill-renderer.png")
            self.send_response(204 if killed else 500)
            self.end_headers()
            return
        if path == "/stop-browser.png":
            # A hung browser: its process stopped (SIGSTOP), still connected, answering nothing. The pids are
            # kept so the test ends them (SIGKILL by pid) whatever happens.
            STOPPED.extend(kill_chromium(renderers=False, sig=signal.SIGSTOP, pids=True))
            return  # no answer either: the page never finishes loading
        if path.endswith("/missing-page.html"):
            self.send_error(404)
            return
        super().do_GET()

    def _templated(self):
        """Sitemaps and robots.txt need absolute URLs, and the port is only known at run time."""
        file = Path(self.translate_path(self.path.split("?")[0]))
        if not file.is_file():
            self.send_error(404)
            return
        host, port = self.server.server_address[:2]
        body = file.read_text(encoding="utf-8").replace("{{BASE}}", f"http://{host}:{port}").encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/xml" if file.suffix == ".xml" else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _calendar(self):
        """An endless trap: every month links to the next one and the previous one."""
        query = self.path.partition("?")[2]
        month = int(query.split("m=")[1]) if "m=" in query else 0
        body = (
            f'<!doctype html><html lang="zh-CN"><head><title>日历 {month}</title></head><body><main>'
            f'<h1>日历 {month}</h1><a href="calendar.html?m={month + 1}">下个月</a> '
            f'<a href="calendar.html?m={month - 1}">上个月</a></main></body></html>'
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _descendants(root: int) -> list[tuple[int, list[str]]]:
    """(pid, argv) of every process below `root`, read from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    argv: dict[int, list[str]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                argv[int(entry)] = [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        out.append((pid, argv.get(pid, [])))
        todo += children.get(pid, [])
    return out


class Stopped(list):
    """Browser processes /stop-browser.png stopped (SIGSTOP), for the test to end (SIGKILL, by pid)."""

    def end(self) -> None:
        for pid in self:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


STOPPED = Stopped()


def kill_chromium(renderers: bool, sig: int = signal.SIGKILL, pids: bool = False):
    """Signal (SIGKILL) this process's Chromium renderers (renderers=True) or its browser processes; how many,
    or (pids=True) which."""
    killed = []
    for pid, argv in _descendants(os.getpid()):
        line = " ".join(argv)  # Chromium's children rewrite their argv into one string
        if not line or "chrom" not in os.path.basename(line.split(" ", 1)[0]) or "chromedriver" in line:
            continue
        is_renderer = "--type=renderer" in line
        is_browser = "--type=" not in line
        if (renderers and is_renderer) or (not renderers and is_browser):
            try:
                os.kill(pid, sig)
                killed.append(pid)
            except ProcessLookupError:
                pass
    return killed if pids else len(killed)


def Server(root: Path) -> LoopbackServer:
    return LoopbackServer(root, FixtureHandler)


@pytest.fixture(scope="session")
def portal_server():
    """The multi-page portal (robots.txt, sitemap index, trap, hanging and redirecting pages) at its own origin."""
    server = Server(SITES / "portal")
    yield server
    server.close()


@pytest.fixture(scope="session")
def sites_server():
    """tests/web/sites served on 127.0.0.1 for the whole session (one server, many fixture sites)."""
    server = Server(SITES)
    yield server
    server.close()


@pytest.fixture
def stopped_browsers():
    """The browser processes /stop-browser.png stopped during the test; each is ended (SIGKILL, by its pid)
    afterwards, whether or not the launcher could."""
    STOPPED.clear()
    yield STOPPED
    STOPPED.end()
    STOPPED.clear()
