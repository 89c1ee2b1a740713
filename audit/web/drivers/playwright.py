"""Playwright driving Chromium: the default driver. One browser, one context per worker, a page per URL."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Sequence
from typing import Any

from audit.web.chromium import LAUNCH_ARGS, find_chromium, find_headless_chromium
from audit.web.drivers import BrowserGone, Navigation, NavigationError
from audit.web.login import Auth, StepError
from audit.web.settings import DEFAULT_PROFILE, PROFILES, Profile

VIEWPORT = {"width": PROFILES[DEFAULT_PROFILE].width, "height": PROFILES[DEFAULT_PROFILE].height}
# Pages one tab serves before it is closed: reusing a tab saves its creation, but its renderer's memory
# grows with every page it keeps (freed documents are collected lazily), so tabs are renewed now and then.
TAB_USES = int(os.environ.get("A11Y_AUDIT_TAB_USES", "3"))
CLOSE_TIMEOUT_S = 10.0
# Sites crawled at once, each with its own tabs: while one site logs in, walks a flow or waits on a slow server,
# another's pages use the CPU. A11Y_AUDIT_SITE_LANES=1 crawls the sites one after another.
SITE_LANES = max(1, int(os.environ.get("A11Y_AUDIT_SITE_LANES", "3")))
# A launch, a context or a new tab that takes longer is a browser that will not answer (killed mid-request, its
# reply lost): it is treated as gone and relaunched, never awaited forever.
BROWSER_TIMEOUT_S = 60.0
# A portal's header, menu and footer are audited once per run, not on every page (audit.web.axe: template
# components); A11Y_AUDIT_COMPONENTS=0 audits every page whole, for comparison.
COMPONENTS = os.environ.get("A11Y_AUDIT_COMPONENTS", "1") != "0"


def classify(exc: Exception) -> Exception:
    """Turn a Playwright error into NavigationError/BrowserGone, so callers never parse messages."""
    text = str(exc)
    if type(exc).__name__ == "TimeoutError":
        return NavigationError("timeout", text.splitlines()[0])
    if "ERR_TOO_MANY_REDIRECTS" in text:
        return NavigationError("redirect-loop")
    if "has been closed" in text or "Connection closed" in text:
        return BrowserGone(text.splitlines()[0])
    if "crash" in text.lower():
        return NavigationError("crashed", text.splitlines()[0])
    if "Download is starting" in text:
        return NavigationError("not-html", "download")
    if "Execution context was destroyed" in text or "navigation" in text.lower() and "frame" in text.lower():
        return NavigationError("navigated-away")
    return NavigationError("navigation", text.splitlines()[0][:300])


def _strip(url: str) -> str:
    return url.split("#", 1)[0]


async def _answer_dialog(dialog: Any) -> None:
    """Leave pages that ask before unloading (a reused tab moves on); dismiss alerts as Playwright would."""
    try:
        await (dialog.accept() if dialog.type == "beforeunload" else dialog.dismiss())
    except Exception:  # noqa: BLE001, S110 - a dialog already gone with its page needs no answer
        pass


def _context_name(profile: Profile, auth: Auth | None, scope: str) -> str:
    return profile.name if auth is None else f"{profile.name} {scope}"


def _cookie(cookie, scope: str) -> dict:
    """A configured cookie for the site at `scope` (an origin): its own domain, else the site's host."""
    if cookie.domain:
        return {"name": cookie.name, "value": cookie.value, "domain": cookie.domain, "path": cookie.path}
    return {"name": cookie.name, "value": cookie.value, "url": scope.rstrip("/") + cookie.path}


class PlaywrightTab:
    """One page (tab). All methods raise NavigationError/BrowserGone, never Playwright's own errors."""

    def __init__(self, page: Any, pool: list | None = None, profile: Profile = PROFILES[DEFAULT_PROFILE]):
        self.page = page
        self.pool = pool  # the launcher's idle tabs of this profile: close(reuse=True) puts the tab back there
        self.profile_viewport = (profile.width, profile.height)
        self.crashed = False
        self.resized = False
        self.uses = 0
        self.components: dict | None = None  # the launcher's template components (audit.web.axe), set by new_tab
        self.alerts = 0  # alert() boxes seen: a flow's error state may show its errors only there
        page.on("crash", lambda *_: setattr(self, "crashed", True))
        page.on("dialog", self._on_dialog)

    async def _on_dialog(self, dialog: Any) -> None:
        if dialog.type == "alert":
            self.alerts += 1
        await _answer_dialog(dialog)

    def _error(self, exc: Exception) -> Exception:
        """A renderer crash (the page's 'crash' event) or a dead browser outranks what the message says."""
        if self.crashed:
            return NavigationError("crashed", str(exc).splitlines()[0] if str(exc) else "renderer crashed")
        error = classify(exc)
        if (
            isinstance(error, BrowserGone)
            and self.page.context.browser
            and self.page.context.browser.is_connected()
            and not self.page.is_closed()
        ):
            return NavigationError("navigation", str(error))
        return error

    async def goto(self, url: str, timeout_s: float) -> Navigation:
        try:
            response = await self.page.goto(url, wait_until="load", timeout=timeout_s * 1000)
        except Exception as exc:
            raise self._error(exc) from exc
        if response is None:
            return Navigation(None, self.page.url, "text/html")
        if _strip(self.page.url) != _strip(response.url):  # it left by itself (meta refresh, script) while loading
            raise NavigationError("meta-refresh", self.page.url)
        headers = await response.all_headers()
        return Navigation(
            response.status,
            response.url,
            headers.get("content-type", ""),
            headers.get("etag"),
            headers.get("last-modified"),
        )

    async def cookies(self, url: str) -> dict[str, str]:
        """The cookies this tab's context sends to `url` (a logged-in session's too), for a plain HTTP request."""
        try:
            return {c["name"]: c["value"] for c in await self.page.context.cookies([url])}
        except Exception as exc:
            raise self._error(exc) from exc

    async def _frame(self, frame_path: Sequence[Any]):
        frame = self.page.main_frame
        for selector in frame_path:
            handle = await frame.evaluate_handle("s => axe.utils.shadowSelect(s)", selector)
            element = handle.as_element()
            frame = await element.content_frame() if element else None
            if frame is None:
                raise NavigationError("navigation", f"frame {selector!r} is gone")
        return frame

    async def evaluate(self, function: str, arg: Any = None, frame_path: Sequence[Any] = ()) -> Any:
        try:
            frame = await self._frame(frame_path)
            return await frame.evaluate(function, arg)
        except NavigationError:
            raise
        except Exception as exc:
            raise self._error(exc) from exc

    async def inject(self, source: str, frame_path: Sequence[Any] = ()) -> None:
        try:
            frame = await self._frame(frame_path)
            await frame.evaluate(source)
        except NavigationError:
            raise
        except Exception as exc:
            raise self._error(exc) from exc

    async def press_tab(self) -> None:
        await self.page.keyboard.press("Tab")

    async def wait_network_idle(self, timeout_s: float) -> bool:
        """Playwright's network idle: no request for 500 ms. False when the page stays busy past the timeout."""
        try:
            await self.page.wait_for_load_state("networkidle", timeout=timeout_s * 1000)
            return True
        except Exception as exc:
            if type(exc).__name__ == "TimeoutError":
                return False
            raise self._error(exc) from exc

    async def set_viewport(self, width: int, height: int) -> None:
        self.resized = True
        await self.page.set_viewport_size({"width": width, "height": height})

    async def screenshot(self, selector: str, path: str) -> bool:
        try:
            await self.page.locator(selector).first.screenshot(path=path, timeout=3000)
            return True
        except Exception:  # noqa: BLE001 - an element off-screen or gone: the screenshot is optional evidence
            return False

    # --- the login flow's steps (audit.web.login.LoginTab): every failure is a StepError, never Playwright's own

    async def login_goto(self, url: str, timeout_s: float) -> None:
        try:
            response = await self.page.goto(url, wait_until="load", timeout=timeout_s * 1000)
        except Exception as exc:  # noqa: BLE001 - becomes the step's own error
            raise StepError("navigation", target=url, detail=str(exc).splitlines()[0][:300]) from None
        if response is not None and response.status >= 400:
            raise StepError("http", target=url, status=response.status)

    async def _act(self, selector: str, timeout_s: float, act) -> None:
        try:
            await act(self.page.locator(selector).first, timeout_s * 1000)
        except Exception as exc:  # noqa: BLE001 - becomes the step's own error
            if type(exc).__name__ == "TimeoutError" and not await self._present(selector):
                raise StepError("no-element", selector=selector, seconds=timeout_s) from None
            raise StepError("action", selector=selector, detail=str(exc).splitlines()[0][:300]) from None

    async def _present(self, selector: str) -> bool:
        try:
            return await self.page.locator(selector).count() > 0
        except Exception:  # noqa: BLE001 - an invalid selector matches nothing
            return False

    async def fill(self, selector: str, value: str, timeout_s: float) -> None:
        await self._act(selector, timeout_s, lambda e, ms: e.fill(value, timeout=ms))

    async def select(self, selector: str, value: str, timeout_s: float) -> None:
        async def choose(element, ms):
            try:
                await element.select_option(value=value, timeout=ms)
            except Exception:  # noqa: BLE001 - not an option's value: its label, as people read it
                await element.select_option(label=value, timeout=ms)

        await self._act(selector, timeout_s, choose)

    async def check(self, selector: str, timeout_s: float) -> None:
        await self._act(selector, timeout_s, lambda e, ms: e.check(timeout=ms))

    async def click(self, selector: str, timeout_s: float) -> None:
        await self._act(selector, timeout_s, lambda e, ms: e.click(timeout=ms))

    async def press(self, selector: str | None, key: str, timeout_s: float) -> None:
        if selector:
            await self._act(selector, timeout_s, lambda e, ms: e.press(key, timeout=ms))
            return
        try:
            await self.page.keyboard.press(key)
        except Exception as exc:  # noqa: BLE001 - becomes the step's own error
            raise StepError("action", detail=str(exc).splitlines()[0][:300]) from None

    async def wait_for(self, selector: str, state: str, timeout_s: float) -> None:
        try:
            await self.page.wait_for_selector(selector, state=state, timeout=timeout_s * 1000)
        except Exception as exc:  # noqa: BLE001 - becomes the step's own error
            if type(exc).__name__ != "TimeoutError":
                raise StepError("action", selector=selector, detail=str(exc).splitlines()[0][:300]) from None
            present = await self._present(selector)
            kind = "no-element" if not present and state in ("visible", "attached") else "not-state"
            raise StepError(kind, selector=selector, state=state, seconds=timeout_s) from None

    async def wait_url(self, pattern: str, timeout_s: float) -> None:
        try:
            await self.page.wait_for_url(re.compile(pattern), timeout=timeout_s * 1000)
        except Exception:  # noqa: BLE001 - becomes the step's own error
            raise StepError("url-timeout", pattern=pattern, target=self.page.url, seconds=timeout_s) from None

    async def close(self, reuse: bool = False) -> None:
        """Close the tab, or with reuse=True (a page audited normally) blank it and keep it for the next URL:
        a new tab costs the browser a target, a renderer and Playwright's page set-up every time.

        Every step is bounded: a tab that will not blank or close in time is abandoned, never awaited forever
        (closing a page that had asked before unloading was seen to hang now and then).
        """
        self.uses += 1
        if reuse and self.pool is not None and self.uses < TAB_USES and not self.crashed and not self.page.is_closed():
            try:
                if self.page.url != "about:blank":  # a tab that loaded nothing (its page was reused) is still blank
                    await asyncio.wait_for(
                        self.page.goto("about:blank", wait_until="commit", timeout=5000), CLOSE_TIMEOUT_S
                    )
                if self.resized:  # on the blank page: resizing the audited page would lay it out once more for nothing
                    width, height = self.profile_viewport
                    size = {"width": width, "height": height}
                    await asyncio.wait_for(self.page.set_viewport_size(size), CLOSE_TIMEOUT_S)
                    self.resized = False
                self.pool.append(self)
                return
            except Exception:  # noqa: BLE001, S110 - it would not leave the page: not worth keeping
                pass
        try:
            await asyncio.wait_for(self.page.close(run_before_unload=False), CLOSE_TIMEOUT_S)
        except Exception:  # noqa: BLE001 - closing is best effort: the browser's own close at the end reclaims the tab
            self.crashed = True


class PlaywrightLauncher:
    """Starts Chromium (system one when found, Playwright's managed build otherwise) and hands out tabs."""

    name = "playwright"

    def __init__(
        self, executable: str | None = None, headless: bool = True, init_scripts: Sequence[str] = (), **_: Any
    ):
        self.executable = executable or (find_headless_chromium() if headless else find_chromium())
        self.headless = headless
        self.init_scripts = list(init_scripts)  # run in every frame before the page's own scripts
        self._pw = None
        self.browser = None
        self.context = None  # the desktop profile's; other profiles get theirs when first asked for
        self.contexts: dict[str, Any] = {}
        self.pools: dict[str, list[PlaywrightTab]] = {}  # idle tabs by profile, for the next URL
        self.components: dict | None = {} if COMPONENTS else None  # template components audited in this run
        self.hung = False  # a request to the browser went unanswered: alive() says no, so it is relaunched

    async def start(self) -> None:
        from playwright.async_api import async_playwright

        if self._pw is None:
            self._pw = await async_playwright().start()
        self.hung = False
        self.contexts = {}
        self.browser = await self._bounded(
            self._pw.chromium.launch(executable_path=self.executable, headless=self.headless, args=list(LAUNCH_ARGS)),
            "launch",
        )
        self.context = await self._bounded(self._context(PROFILES[DEFAULT_PROFILE]), "a browser context")

    async def _bounded(self, request, what: str):
        """Await a request to the browser for at most BROWSER_TIMEOUT_S; past that, the browser is gone."""
        asked = self.browser
        try:
            return await asyncio.wait_for(request, BROWSER_TIMEOUT_S)
        except TimeoutError as exc:
            if self.browser is asked:  # not the browser a relaunch put in its place meanwhile
                self.hung = True
            raise BrowserGone(f"Chromium gave no {what} within {BROWSER_TIMEOUT_S:.0f} s") from exc

    async def _context(self, profile: Profile, auth: Auth | None = None, scope: str = ""):
        """One browser context per profile: viewport, user agent, touch and mobile emulation are set per context.
        A site with auth has its own context (per profile): its credentials, headers and cookies, and the session
        its login flow makes, are shared by every tab of its crawl and by no other site."""
        name = _context_name(profile, auth, scope)
        if name not in self.contexts:
            extra: dict[str, Any] = {}
            if profile.name != DEFAULT_PROFILE:
                extra = {"is_mobile": profile.mobile, "has_touch": profile.touch, "device_scale_factor": profile.scale}
                if profile.user_agent:
                    extra["user_agent"] = profile.user_agent
            if auth is not None:
                if auth.basic:
                    extra["http_credentials"] = {"username": auth.basic[0], "password": auth.basic[1]}
                if auth.headers:
                    extra["extra_http_headers"] = dict(auth.headers)
            context = await self.browser.new_context(
                viewport={"width": profile.width, "height": profile.height},
                ignore_https_errors=False,
                service_workers="block",
                **extra,
            )
            for script in self.init_scripts:
                await context.add_init_script(script)
            if auth is not None and auth.cookies:
                await context.add_cookies([_cookie(c, scope) for c in auth.cookies])
            self.contexts[name] = context
        return self.contexts[name]

    @property
    def _idle(self) -> list[PlaywrightTab]:
        """Every idle tab, of every profile."""
        return [tab for pool in self.pools.values() for tab in pool]

    @property
    def version(self) -> str:
        return f"Chromium {self.browser.version}" if self.browser else ""

    @property
    def site_lanes(self) -> int:
        """How many sites the auditor crawls at once in this one browser."""
        return SITE_LANES

    def alive(self) -> bool:
        return bool(self.browser and self.browser.is_connected() and not self.hung)

    async def new_tab(
        self, profile: Profile = PROFILES[DEFAULT_PROFILE], auth: Auth | None = None, scope: str = ""
    ) -> PlaywrightTab:
        """A tab of the profile's context, or with `auth` of that site's own context (`scope`: the site's origin)."""
        idle = self.pools.setdefault(_context_name(profile, auth, scope), [])
        while idle:
            tab = idle.pop()
            if not tab.crashed and not tab.page.is_closed():
                return tab
        try:
            context = await self._bounded(self._context(profile, auth, scope), "a browser context")
            tab = PlaywrightTab(await self._bounded(context.new_page(), "new tab"), idle, profile)
        except BrowserGone:
            raise
        except Exception as exc:
            raise BrowserGone(str(exc).splitlines()[0]) from exc
        tab.components = self.components
        return tab

    async def restart(self) -> None:
        await self.close_browser()
        await self.start()

    async def close_browser(self) -> None:
        self.pools = {}
        try:
            if self.browser:
                await asyncio.wait_for(self.browser.close(), CLOSE_TIMEOUT_S)
        except Exception:  # noqa: BLE001, S110 - a browser that will not close is ended with Playwright's
            # driver in close()
            pass
        self.browser = self.context = None
        self.contexts = {}

    async def close(self) -> None:
        await self.close_browser()
        if self._pw is not None:
            await self._pw.stop()
            self._pw = None
