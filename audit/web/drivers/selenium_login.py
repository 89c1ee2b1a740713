"""Logged-in audits with Selenium: the login flow's steps as blocking WebDriver calls (each raises StepError, never
Selenium's own errors), and a site's session (cookies, localStorage) carried to every WebDriver session of the pool.

Every Selenium session is its own browser, so unlike Playwright's shared context the session the login flow made is
copied: after the flow, the browser's cookies for the site's host (HttpOnly ones too) and its origin's localStorage
are read, and each session of the pool is given them before its next tab of the site. Cookies and headers go
through Chromium's DevTools protocol (locally, and on a Grid 4 node through its goog/cdp endpoint): WebDriver's own
Add Cookie works only on a document of the cookie's domain, and a site's error pages (an empty 404) are the
browser's own documents, not the site's. sessionStorage belongs to one tab, as with Playwright: not carried. A
session that served another site, or an older login of this one, is wiped first (cookies, storage, headers).
Basic auth needs no DevTools: a 401 from the site is answered once with the credentials in the URL, and Chromium's
HTTP auth cache answers the site's later challenges (only that origin's, only when it asks).
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from audit.web.login import Auth, Cookie, StepError
from audit.web.urls import origin

# Its DEBUG lines quote every request body, a typed password included: never below INFO.
logging.getLogger("selenium.webdriver.remote.remote_connection").setLevel(logging.INFO)

POLL_S = 0.1
_STATUS = """const e = performance.getEntriesByType('navigation')[0]; return e ? (e.responseStatus || null) : null;"""
_STORAGE = "try { return Object.assign({}, localStorage); } catch (e) { return {}; }"
_RESTORE = """try { localStorage.clear(); for (const [k, v] of Object.entries(arguments[0])) localStorage.setItem(k, v); }
catch (e) {}"""


class Unsupported(Exception):
    """An auth option the WebDriver cannot give (extra headers without Chromium's DevTools protocol)."""

    def __init__(self, option: str):
        super().__init__(option)
        self.option = option


@dataclass
class SiteSession:
    """One logged-in site's session as the pool copies it: `version` grows with each login flow that ran."""

    scope: str  # the site's origin
    auth: Auth = field(repr=False)
    version: int = 0
    cookies: list[dict[str, Any]] = field(default_factory=list, repr=False)
    storage: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def key(self) -> tuple[str, int]:
        return (self.scope, self.version)


def _first_line(exc: BaseException) -> str:
    text = getattr(exc, "msg", None) or str(exc) or type(exc).__name__
    return text.strip().splitlines()[0][:300] if text.strip() else type(exc).__name__


def _status(driver) -> int | None:
    try:
        return driver.execute_script(_STATUS)
    except Exception:  # noqa: BLE001 - an error page has no timing entry: status unknown
        return None


def with_credentials(url: str, basic: tuple[str, str]) -> str:
    """The URL with the basic-auth user and password in it: Chromium answers the site's challenge with them and keeps
    them for its origin (its HTTP auth cache), so they go to that site only, and only when it asks."""
    parts = urlsplit(url)
    user, password = (quote(v, safe="") for v in basic)
    return parts._replace(netloc=f"{user}:{password}@{parts.netloc.rpartition('@')[2]}").geturl()


def load(driver, url: str, timeout_s: float, site: SiteSession | None, primed: set[str]) -> int | None:
    """driver.get(url) and its HTTP status; a 401 from a site with basic auth is answered once per session (then the
    browser's auth cache answers). Never raises with the credentials in its message."""
    driver.set_page_load_timeout(timeout_s)
    driver.get(url)
    status = _status(driver)
    basic = site.auth.basic if site is not None else None
    if status == 401 and basic and origin(url) == site.scope and site.scope not in primed:
        primed.add(site.scope)
        try:
            driver.get(with_credentials(url, basic))
        except Exception as exc:  # noqa: BLE001 - its message may quote the URL and so the password
            raise RuntimeError(f"{url}: {type(exc).__name__}") from None
        status = _status(driver)
    return status


# --- the login flow's steps (audit.web.login.LoginTab), run in a WebDriver call's thread


def login_goto(driver, url: str, timeout_s: float, site: SiteSession | None, primed: set[str]) -> None:
    try:
        status = load(driver, url, timeout_s, site, primed)
    except Exception as exc:  # noqa: BLE001 - becomes the step's own error
        raise StepError("navigation", target=url, detail=_first_line(exc)) from None
    if "chrome-error://" in driver.current_url:
        raise StepError("navigation", target=url, detail=driver.title or "error page")
    if status is not None and status >= 400:
        raise StepError("http", target=url, status=status)


def _elements(driver, selector: str) -> list:
    from selenium.common.exceptions import InvalidSelectorException
    from selenium.webdriver.common.by import By

    try:
        return driver.find_elements(By.CSS_SELECTOR, selector)
    except InvalidSelectorException as exc:
        raise StepError("action", selector=selector, detail=_first_line(exc)) from None


def act(driver, selector: str, timeout_s: float, action) -> None:
    """Do `action(element)` on the first element matching `selector` once it is visible and enabled, trying again
    until the timeout (as Playwright waits for an element to be actionable)."""
    from selenium.common.exceptions import NoSuchElementException, TimeoutException, WebDriverException

    deadline, why = time.monotonic() + timeout_s, "the element is not visible and enabled"
    while True:
        found = _elements(driver, selector)
        if found:
            try:
                element = found[0]
                if element.is_displayed() and element.is_enabled():
                    action(element)
                    return
            except StepError:
                raise
            except (NoSuchElementException, TimeoutException) as exc:  # no such option; a page load that timed out
                raise StepError("action", selector=selector, detail=_first_line(exc)) from None
            except WebDriverException as exc:  # stale, covered, not interactable yet: try again
                why = _first_line(exc)
        if time.monotonic() > deadline:
            if not found:
                raise StepError("no-element", selector=selector, seconds=timeout_s)
            raise StepError("action", selector=selector, detail=why)
        time.sleep(POLL_S)


def fill(element, value: str) -> None:
    element.clear()
    element.send_keys(value)


def select(element, value: str) -> None:
    from selenium.common.exceptions import NoSuchElementException
    from selenium.webdriver.support.select import Select

    choice = Select(element)
    try:
        choice.select_by_value(value)
    except NoSuchElementException:  # not an option's value: its label, as people read it
        choice.select_by_visible_text(value)


def check(element) -> None:
    if not element.is_selected():
        element.click()
    if not element.is_selected():
        raise StepError("action", detail="the box did not become checked")


def keys(key: str) -> tuple[list[str], str]:
    """A Playwright key name ('Enter', 'ArrowDown', 'Control+A', 'a') as Selenium's modifiers and key."""
    from selenium.webdriver.common.keys import Keys

    def one(name: str) -> str:
        if len(name) == 1:
            return name
        code = getattr(Keys, re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper(), None)
        if not isinstance(code, str):
            raise StepError("action", detail=f"unknown key {name!r}")
        return code

    *modifiers, last = key.split("+") if len(key) > 1 else [key]
    return [one(m) for m in modifiers], one(last)


def press(driver, element, key: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    modifiers, last = keys(key)
    if element is not None and not modifiers:
        element.send_keys(last)
        return
    chain = ActionChains(driver)
    if element is not None:
        chain.click(element)
    for modifier in modifiers:
        chain.key_down(modifier)
    chain.send_keys(last)
    for modifier in reversed(modifiers):
        chain.key_up(modifier)
    chain.perform()


def wait_for(driver, selector: str, state: str, timeout_s: float) -> None:
    """Until the first element matching `selector` is visible / hidden / attached / detached; polled, so a page that
    loads in between (a submitted form) is followed."""
    from selenium.common.exceptions import WebDriverException

    deadline, present = time.monotonic() + timeout_s, False
    while True:
        try:
            found = _elements(driver, selector)
            present = bool(found)
            shown = present and found[0].is_displayed()
            if {"attached": present, "detached": not present, "visible": shown, "hidden": not shown}.get(state, shown):
                return
        except StepError:
            raise
        except WebDriverException:  # the page is changing under the query: ask again
            pass
        if time.monotonic() > deadline:
            kind = "no-element" if not present and state in ("visible", "attached") else "not-state"
            raise StepError(kind, selector=selector, state=state, seconds=timeout_s)
        time.sleep(POLL_S)


def wait_url(driver, pattern: str, timeout_s: float) -> None:
    from selenium.common.exceptions import WebDriverException

    deadline, here = time.monotonic() + timeout_s, ""
    while True:
        try:
            here = driver.current_url
        except WebDriverException:  # mid-navigation
            pass
        if re.search(pattern, here):
            return
        if time.monotonic() > deadline:
            raise StepError("url-timeout", pattern=pattern, target=here, seconds=timeout_s)
        time.sleep(POLL_S)


# --- carrying a site's session across the pool's WebDriver sessions


def cdp(driver, command: str, params: dict) -> Any:
    """A Chromium DevTools command: local chromedriver, or a Grid node's (goog/cdp/execute, forwarded by Grid 4)."""
    executor = getattr(driver, "command_executor", None)
    if hasattr(executor, "add_command"):  # a plain RemoteConnection (a Grid) does not know the command: teach it
        executor.add_command("executeCdpCommand", "POST", "/session/$sessionId/goog/cdp/execute")
    try:
        return driver.execute_cdp_cmd(command, params)
    except Exception as exc:  # no DevTools on this WebDriver (another browser, a Grid that refuses)
        raise Unsupported(command) from exc


def _matches(domain: str, host: str) -> bool:
    domain = domain.lstrip(".")
    return host == domain or host.endswith("." + domain)


def capture(driver, site: SiteSession) -> None:
    """After a login flow: the browser's cookies for the site's host (HttpOnly ones too), and the localStorage of
    the site's origin when the flow ended there, become the site's, a new version every pool session takes."""
    host = urlsplit(site.scope).hostname or ""
    cookies = cdp(driver, "Network.getAllCookies", {}).get("cookies", [])
    site.cookies = [c for c in cookies if _matches(c.get("domain", ""), host)]
    here = driver.execute_script("return location.origin")
    site.storage = dict(driver.execute_script(_STORAGE) or {}) if here == site.scope else {}
    site.version += 1


def _configured(cookie: Cookie, site: SiteSession) -> dict[str, Any]:
    """A configured cookie as Network.setCookie takes it: for its own domain, else for the site's host."""
    where = {"domain": cookie.domain} if cookie.domain else {"url": site.scope + cookie.path}
    return {"name": cookie.name, "value": cookie.value, "path": cookie.path, **where}


def _cookie(cookie: dict[str, Any], site: SiteSession) -> dict[str, Any]:
    """A login's cookie, as Network.getAllCookies gave it, as Network.setCookie takes it."""
    out = {k: cookie[k] for k in ("name", "value", "domain", "path", "secure", "httpOnly", "sameSite") if k in cookie}
    if not cookie.get("session", True) and cookie.get("expires", -1) > 0:
        out["expires"] = cookie["expires"]
    if not str(cookie["domain"]).startswith("."):  # host-only as it was set: by URL, not as a domain cookie
        out.pop("domain")
        out["url"] = site.scope + cookie.get("path", "/")
    return out


def _needs_devtools(auth: Auth) -> str | None:
    """The first configured option that is given through DevTools (basic auth is not: the URL answers it)."""
    return next(
        (
            name
            for name, given in (("headers", auth.headers), ("cookies", auth.cookies), ("login", auth.login))
            if given
        ),
        None,
    )


def wipe(driver, previous: tuple[str, int] | None, headers: bool) -> None:
    """Leave nothing of a site's session in a pool session: its cookies, its origin's storage, extra headers."""
    if headers:
        cdp(driver, "Network.setExtraHTTPHeaders", {"headers": {}})
    cdp(driver, "Network.clearBrowserCookies", {})
    if previous is not None:
        cdp(driver, "Storage.clearDataForOrigin", {"origin": previous[0], "storageTypes": "local_storage"})


def adopt(driver, site: SiteSession) -> None:
    """Give a pool session the site's headers and cookies (configured, then its login's) through DevTools, and its
    login's localStorage on a document of its origin (its robots.txt, which a crawler asks for anyway)."""
    auth = site.auth
    option = _needs_devtools(auth)
    if option is None:
        return
    try:
        cdp(driver, "Network.enable", {})
    except Unsupported:
        raise Unsupported(f"auth.{option}") from None
    if auth.headers:
        cdp(driver, "Network.setExtraHTTPHeaders", {"headers": dict(auth.headers)})
    cookies = [_configured(c, site) for c in auth.cookies] + [_cookie(c, site) for c in site.cookies]
    if cookies:
        cdp(driver, "Network.setCookies", {"cookies": cookies})
    if site.storage:
        driver.get(site.scope + "/robots.txt")
        if driver.execute_script("return location.origin") == site.scope:  # not the browser's own error page
            driver.execute_script(_RESTORE, site.storage)
