"""Browser drivers behind one small async interface: Playwright (default) and Selenium/WebDriver."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Navigation:
    """What loading a URL gave: HTTP status, the final URL after redirects, and the content type; the response's
    validators (ETag, Last-Modified) where the driver can read headers, for the next round's conditional request."""

    status: int | None
    url: str
    content_type: str
    etag: str | None = None
    last_modified: str | None = None


class NavigationError(Exception):
    """The page could not be loaded; `kind` is a message key suffix (timeout, redirect-loop, ...)."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


class BrowserGone(Exception):
    """The browser process (not just a page) died; the caller relaunches it."""


class SessionLost(BrowserGone):
    """A remote session vanished with its Grid node (or the Grid ended it): the page goes to another session."""


def launcher(driver: str, **options):
    """'playwright' or 'selenium' -> an object with `async start()`, `async new_tab()`, `async close()`."""
    if driver == "selenium" and options.get("remote_url"):
        from audit.web.drivers.grid import GridLauncher  # a Grid sizes the pool; a bare WebDriver server is kept

        return GridLauncher(**options)
    if driver == "selenium":
        from audit.web.drivers.selenium import SeleniumLauncher

        return SeleniumLauncher(**options)
    from audit.web.drivers.playwright import PlaywrightLauncher

    return PlaywrightLauncher(**options)
