"""Selenium / W3C WebDriver: the alternative driver, local chromedriver or a remote Grid (--remote-url).

WebDriver calls block, so each runs in a worker thread; one WebDriver session serves one tab at a time.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from typing import Any, Sequence

from audit.web.chromium import LAUNCH_ARGS, find_chromium
from audit.web.drivers import BrowserGone, Navigation, NavigationError

# Wraps a page function so its (possibly async) value comes back as JSON text, which every driver passes intact.
_ASYNC_WRAPPER = """const done = arguments[arguments.length - 1];
Promise.resolve((%s)(arguments[0])).then(
  r => done(JSON.stringify({ok: r === undefined ? null : r})),
  e => done(JSON.stringify({error: String(e && e.stack || e)})));"""
_STATUS = """const e = performance.getEntriesByType('navigation')[0];
return e ? [e.responseStatus || null, document.contentType] : [null, document.contentType];"""


def classify(exc: Exception) -> Exception:
    text = str(exc)
    name = type(exc).__name__
    if name == "TimeoutException" or "timeout" in text.lower():
        return NavigationError("timeout", text.splitlines()[0] if text else name)
    if "ERR_TOO_MANY_REDIRECTS" in text:
        return NavigationError("redirect-loop")
    if "crash" in text.lower():
        return NavigationError("crashed", text.splitlines()[0])
    if name in ("InvalidSessionIdException", "NoSuchWindowException") or "disconnected" in text:
        return BrowserGone(text.splitlines()[0] if text else name)
    return NavigationError("navigation", (text.splitlines()[0] if text else name)[:300])


class SeleniumTab:
    def __init__(self, driver: Any, lock: asyncio.Lock):
        self.driver = driver
        self.lock = lock

    async def _call(self, fn, *args):
        try:
            return await asyncio.to_thread(fn, *args)
        except (NavigationError, BrowserGone):
            raise
        except Exception as exc:
            raise classify(exc) from exc

    async def goto(self, url: str, timeout_s: float) -> Navigation:
        def load():
            self.driver.set_page_load_timeout(timeout_s)
            self.driver.get(url)
            status, content_type = self.driver.execute_script(_STATUS)
            if "chrome-error://" in self.driver.current_url:
                raise NavigationError("navigation", self.driver.title or "error page")
            return Navigation(status, self.driver.current_url, content_type or "text/html")
        return await self._call(load)

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
            self.driver.set_script_timeout(60)
            raw = self.driver.execute_async_script(_ASYNC_WRAPPER % function, arg)
            result = json.loads(raw)
            if "error" in result:
                raise NavigationError("navigated-away" if "destroyed" in result["error"] else "navigation",
                                      result["error"][:300])
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

    async def set_viewport(self, width: int, height: int) -> None:
        def resize():
            # window size includes browser chrome; set the layout viewport through CDP when local
            try:
                self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
            except Exception:
                self.driver.set_window_size(width, height)
        await self._call(resize)

    async def screenshot(self, selector: str, path: str) -> bool:
        def shot():
            from selenium.webdriver.common.by import By

            self.driver.switch_to.default_content()
            return self.driver.find_element(By.CSS_SELECTOR, selector).screenshot(path)
        try:
            return bool(await self._call(shot))
        except Exception:
            return False

    async def close(self) -> None:
        def reset():
            try:
                self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            except Exception:
                pass
            self.driver.get("about:blank")
        try:
            await asyncio.wait_for(self._call(reset), 10)
        except Exception:
            pass
        finally:
            self.lock.release()


class SeleniumLauncher:
    """A small pool of WebDriver sessions (one per concurrent tab), local chromedriver or remote."""

    name = "selenium"

    def __init__(self, remote_url: str | None = None, executable: str | None = None, sessions: int = 2, **_: Any):
        self.remote_url = remote_url
        self.executable = executable or find_chromium()
        self.size = sessions
        self.sessions: list[tuple[Any, asyncio.Lock]] = []
        self.version = ""

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
            return webdriver.Remote(command_executor=self.remote_url, options=self._options())
        driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
        return webdriver.Chrome(service=Service(driver_path), options=self._options())

    async def start(self) -> None:
        drivers = [await asyncio.to_thread(self._session) for _ in range(self.size)]
        self.sessions = [(d, asyncio.Lock()) for d in drivers]
        caps = drivers[0].capabilities
        self.version = f"{caps.get('browserName', 'chrome')} {caps.get('browserVersion', '')}".strip()

    def alive(self) -> bool:
        try:
            return all(d.session_id and d.window_handles for d, _ in self.sessions)
        except Exception:
            return False

    async def new_tab(self) -> SeleniumTab:
        while True:
            for driver, lock in self.sessions:
                if not lock.locked():
                    await lock.acquire()
                    return SeleniumTab(driver, lock)
            await asyncio.sleep(0.05)

    async def restart(self) -> None:
        await self.close()
        await self.start()

    async def close(self) -> None:
        for driver, _ in self.sessions:
            try:
                await asyncio.to_thread(driver.quit)
            except Exception:
                pass
        self.sessions = []
