"""A static file server on 127.0.0.1 with a free port, for the demo's sample portals and the tests' fixtures."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class QuietHandler(SimpleHTTPRequestHandler):
    """Static files without a log line per request."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


class LoopbackServer:
    """Serves `root` on 127.0.0.1 (never another address) in a daemon thread; `url('a.html')` gives a full URL."""

    def __init__(self, root: Path | str, handler: type[SimpleHTTPRequestHandler] = QuietHandler):
        self.root = Path(root)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(self.root)))
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def url(self, path: str = "") -> str:
        return self.base + path.lstrip("/")

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
