"""Selenium / W3C WebDriver: the alternative driver, local chromedriver or a remote Grid (--remote-url).

WebDriver calls block, so each runs in its own daemon thread (a hung call can never hold up the
interpreter's exit) under a watchdog: a call that outlives its budget, or whose page is abandoned by the
auditor's timeout, leaves its session marked broken; the session is killed (local chromedriver and its
browser by PID, a remote one with DELETE session) and replaced before it serves another page. Remote
sessions also get an HTTP client timeout. One WebDriver session serves one tab at a time.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Callable, Sequence
from typing import Any

from audit.web.chromium import LAUNCH_ARGS, find_chromium
from audit.web.drivers import BrowserGone, Navigation, NavigationError, SessionLost
from audit.web.drivers import selenium_login as steps
from audit.web.drivers.selenium_login import SiteSession, Unsupported
from audit.web.login import Auth, StepError
from audit.web.settings import DEFAULT_PROFILE, PROFILES, Profile

# Wraps a page function so its (possibly async) value comes back as JSON text, which every driver passes intact.
_ASYNC_WRAPPER = """const done = arguments[arguments.length - 1];
Promise.resolve((%s)(arguments[0])).then(
  r => done(JSON.stringify({ok: r === undefined ? null : r})),
  e => done(JSON.stringify({error: String(e && e.stack || e)})));"""
_STATUS = """const e = performance.getEntriesByType('navigation')[0];
return e ? [e.responseStatus || null, document.contentType] : [null, document.contentType];"""
# WebDriver has no network-idle signal: the document loaded (readyState complete) and no new resource timing entry
# for 500 ms stand in for it (a fetch or XHR still in flight is not seen until it ends).
_QUIET_NETWORK = """(ms) => new Promise(resolve => { const end = Date.now() + ms; let count = -1, since = Date.now();
  const poll = () => { const n = performance.getEntriesByType('resource').length;
    if (n !== count || document.readyState !== 'complete') { count = n; since = Date.now(); }
    if (Date.now() - since >= 500) resolve(true); else if (Date.now() > end) resolve(false); else setTimeout(poll, 100); };
  poll(); })"""


# What a Grid answers for a session whose node went away (or that it already ended): the page is not at fault.
_LOST_SESSION = (
    "Unable to execute request for an existing session",
    "Unable to find session with ID",
    "invalid session id",
    "Session timed out or not found",
)


def classify(exc: Exception) -> Exception:
    text = str(exc)
    name = type(exc).__name__
    if name == "InvalidSessionIdException" or any(marker in text for marker in _LOST_SESSION):
        return SessionLost(text.splitlines()[0] if text else name)
    if name == "TimeoutException" or "timeout" in text.lower():
        return NavigationError("timeout", text.splitlines()[0] if text else name)
    if "ERR_TOO_MANY_REDIRECTS" in text:
        return NavigationError("redirect-loop")
    if "crash" in text.lower():
        return NavigationError("crashed", text.splitlines()[0])
    if name in ("InvalidSessionIdException", "NoSuchWindowException") or "disconnected" in text:
        return BrowserGone(text.splitlines()[0] if text else name)
    return NavigationError("navigation", (text.splitlines()[0] if text else name)[:300])


CALL_MARGIN = 10.0  # seconds a WebDriver call may take beyond its own page-load / script timeout
HTTP_TIMEOUT = 300  # remote sessions: no HTTP request to the WebDriver server outlives this


def in_daemon_thread(fn: Callable[..., Any], *args: Any) -> asyncio.Future:
    """Run a blocking call in a fresh daemon thread; its result or exception comes back as a future."""
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def settle(result: Any, error: BaseException | None) -> None:
        if not future.done():
            future.set_exception(error) if error is not None else future.set_result(result)

    def target() -> None:
        try:
            result, error = fn(*args), None
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting coroutine
            result, error = None, exc
        try:
            loop.call_soon_threadsafe(settle, result, error)
        except RuntimeError:  # the loop closed while this call hung: nobody waits for it any more
            pass

    threading.Thread(target=target, name="webdriver-call", daemon=True).start()
    return future


def _descendants(root: int) -> list[int]:
    """PIDs below `root` (Linux /proc); empty elsewhere."""
    children: dict[int, list[int]] = {}
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return []
    for entry in entries:
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as f:
                children.setdefault(int(f.read().rsplit(")", 1)[1].split()[1]), []).append(int(entry))
        except (OSError, ValueError, IndexError):
            continue
    out, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


class Session:
    """One WebDriver session of the pool; `broken` once a call on it hung or was abandoned."""

    def __init__(self, driver: Any):
        self.driver = driver
        self.lock = asyncio.Lock()
        self.broken = False
        self.lost = False  # the remote session vanished (its Grid node died): no fault of the page
        self.profile = DEFAULT_PROFILE  # the profile its emulation is set for
        self.user_agent: str | None = None  # the browser's own, to restore after a mobile profile
        self.owner: tuple[str, int] | None = None  # the logged-in site (origin, login version) whose session it holds
        self.headers = False  # extra headers set through CDP, to take back for the next site
        self.primed: set[str] = set()  # origins whose basic-auth challenge this browser has answered

    def kill(self) -> None:
        """End a hung session without waiting on it: this unblocks the thread stuck in its call."""
        self.broken = True
        service = getattr(self.driver, "service", None)
        process = getattr(service, "process", None) if service is not None else None
        if process is not None and process.poll() is None:  # local chromedriver: kill it and its browser
            for pid in [*_descendants(process.pid), process.pid]:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:  # killed above: the kernel reaps it soon
                pass
        threading.Thread(target=self._quit, name="webdriver-quit", daemon=True).start()

    def _quit(self) -> None:
        try:
            self.driver.quit()  # a remote session: DELETE it (bounded by the HTTP client timeout)
        except Exception:  # noqa: BLE001, S110 - a session already gone: nothing left to end
            pass


class SeleniumTab:
    def __init__(self, session: Session, profile: Profile = PROFILES[DEFAULT_PROFILE], site: SiteSession | None = None):
        self.session = session
        self.site = site  # the logged-in site this tab serves, if any
        self.driver = session.driver
        self.lock = session.lock
        self.budget = 60.0 + CALL_MARGIN
        self.profile = profile
        self.profile_viewport = (profile.width, profile.height)

    async def emulate(self) -> None:
        """Set the session's device emulation (viewport, user agent, touch) for this tab's profile, through
        Chromium's DevTools protocol; a session keeps it until a tab of another profile takes the session."""
        if self.session.profile == self.profile.name:
            return
        profile, session = self.profile, self.session

        def apply():
            if session.user_agent is None:
                session.user_agent = self.driver.execute_script("return navigator.userAgent")
            self.driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {
                    "width": profile.width,
                    "height": profile.height,
                    "deviceScaleFactor": profile.scale,
                    "mobile": profile.mobile,
                },
            )
            self.driver.execute_cdp_cmd(
                "Emulation.setUserAgentOverride", {"userAgent": profile.user_agent or session.user_agent}
            )
            self.driver.execute_cdp_cmd(
                "Emulation.setTouchEmulationEnabled",
                {"enabled": profile.touch, "maxTouchPoints": 5 if profile.touch else 1},
            )
            if profile.name == DEFAULT_PROFILE:
                self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

        try:
            await self._call(apply, budget=10)
        except NavigationError as exc:  # no CDP (a Grid node): the profile cannot be emulated
            raise NavigationError(
                "navigation", f"the {profile.name} profile needs Chromium's DevTools protocol"
            ) from exc
        session.profile = profile.name

    async def _call(self, fn, *args, budget: float | None = None, navigation: bool = False):
        """Run a WebDriver call under the watchdog; a hung or abandoned call breaks (kills) the session."""
        if self.session.broken:
            if self.session.lost:
                raise SessionLost("the WebDriver session was lost")
            raise NavigationError("timeout", "the WebDriver session hung and was ended")
        future = in_daemon_thread(fn, *args)
        future.add_done_callback(lambda f: f.cancelled() or f.exception())  # retrieved even if abandoned
        try:
            return await asyncio.wait_for(asyncio.shield(future), budget or self.budget)
        except TimeoutError:
            self.session.kill()
            raise NavigationError("timeout", "a WebDriver call hung; the session was ended") from None
        except asyncio.CancelledError:
            if not future.done():  # the auditor gave up on the page while a call was in flight
                self.session.kill()
            raise
        except (NavigationError, BrowserGone, StepError, Unsupported):
            raise
        except Exception as exc:
            error = classify(exc)
            if isinstance(error, SessionLost):
                self.session.lost = True
                self.session.kill()  # DELETE it on the Grid, if it still can be
            if not navigation and isinstance(error, NavigationError) and error.kind == "timeout":
                self.session.kill()  # the renderer stopped answering scripts: this session would hang the next page too
            raise error from exc

    async def goto(self, url: str, timeout_s: float) -> Navigation:
        self.budget = 2 * timeout_s + CALL_MARGIN  # evaluate() calls: the script timeout below plus a margin

        def load():
            self.driver.set_script_timeout(2 * timeout_s)
            steps.load(self.driver, url, timeout_s, self.site, self.session.primed)
            status, content_type = self.driver.execute_script(_STATUS)
            if "chrome-error://" in self.driver.current_url:
                raise NavigationError("navigation", self.driver.title or "error page")
            return Navigation(status, self.driver.current_url, content_type or "text/html")

        return await self._call(load, budget=timeout_s + CALL_MARGIN, navigation=True)

    def _enter(self, frame_path: Sequence[Any]) -> None:
        self.driver.switch_to.default_content()
        for selector in frame_path:
            element = self.driver.execute_script("return axe.utils.shadowSelect(arguments[0])", selector)
            if element is None:
                raise NavigationError("navigation", f"frame {selector!r} is gone")
            self.driver.switch_to.frame(element)

    async def evaluate(self, function: str, arg: Any = None, frame_path: Sequence[Any] = ()) -> Any:
        def run():
            self._enter(frame_path)
            raw = self.driver.execute_async_script(_ASYNC_WRAPPER % function, arg)
            result = json.loads(raw)
            if "error" in result:
                raise NavigationError(
                    "navigated-away" if "destroyed" in result["error"] else "navigation", result["error"][:300]
                )
            return result["ok"]

        return await self._call(run)

    async def inject(self, source: str, frame_path: Sequence[Any] = ()) -> None:
        def run():
            self._enter(frame_path)
            self.driver.execute_script(source)

        await self._call(run)

    async def press_tab(self) -> None:
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        def press():
            self.driver.switch_to.default_content()
            ActionChains(self.driver).send_keys(Keys.TAB).perform()

        await self._call(press)

    async def wait_network_idle(self, timeout_s: float) -> bool:
        return bool(await self.evaluate(_QUIET_NETWORK, timeout_s * 1000))

    async def set_viewport(self, width: int, height: int) -> None:
        profile = self.profile

        def resize():
            # window size includes browser chrome; set the layout viewport through CDP when local
            try:
                self.driver.execute_cdp_cmd(
                    "Emulation.setDeviceMetricsOverride",
                    {"width": width, "height": height, "deviceScaleFactor": profile.scale, "mobile": profile.mobile},
                )
            except Exception:  # noqa: BLE001 - no CDP (a Grid node): size the window instead
                self.driver.set_window_size(width, height)

        await self._call(resize)

    async def screenshot(self, selector: str, path: str) -> bool:
        def shot():
            from selenium.webdriver.common.by import By

            self.driver.switch_to.default_content()
            return self.driver.find_element(By.CSS_SELECTOR, selector).screenshot(path)

        try:
            return bool(await self._call(shot))
        except Exception:  # noqa: BLE001 - an element off-screen or gone: the screenshot is optional evidence
            return False

    # --- a logged-in site's session, and the login flow's steps (audit.web.login.LoginTab): StepError only

    async def take(self, site: SiteSession | None) -> None:
        """Make the session hold `site`'s login (or no site's): wipe another's, add this one's cookies and headers."""
        session = self.session
        if session.owner == (site.key if site else None) and not (site is None and session.headers):
            return

        def switch():
            if session.owner is not None or session.headers:
                steps.wipe(self.driver, session.owner, session.headers)
                session.owner, session.headers = None, False
            if site is not None:
                session.headers = bool(site.auth.headers)
                steps.adopt(self.driver, site)
                session.owner = site.key

        try:
            await self._call(switch, budget=60)
        except Unsupported:
            raise
        except Exception as exc:  # a session that cannot change hands is replaced: never one with another's login
            session.kill()
            raise BrowserGone(f"the WebDriver session could not take the site's login: {type(exc).__name__}") from exc

    async def keep_session(self) -> None:
        """After the site's login flow: its cookies and localStorage become what every session of the pool takes."""
        if self.site is None:
            return
        try:
            await self._call(steps.capture, self.driver, self.site, budget=40)
        except StepError:
            raise
        except Exception as exc:  # noqa: BLE001 - becomes the login's own error
            raise StepError("action", detail=f"the session could not be read: {type(exc).__name__}") from None
        self.session.owner = self.site.key

    async def _step(self, fn, *args: Any, timeout_s: float) -> None:
        self.budget = 2 * timeout_s + CALL_MARGIN
        try:
            await self._call(fn, *args, budget=timeout_s + 2 * CALL_MARGIN)
        except (StepError, Unsupported):
            raise
        except Exception as exc:  # noqa: BLE001 - a hung or lost session: the step failed
            raise StepError(
                "action", detail=str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
            ) from None

    async def login_goto(self, url: str, timeout_s: float) -> None:
        def go():
            self.driver.set_script_timeout(2 * timeout_s)
            steps.login_goto(self.driver, url, timeout_s, self.site, self.session.primed)

        await self._step(go, timeout_s=timeout_s)

    async def fill(self, selector: str, value: str, timeout_s: float) -> None:
        await self._step(
            steps.act, self.driver, selector, timeout_s, lambda e: steps.fill(e, value), timeout_s=timeout_s
        )

    async def select(self, selector: str, value: str, timeout_s: float) -> None:
        await self._step(
            steps.act, self.driver, selector, timeout_s, lambda e: steps.select(e, value), timeout_s=timeout_s
        )

    async def check(self, selector: str, timeout_s: float) -> None:
        await self._step(steps.act, self.driver, selector, timeout_s, steps.check, timeout_s=timeout_s)

    async def click(self, selector: str, timeout_s: float) -> None:
        await self._step(steps.act, self.driver, selector, timeout_s, lambda e: e.click(), timeout_s=timeout_s)

    async def press(self, selector: str | None, key: str, timeout_s: float) -> None:
        if selector:
            press = lambda e: steps.press(self.driver, e, key)  # one line, named for reading
            await self._step(steps.act, self.driver, selector, timeout_s, press, timeout_s=timeout_s)
        else:
            await self._step(steps.press, self.driver, None, key, timeout_s=timeout_s)

    async def wait_for(self, selector: str, state: str, timeout_s: float) -> None:
        await self._step(steps.wait_for, self.driver, selector, state, timeout_s, timeout_s=timeout_s)

    async def wait_url(self, pattern: str, timeout_s: float) -> None:
        await self._step(steps.wait_url, self.driver, pattern, timeout_s, timeout_s=timeout_s)

    async def close(self, reuse: bool = False) -> None:
        """Blank the session's window and hand the session back to the pool (sessions are always reused)."""

        profile = self.profile

        def reset():
            try:
                if profile.name == DEFAULT_PROFILE:
                    self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
                else:  # back to the profile's own viewport (a probe may have narrowed it)
                    self.driver.execute_cdp_cmd(
                        "Emulation.setDeviceMetricsOverride",
                        {
                            "width": profile.width,
                            "height": profile.height,
                            "deviceScaleFactor": profile.scale,
                            "mobile": True,
                        },
                    )
            except Exception:  # noqa: BLE001, S110 - no CDP (a Grid node): nothing was overridden
                pass
            self.driver.get("about:blank")

        try:
            if not self.session.broken:
                await self._call(reset, budget=10)
        except Exception:  # noqa: BLE001, S110 - a session that will not blank is marked broken by _call
            pass
        finally:
            self.lock.release()


class SeleniumLauncher:
    """A small pool of WebDriver sessions (one per concurrent tab), local chromedriver or remote."""

    name = "selenium"

    def __init__(
        self,
        remote_url: str | None = None,
        executable: str | None = None,
        sessions: int = 2,
        init_scripts: Sequence[str] = (),
        **_: Any,
    ):
        self.remote_url = remote_url
        self.init_scripts = list(init_scripts)
        self.executable = executable or find_chromium()
        self.size = sessions
        self.sessions: list[Session] = []
        self.version = ""
        self.site_sessions: dict[str, SiteSession] = {}  # logged-in sites by origin: what each session takes

    def _options(self):
        from selenium import webdriver

        options = webdriver.ChromeOptions()
        options.add_argument("--headless=new")
        options.add_argument("--window-size=1280,1024")
        options.add_argument("--hide-scrollbars")  # as Playwright's headless Chromium, so reflow widths agree
        for arg in LAUNCH_ARGS:
            options.add_argument(arg)
        if self.executable and not self.remote_url:
            options.binary_location = self.executable
        return options

    def _session(self):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        if self.remote_url:
            from selenium.webdriver.remote.client_config import ClientConfig
            from selenium.webdriver.remote.remote_connection import RemoteConnection

            connection = RemoteConnection(client_config=ClientConfig(self.remote_url, timeout=HTTP_TIMEOUT))
            driver = webdriver.Remote(command_executor=connection, options=self._options())
        else:
            driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
            driver = webdriver.Chrome(service=Service(driver_path), options=self._options())
        for script in self.init_scripts:  # Chromium's CDP; a Grid node without it just skips attribution hooks
            try:
                driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": script})
            except Exception:  # noqa: BLE001 - see above: no CDP, no hooks
                break
        return driver

    async def _new_session(self) -> Session:
        return Session(await asyncio.wait_for(in_daemon_thread(self._session), HTTP_TIMEOUT))

    async def start(self) -> None:
        self.sessions = [await self._new_session() for _ in range(self.size)]
        caps = self.sessions[0].driver.capabilities
        self.version = f"{caps.get('browserName', 'chrome')} {caps.get('browserVersion', '')}".strip()

    def alive(self) -> bool:
        try:
            return all(s.broken or (s.driver.session_id and s.driver.window_handles) for s in self.sessions)
        except Exception:  # noqa: BLE001 - whatever the driver raises, a browser that cannot answer is not alive
            return False

    def _site(self, auth: Auth | None, scope: str) -> SiteSession | None:
        if auth is None:
            return None
        site = self.site_sessions.get(scope)
        if site is None or site.auth is not auth:
            site = self.site_sessions[scope] = SiteSession(scope, auth)
        return site

    async def unsupported(self, profile: Profile, auth: Auth, scope: str) -> str | None:
        """The auth option this WebDriver cannot give (`auth.headers` without DevTools), before a crawl starts."""
        try:
            tab = await self.new_tab(profile, auth, scope)
        except Unsupported as exc:
            return exc.option
        await tab.close()
        return None

    async def new_tab(
        self, profile: Profile = PROFILES[DEFAULT_PROFILE], auth: Auth | None = None, scope: str = ""
    ) -> SeleniumTab:
        """A free session as a tab of the profile; with `auth`, holding that site's (`scope`: its origin) login."""
        site = self._site(auth, scope)
        while True:
            for session in list(self.sessions):
                if not session.lock.locked():
                    await session.lock.acquire()
                    if session.broken:  # a hung session was killed: a fresh one takes its place
                        fresh = await self._renew(session)
                        if fresh is None:  # retired: the pool shrinks (its Grid node went away)
                            self.sessions.remove(session)
                            break
                        await fresh.lock.acquire()
                        self.sessions[self.sessions.index(session)] = session = fresh  # others may have retired theirs
                    tab = SeleniumTab(session, profile, site)
                    try:
                        await tab.emulate()
                        await tab.take(site)
                    except BaseException:
                        session.lock.release()
                        raise
                    return tab
            await asyncio.sleep(0.05)

    async def _renew(self, broken: Session) -> Session | None:
        """The session that takes a broken one's place; None to retire it (a Grid with no slot left for it)."""
        return await self._new_session()

    async def restart(self) -> None:
        await self.close()
        await self.start()

    async def close(self) -> None:
        for session in self.sessions:
            if session.broken:
                continue
            try:
                await asyncio.wait_for(in_daemon_thread(session.driver.quit), 30)
            except Exception:  # noqa: BLE001 - a session that will not quit is killed
                session.kill()
        self.sessions = []
