"""The site auditor: crawls each site with a few browser tabs and yields one result per page as it lands."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from audit.model.checks import Check
from audit.model.findings import Finding
from audit.model.subjects import Subject
from audit.model.vocab import Category, Severity
from audit.web.attribution import attribute, init_script
from audit.web.axe import axe_version, loader_script, run_axe
from audit.web.builtins import LATE_PROBES, PROBES, PageFacts, ProbeResult
from audit.web.crawl import CrawlOptions, Frontier, fetch_text, read_robots, sitemap_urls
from audit.web.drivers import BrowserGone, NavigationError, SessionLost, launcher
from audit.web.findings import out_of_scope_items, page_findings, split_probe
from audit.web.login import (
    Filled,
    Flow,
    FlowFailed,
    LoginFailed,
    Step,
    StepError,
    is_logout,
    on_login_page,
    run_flow,
    run_login,
    scrub,
)
from audit.web.politeness import HostGate, interleave
from audit.web.settings import DEFAULT_PROFILE, PROFILES, PageSettings, SiteSettings
from audit.web.states import LATE_STATE_PROBES, STATE_PROBES, StateFacts, take_snapshot
from audit.web.urls import in_scope, normalise, origin, template_of

log = logging.getLogger(__name__)

LINKS_CAP = 500
SESSION_TRIES = 3  # a page whose browser session is lost (its Grid node died) goes to another session
META_REFRESH_MAX_DELAY = 5  # seconds; a quicker refresh is a redirect, a slower one is axe's meta-refresh rule

# Links come with their text (a logout link is known by either); frames by their URL.
_PAGE_INFO = """() => ({title: document.title, lang: document.documentElement.lang || '',
  links: Array.from(document.querySelectorAll('a[href], area[href]')).slice(0, 5000)
    .map(a => [a.href, (a.innerText || a.getAttribute('alt') || a.title || '').trim().slice(0, 100)]),
  frames: Array.from(document.querySelectorAll('iframe[src], frame[src]')).map(f => f.src).slice(0, 50)})"""
_META_REFRESH = """() => { const m = document.querySelector('meta[http-equiv="refresh" i]');
  if (!m) return null; const c = m.getAttribute('content') || '';
  const found = /^\\s*(\\d+)\\s*(?:[;,]\\s*(?:url\\s*=\\s*)?['"]?([^'"]*))?/i.exec(c);
  return found ? {delay: parseInt(found[1], 10), url: found[2] ? new URL(found[2], location.href).href : ''} : null; }"""
# Which of the scope selectors match in the top document (an invalid selector is named, never skipped).
_REGIONS = """([include, exclude]) => { const invalid = [];
  const present = list => list.filter(s => { try { return !!document.querySelector(s); }
    catch (e) { invalid.push(s); return false; } });
  return {included: present(include), excluded: present(exclude), invalid}; }"""
# Of the probes' evidence selectors, those out of scope: inside an excluded region (-> that selector), or, with
# include selectors, inside none of them (-> `:not(<included>)`). A selector that matches nothing stays in scope.
_OUTSIDE = """([selectors, include, exclude]) => { const out = {};
  for (const s of selectors) { let el = null; try { el = document.querySelector(s); } catch (e) { continue; }
    if (!el) continue;
    const ex = exclude.find(x => el.closest(x));
    if (ex) out[s] = ex;
    else if (include.length && !include.some(x => el.closest(x))) out[s] = ':not(' + include.join(', ') + ')';
  } return out; }"""
# Resolves true once an element matching the selector is visible (has a box, not hidden), false at the deadline.
_WAIT_VISIBLE = """([selector, ms]) => new Promise(resolve => { const end = Date.now() + ms;
  const visible = () => { const e = document.querySelector(selector); if (!e) return false;
    const style = getComputedStyle(e); const box = e.getBoundingClientRect();
    return style.visibility !== 'hidden' && style.display !== 'none' && (box.width > 0 || box.height > 0); };
  const poll = () => visible() ? resolve(true) : Date.now() > end ? resolve(false) : setTimeout(poll, 100);
  poll(); })"""
# The same, read from the served HTML, for a start page the browser left before it could be asked.
_META_REFRESH_HTML = re.compile(
    r"""<meta[^>]+http-equiv\s*=\s*["']?refresh["']?[^>]*content\s*=\s*["']\s*(\d+)\s*[;,]\s*(?:url\s*=\s*)?"""
    r"""['"]?([^'">]+)""",
    re.IGNORECASE,
)


def profile_suffix(profile: str) -> str:
    """What a subject key carries for a browser profile: nothing for desktop (stored history keeps its keys)."""
    return "" if profile == DEFAULT_PROFILE else f"#{profile}"


def page_key(url: str, profile: str = DEFAULT_PROFILE) -> str:
    """`page:<url>`, or `page:<url>#mobile` for the same page seen by the mobile profile (URLs carry no fragment)."""
    return f"page:{url}{profile_suffix(profile)}"


def _escape(name: str) -> str:
    return name.replace("%", "%25").replace("#", "%23").replace("&", "%26")


def state_key(start_url: str, profile: str, flow: str, state: str) -> str:
    """A flow state's key: the flow's start URL, its profile, the flow's and the state's names
    (`page:<start>#flow=<flow>&state=<state>`, `page:<start>#mobile#flow=...`). The start URL, not the URL the
    state lands on: a step's URL may carry a session or application number, and the key must hold across rounds."""
    return f"{page_key(start_url, profile)}#flow={_escape(flow)}&state={_escape(state)}"


def key_profile_suffix(key: str) -> str:
    """The profile suffix of a page or state key ('' or '#mobile'): a state rolls up with its profile's pages."""
    rest = key.partition("#")
    return "" if not rest[1] or rest[2].startswith("flow=") else "#" + rest[2].partition("#")[0]


@dataclass(frozen=True)
class Site:
    """One portal to audit: its start URL(s), GB/T 2260 code and name (from sites.txt, the command line or the
    config file), the browser profile it is seen with, and its per-site and per-URL settings."""

    url: str
    area_code: str | None = None
    name: str | None = None
    more_starts: tuple[str, ...] = ()  # further start URLs on the same origin (merge_sites)
    profile: str = DEFAULT_PROFILE
    settings: SiteSettings = field(default_factory=SiteSettings)

    @property
    def key(self) -> str:
        return f"site:{origin(normalise(self.url) or self.url)}{profile_suffix(self.profile)}"

    @property
    def start_urls(self) -> list[str]:
        return list(dict.fromkeys(normalise(u) or u for u in (self.url, *self.more_starts)))

    @property
    def label(self) -> str:
        """How people call the portal: its name from sites.txt, else its start URL."""
        return self.name or self.url


def merge_sites(sites: Iterable[Site]) -> list[Site]:
    """One origin is one site: start URLs sharing an origin become one Site with all of them, in order."""
    merged: dict[str, Site] = {}
    for site in sites:
        first = merged.get(site.key)
        if first is None:
            merged[site.key] = site
            continue
        merged[site.key] = replace(
            first,
            area_code=first.area_code or site.area_code,
            name=first.name or site.name,
            more_starts=(*first.more_starts, site.url, *site.more_starts),
            settings=SiteSettings(
                first.settings.defaults if first.settings.defaults != PageSettings() else site.settings.defaults,
                first.settings.pages + site.settings.pages,
            ),
        )
    return list(merged.values())


@dataclass
class _SiteState:
    """What one site's crawl learns as it goes: its start and home URLs, pages audited, why starts failed."""

    starts: set[str]
    homes: set[str]
    audited: int = 0
    referrers: dict[str, str] = field(default_factory=dict)  # URL -> the first page that linked to it
    start_problems: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditOptions:
    crawl: CrawlOptions = field(default_factory=CrawlOptions)
    driver: str = "playwright"
    remote_url: str | None = None
    executable: str | None = None
    timeout: float = 30.0
    lang: str | None = None
    screenshots_dir: str | None = None
    screenshots_per_page: int = 3


@dataclass(frozen=True)
class PageAudited:
    site: Site
    subject: Subject
    findings: list[Finding]


@dataclass(frozen=True)
class PageFailed:
    """A page that could not be audited: `reason` is a message key under web.error.*, `values` fill it."""

    site: Site
    subject: Subject
    reason: str
    values: Mapping[str, Any]
    detail: str = ""


@dataclass(frozen=True)
class SiteFinished:
    """A site's crawl is over. `problem` (a web.error.* key and its values) when not one page was audited."""

    site: Site
    subject: Subject
    record: Mapping[str, Any]
    problem: tuple[str, Mapping[str, Any]] | None = None


def page_subject(site: Site, url: str, **attributes: Any) -> Subject:
    return Subject(
        key=page_key(url, site.profile),
        kind="web-page",
        category=Category.INFORMATION,
        name=attributes.pop("title", None) or url,
        area_code=site.area_code,
        url=url,
        attributes={"site": origin(url), "template": template_of(url), "profile": site.profile, **attributes},
    )


@dataclass(frozen=True)
class _State:
    """A flow state being audited: its key, facts (snapshot, what was filled), its own early probe results."""

    flow: Flow
    number: int
    step: Step
    facts: StateFacts
    early: Mapping[str, ProbeResult]
    secrets: tuple[str, ...] = field(repr=False)

    @property
    def key(self) -> str:
        return state_key(self.flow.url, self.facts_profile, self.flow.name, self.step.audit or "")

    facts_profile: str = DEFAULT_PROFILE


def state_subject(site: Site, state: _State, url: str, **attributes: Any) -> Subject:
    """A flow state as a page-like subject: named by its page title, the flow and the state."""
    title = attributes.pop("title", None) or url
    flow = {"name": state.flow.name, "state": state.step.audit, "step": state.number, "start": state.flow.url}
    return Subject(
        key=state.key,
        kind="web-page",
        category=Category.INFORMATION,
        name=f"{title} · {state.flow.name} · {state.step.audit}",
        area_code=site.area_code,
        url=url,
        attributes={"site": origin(url), "template": None, "profile": site.profile, "flow": flow, **attributes},
    )


def scrub_text(text: str, secrets: tuple[str, ...]) -> str:
    return scrub({"text": text}, secrets)["text"]


def _scrubbed(finding: Finding, secrets: tuple[str, ...]) -> Finding:
    """A finding whose evidence may quote the page's markup: a secret the flow typed, re-rendered by the server
    into a value attribute, becomes ***."""
    if not secrets:
        return finding

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            for secret in secrets:
                value = value.replace(secret, "***")
        return value

    evidence = tuple({k: clean(v) for k, v in e.items()} for e in finding.evidence)
    return replace(finding, evidence=evidence, note=clean(finding.note))


def site_subject(site: Site, record: Mapping[str, Any], browser: str) -> Subject:
    return Subject(
        key=site.key,
        kind="website",
        category=Category.INFORMATION,
        name=site.name or site.url,
        area_code=site.area_code,
        url=normalise(site.url) or site.url,
        attributes={
            "crawl": dict(record),
            "start_urls": site.start_urls,
            "profile": site.profile,
            "browser": browser,
            "axe_core": axe_version(),
        },
    )


class Auditor:
    """Drives the browser; `run(sites)` is a plain generator of PageAudited/PageFailed/SiteFinished."""

    def __init__(
        self,
        checks: Iterable[Check],
        options: AuditOptions = AuditOptions(),
        done: Mapping[str, list[str] | None] | None = None,
        reuse: Any = None,
    ):
        self.checks = [
            c for c in checks if "axe" in c.answer or c.answer.get("builtin") in PROBES.keys() | STATE_PROBES.keys()
        ]
        self.rule_ids = sorted({r for c in self.checks for r in c.answer.get("axe", [])})
        self.options = options
        self.done = dict(done or {})  # page key -> its links, for pages a resumed round already has
        self.reuse = reuse  # audit.web.reuse.Reuse: unchanged pages keep the last round's findings
        self.browser = None
        self.browser_version = ""
        self._relaunch = asyncio.Lock()
        self._logins: dict[str, int] = {}  # site key -> how many times its login flow has run
        self._login_locks: dict[str, asyncio.Lock] = {}
        self.gate = HostGate(options.crawl.delay)  # per host, across every session and site of the round

    def run(self, sites: Iterable[Site]) -> Iterator[PageAudited | PageFailed | SiteFinished]:
        """Yield results as pages finish; the caller persists each before asking for the next.

        Each Site is crawled as given; a caller that persists by site key merges same-origin sites first
        (merge_sites), as audit.runs.web does."""
        loop = asyncio.new_event_loop()
        stream = self.stream(list(sites))
        try:
            while True:
                try:
                    yield loop.run_until_complete(stream.__anext__())
                except StopAsyncIteration:
                    return
        finally:
            loop.run_until_complete(stream.aclose())
            loop.run_until_complete(self._close())
            loop.close()

    async def stream(self, sites: list[Site]) -> AsyncIterator[PageAudited | PageFailed | SiteFinished]:
        await self._open()
        lanes = getattr(self.browser, "site_lanes", 1)  # sites crawled at once: a Grid one per session
        async for event in interleave([partial(self._site, site) for site in sites], lanes):
            yield event

    async def _open(self) -> None:
        toolbar = self._toolbar_options()
        self.browser = launcher(
            self.options.driver,
            executable=self.options.executable,
            remote_url=self.options.remote_url,
            init_scripts=[loader_script(), *([init_script(toolbar)] if toolbar is not None else [])],
            sessions=max(1, self.options.crawl.per_host_concurrency),
        )
        await self.browser.start()
        self.browser_version = self.browser.version

    def _toolbar_options(self) -> Mapping[str, Any] | None:
        check = next((c for c in self.checks if c.answer.get("builtin") == "overlay-toolbar"), None)
        return check.answer.get("options", {}) if check is not None else None

    async def _close(self) -> None:
        if self.browser is not None:
            await self.browser.close()
            self.browser = None

    async def _site(self, site: Site) -> AsyncIterator[PageAudited | PageFailed | SiteFinished]:
        options = self.options.crawl
        if site.settings.page_urls:  # pages the config names are always audited
            options = replace(
                options, key_pages=tuple(dict.fromkeys(options.key_pages + tuple(site.settings.page_urls)))
            )
        starts = site.start_urls
        start = starts[0]
        robots, robots_state = (
            (await asyncio.to_thread(read_robots, origin(start), options)) if options.obey_robots else (None, "ignored")
        )
        frontier = Frontier(start, options, robots)
        frontier.record.robots = robots_state
        frontier.add(start, 0)
        for other in starts[1:]:
            frontier.add_start(other)
        state = _SiteState(starts=set(starts), homes={start})
        refused = await self._auth_refused(site)
        if refused is not None:  # an auth option this driver cannot give: never a crawl without it
            record = frontier.record.as_dict()
            yield SiteFinished(site, site_subject(site, record, self.browser_version), record, refused)
            return
        failed = await self._log_in(site)
        if failed is not None:  # never an audit of the login page in place of the site
            record = frontier.record.as_dict()
            values = {"site": site.label, "url": site.settings.auth.login.url, "cause": failed.problem()[0]}
            problem = ("login-failed", {**failed.problem()[1], **values})
            yield SiteFinished(site, site_subject(site, record, self.browser_version), record, problem)
            return
        if options.use_sitemaps:
            roots = [origin(start) + "/sitemap.xml", *(robots.site_maps() or [] if robots else [])]
            found = await asyncio.to_thread(sitemap_urls, roots, options)
            frontier.record.sitemap_urls = len(found)
            for url in found:
                frontier.add(url, 1)
        results: asyncio.Queue = asyncio.Queue()
        workers = [
            asyncio.create_task(self._worker(site, state, frontier, results))
            for _ in range(max(1, options.per_host_concurrency))
        ]
        finished = asyncio.gather(*workers)
        while True:
            getter = asyncio.ensure_future(results.get())
            await asyncio.wait({getter, finished}, return_when=asyncio.FIRST_COMPLETED)
            if getter.done():
                yield getter.result()
                continue
            getter.cancel()
            break
        await finished  # re-raises a worker's unexpected error
        while not results.empty():
            yield results.get_nowait()
        for flow in site.settings.flows:  # on the logged-in session, each in its own tab, after the crawl
            for event in await self._flow(site, flow):
                state.audited += isinstance(event, PageAudited)
                yield event
        frontier.leftovers()
        record = frontier.record.as_dict()
        problem = None if state.audited else _nothing_audited(site, state, record)
        yield SiteFinished(site, site_subject(site, record, self.browser_version), record, problem)

    async def _worker(self, site: Site, state: _SiteState, frontier: Frontier, results: asyncio.Queue) -> None:
        while (item := await frontier.next()) is not None:
            url, depth = item
            key = page_key(url, site.profile)
            if key in self.done:  # audited before a resume: only its links matter now
                state.audited += self.done[key] is not None
                frontier.finished(self.done[key] or [], depth, url)
                continue
            event, links = await self._page_on_a_live_session(site, url, state=state, frontier=frontier)
            state.audited += isinstance(event, PageAudited)
            for link in links:
                target = normalise(link, url)
                if target:
                    state.referrers.setdefault(target, url)
            frontier.finished(links, depth, url)
            if event is not None:
                await results.put(event)

    async def _page_on_a_live_session(self, site: Site, url: str, *, state: _SiteState, frontier: Frontier):
        """A page whose session was lost mid-audit (a Grid node died) is audited again on another session, so
        no page is lost and each is reported once; a page that loses every session it gets is a browser error.
        A page that lands on the login page (its login session expired) is audited again after one new login."""
        renewed = False
        for _ in range(SESSION_TRIES):
            logins = self._logins.get(site.key, 0)
            try:
                return await self._page(site, url, state=state, frontier=frontier)
            except SessionLost:
                continue
            except _SessionExpired as exc:
                if renewed or await self._log_in(site, after=logins) is not None:
                    return self._failed(site, url, "session-expired", target=exc.target), []
                renewed = True
        return self._failed(site, url, "browser", "the browser session was lost on every try"), []

    def _session(self, site: Site) -> dict[str, Any]:
        """What a tab of this site needs from the launcher: its own context when it has auth."""
        auth = site.settings.auth
        return {} if auth is None else {"auth": auth, "scope": origin(normalise(site.url) or site.url)}

    async def _auth_refused(self, site: Site) -> tuple[str, dict[str, Any]] | None:
        """A site's auth option the driver cannot give (Selenium without DevTools: extra headers), as the site's
        problem; None when the driver gives them all (Playwright always does)."""
        check = getattr(self.browser, "unsupported", None)
        if site.settings.auth is None or check is None:
            return None
        option = await check(PROFILES[site.profile], **self._session(site))
        if option is None:
            return None
        driver = self.options.driver + (f" --remote-url {self.options.remote_url}" if self.options.remote_url else "")
        return "auth-unsupported", {"site": site.label, "url": site.url, "option": option, "driver": driver}

    async def _log_in(self, site: Site, after: int = 0) -> LoginFailed | None:
        """Run the site's login flow in its context (once: a worker that finds it already run again since
        `after` uses that session). None when logged in, or when the site has no login flow."""
        auth = site.settings.auth
        if auth is None or auth.login is None:
            return None
        async with self._login_locks.setdefault(site.key, asyncio.Lock()):
            if self._logins.get(site.key, 0) > after:
                return None
            tab = await self.browser.new_tab(PROFILES[site.profile], **self._session(site))
            try:
                await run_login(tab, auth.login, auth.secrets)
                keep = getattr(tab, "keep_session", None)  # Selenium: each session is its own browser, given a copy
                if keep is not None:
                    await keep()
            except LoginFailed as exc:
                return exc
            except StepError as exc:  # the session the flow made could not be kept: the check after the last step
                step = len(auth.login.steps) + 1
                return LoginFailed(step, "keep session", exc.kind, scrub(exc.values, auth.secrets))
            finally:
                await tab.close(reuse=False)
            self._logins[site.key] = self._logins.get(site.key, 0) + 1
            return None

    async def _flow(self, site: Site, flow: Flow) -> list[PageAudited | PageFailed]:
        """Run a named flow in its own tab of the site's (logged-in) context; each step marked `audit` is audited
        as its own entry. A step that fails fails every state not yet reached, naming the flow, step and why."""
        auth = site.settings.auth
        secrets = flow.secrets + (auth.secrets if auth else ())
        events: list[PageAudited | PageFailed] = []
        reached: set[int] = set()
        alerts_seen = [0]

        async def on_state(number: int, step: Step, filled: Filled) -> None:
            reached.add(number)
            try:
                events.append(
                    await asyncio.wait_for(
                        self._state(tab, site, flow, number, step, filled, secrets, alerts_seen),
                        self.options.timeout * 2,
                    )
                )
            except TimeoutError:
                events.append(self._state_failed(site, flow, number, step, "timeout", seconds=self.options.timeout))
            except NavigationError as exc:
                values = {k: v for k, v in _values(exc).items() if isinstance(v, (str, int, float))}
                events.append(self._state_failed(site, flow, number, step, exc.kind, exc.detail, **values))
            except Exception as exc:  # noqa: BLE001 - one state's driver error fails that state, not the crawl
                detail = f"{type(exc).__name__}: {exc}"[:300]
                events.append(self._state_failed(site, flow, number, step, "navigation", scrub_text(detail, secrets)))

        tab = await self.browser.new_tab(PROFILES[site.profile], **self._session(site))
        try:
            await run_flow(tab, flow, on_state, secrets)
        except FlowFailed as exc:
            cause, values = exc.problem()
            for number, step in flow.states:
                if number not in reached:
                    events.append(self._state_failed(site, flow, number, step, "flow-failed", cause=cause, **values))
        finally:
            try:
                await asyncio.wait_for(tab.close(reuse=False), 10)
            except Exception:  # noqa: BLE001, S110 - closing is best effort: the launcher reclaims the tab
                pass
        return events

    async def _state(self, tab, site: Site, flow: Flow, number: int, step: Step, filled: Filled, secrets, seen):
        """Audit the state a flow's step reached: first the snapshot its own probes read (before anything moves
        the focus), then the page's checks; the viewport is given back for the flow's next steps."""
        await tab.wait_network_idle(self.options.timeout)  # a submission's answer has loaded
        href = await tab.evaluate("() => location.href") or ""
        final = normalise(href) or href
        alerts = getattr(tab, "alerts", 0)
        facts = StateFacts(final, False, flow=flow.name, state=step.audit or "", filled=filled, alerts=alerts - seen[0])
        seen[0] = alerts
        wanted = {c.answer["builtin"]: c for c in self.checks if c.answer.get("builtin") in STATE_PROBES}
        options = next(
            (c.answer.get("options", {}) for c in wanted.values() if "error_words" in c.answer.get("options", {})), {}
        )
        facts.snapshot = await take_snapshot(tab, options, filled)
        early = {
            name: await STATE_PROBES[name](tab, wanted[name].answer.get("options", {}), facts)
            for name in wanted
            if name not in LATE_STATE_PROBES
        }
        state = _State(flow, number, step, facts, early, secrets, site.profile)
        try:
            event, _ = await self._audit_loaded(tab, site, final, False, None, None, state)
        finally:
            facts.snapshot = {}  # it held the fields' values: gone with the state's audit
            own = getattr(tab, "profile_viewport", None)
            if own and getattr(tab, "resized", False):
                await tab.set_viewport(*own)
        return event

    def _state_failed(
        self, site: Site, flow: Flow, number: int, step: Step, reason: str, detail: str = "", /, **values: Any
    ) -> PageFailed:
        """A state not audited (its flow failed before it, or its audit did): an error naming flow and state."""
        values = {**values, "site": site.label, "flow": flow.name, "flow_state": step.audit, "flow_step": number}
        values.setdefault("detail", detail)
        state = _State(flow, number, step, StateFacts(flow.url, False), {}, (), site.profile)
        subject = state_subject(site, state, flow.url, error=reason)
        return PageFailed(site, subject, reason, values, detail)

    async def _page(self, site: Site, url: str, *, state: _SiteState, frontier: Frontier):
        """Audit one URL within the page timeout; any failure becomes a PageFailed, never a clean page."""
        is_home = url in state.homes
        try:
            tab = await self._new_tab(site)
        except SessionLost:
            raise  # another session takes the page
        except BrowserGone as exc:  # not even a relaunched browser gave a tab: the page is a browser error
            return self._failed(site, url, "browser", str(exc)), []
        reuse = False  # only a tab whose page was audited normally serves the next URL
        try:
            outcome = await asyncio.wait_for(self._audit(tab, site, url, is_home, frontier), self.options.timeout * 2)
            reuse = True
            return outcome
        except TimeoutError:
            return self._failed(site, url, "timeout", seconds=self.options.timeout), []
        except NavigationError as exc:
            if exc.kind == "not-html":
                frontier.record.documents.append(url)
                state.start_problems.setdefault(url, ("document", {"url": url, "content_type": exc.detail}))
                return None, []
            values = {"seconds": self.options.timeout, **_values(exc)}
            if exc.kind == "meta-refresh" and "target" not in values:
                values.update(target=exc.detail, links=[exc.detail])
            if url in state.starts and exc.kind in ("meta-refresh", "navigated-away"):
                await self._start_redirect(url, values.get("target"), state, frontier)
                return None, []
            if exc.kind == "http" and url not in state.starts and url not in frontier.key_pages:
                # a link to a missing page is a finding of the site (it is listed), not a page the tool failed on
                values["referrer"] = state.referrers.get(url, "")
                return self._failed(site, url, "broken-link", **values), []
            state.start_problems.setdefault(url, (exc.kind, values))
            return self._failed(site, url, exc.kind, exc.detail, **values), values.get("links", [])
        except (SessionLost, _SessionExpired):
            raise  # not the page's fault: it goes to another session, or is audited again after a new login
        except BrowserGone as exc:
            await self._restart()
            return self._failed(site, url, "browser", str(exc)), []
        except Exception as exc:  # noqa: BLE001 - an unexpected driver error on one page must not end the crawl
            if not self.browser.alive():
                await self._restart()
            return self._failed(site, url, "navigation", f"{type(exc).__name__}: {exc}"[:300]), []
        finally:
            try:
                await asyncio.wait_for(tab.close(reuse=reuse), 10)
            except Exception:  # noqa: BLE001, S110 - closing is best effort: the launcher reclaims the tab
                pass

    async def _start_redirect(self, url: str, target: str | None, state: _SiteState, frontier: Frontier) -> None:
        """A start page that sends the browser on by meta refresh is a redirect: its target becomes a start URL
        when it is in scope; off-site, the start page is recorded as leading elsewhere (nothing to audit there)."""
        target = normalise(target or "") or await asyncio.to_thread(_refresh_target, url, frontier.options)
        if target is None:
            state.start_problems[url] = ("navigated-away", {"url": url})
            return
        if not in_scope(target, frontier.start, frontier.options.scope):
            frontier.record.skip(target, "scope")
            state.start_problems[url] = ("refresh-elsewhere", {"url": url, "target": target})
            return
        frontier.record.skip(url, "redirect")
        state.starts.add(target)
        if url in state.homes:
            state.homes.add(target)
        frontier.add_start(target)

    def _failed(self, site: Site, url: str, reason: str, detail: str = "", **values: Any) -> PageFailed:
        values = {k: v for k, v in values.items() if k != "links"}
        values.setdefault("detail", detail)
        return PageFailed(site, page_subject(site, url, error=reason), reason, values, detail)

    async def _new_tab(self, site: Site):
        """A tab for the site's next page; a browser that gives none (it died, or hung) is relaunched once."""
        try:
            return await self.browser.new_tab(PROFILES[site.profile], **self._session(site))
        except SessionLost:
            raise
        except BrowserGone:
            await self._restart()
        return await self.browser.new_tab(PROFILES[site.profile], **self._session(site))

    async def _restart(self) -> None:
        """Relaunch a dead or hung browser (once, whichever worker asks first); a relaunch that fails leaves it
        dead, so the next page's tab fails as a browser error and asks again, rather than ending the crawl."""
        async with self._relaunch:
            if not self.browser.alive():
                try:
                    await self.browser.restart()
                except BrowserGone as exc:
                    log.warning("could not relaunch the browser: %s", exc)

    async def _audit(self, tab, site: Site, url: str, is_home: bool, frontier: Frontier):
        if self.reuse is not None and (kept := await self.reuse.before_load(tab, site, url, self.gate)):
            return _kept(site, *kept)
        async with self.gate.visit(url):  # per host, across every session: loads never come faster than the delay
            nav = await tab.goto(url, self.options.timeout)
        final = normalise(nav.url) or url
        if self.reuse is not None:
            self.reuse.served(site, final, nav)
        login = site.settings.auth.login if site.settings.auth else None
        if on_login_page(final, login) and not on_login_page(url, login):
            raise _SessionExpired(final)  # the login page is never audited in place of the page asked for
        if nav.status is not None and nav.status >= 400:
            raise _Failure("http", status=nav.status)
        if "html" not in nav.content_type.lower() and nav.content_type:
            raise NavigationError("not-html", nav.content_type)
        if final != url and not frontier.redirected(url, final):
            frontier.record.skip(url, "duplicate")
            return None, []
        return await self._audit_loaded(tab, site, final, is_home, frontier, nav.status)

    async def _audit_loaded(
        self, tab, site: Site, final: str, is_home: bool, frontier: Frontier | None, status, state: _State | None = None
    ):
        """Audit the page the tab shows: a crawled page, or (with `state`) a flow's state, whose own probes run
        too (they read the snapshot taken when its step ended) and whose links are not followed."""
        settings = site.settings.for_url(final)
        await self._wait(tab, settings)
        await self._still_on(tab, final)
        refresh = await tab.evaluate(_META_REFRESH)
        if refresh and refresh["url"] and refresh["delay"] <= META_REFRESH_MAX_DELAY:
            raise _Failure("meta-refresh", target=refresh["url"], links=[refresh["url"]])
        # the DOM as rendered after the waits, the same as last round's: its findings are kept
        if self.reuse is not None and state is None and (kept := await self.reuse.after_load(tab, site, final)):
            return _kept(site, *kept)
        info = await tab.evaluate(_PAGE_INFO)
        regions = await tab.evaluate(_REGIONS, [list(settings.include), list(settings.exclude)])
        if regions["invalid"]:
            raise _Failure("bad-selector", selector=", ".join(regions["invalid"]))
        if settings.include and not regions["included"]:
            raise _Failure("include-missing", selector=", ".join(settings.include))
        axe_lang = self.options.lang or info["lang"] or None
        axe = await run_axe(
            tab,
            rule_ids=self.rule_ids,
            lang=axe_lang,
            compact=True,
            include=regions["included"],
            exclude=settings.exclude,
        )
        out_of_scope = []
        for region in regions["excluded"]:  # a second, narrow run: what the excluded region would fail
            inside = await run_axe(tab, rule_ids=self.rule_ids, lang=axe_lang, compact=True, include=[region])
            out_of_scope += out_of_scope_items(self.checks, inside, region, final)
        subject_key = page_key(final, site.profile) if state is None else state.key
        facts = PageFacts(final, is_home) if state is None else state.facts
        probes: dict[str, ProbeResult] = dict(state.early) if state is not None else {}
        wanted = {c.answer["builtin"]: c for c in self.checks if "builtin" in c.answer}
        for name, probe in PROBES.items():
            if name in wanted and name not in LATE_PROBES:
                probes[name] = await probe(tab, wanted[name].answer.get("options", {}), facts)
        probes, moved = await self._probe_scope(tab, probes, wanted, regions, final)
        out_of_scope += moved
        if facts.toolbars:  # findings the toolbar caused carry origin: third-party-toolbar
            await attribute(tab, axe, self._toolbar_options() or {})
        early = [c for c in self.checks if c.answer.get("builtin") not in LATE_PROBES | LATE_STATE_PROBES]
        findings = page_findings(early, axe, probes, subject_key, final)
        await self._still_on(tab, final)  # results of a page that left mid-audit would describe another page
        findings = await self._screenshots(tab, findings, final)
        late = {
            name: await PROBES[name](tab, wanted[name].answer.get("options", {}), facts)
            for name in PROBES
            if name in wanted and name in LATE_PROBES
        }  # they may change or leave the page
        if state is not None:  # e.g. the dialog probe, which closes the dialog
            for name in sorted(LATE_STATE_PROBES & set(wanted)):
                late[name] = await STATE_PROBES[name](tab, wanted[name].answer.get("options", {}), facts)
        if late:
            findings = sorted(
                findings + page_findings([wanted[n] for n in late], {}, late, subject_key, final),
                key=lambda f: f.check_id,
            )
        if state is not None:  # a state's links are the crawl's business, not the flow's
            findings = [_scrubbed(f, state.secrets) for f in findings]
            subject = state_subject(
                site,
                state,
                final,
                title=info["title"],
                lang=info["lang"],
                status=status,
                axe_language=axe.get("axeLanguage"),
                **_scope_attributes(settings, regions, out_of_scope),
            )
            return PageAudited(site, subject, findings), []
        links = list(dict.fromkeys(self._followable(site, info["links"], frontier) + info["frames"]))[:LINKS_CAP]
        subject = page_subject(
            site,
            final,
            title=info["title"],
            lang=info["lang"],
            home=is_home,
            status=status,
            links=links,
            axe_language=axe.get("axeLanguage"),
            **_scope_attributes(settings, regions, out_of_scope),
        )
        return PageAudited(site, subject, findings), links

    async def _probe_scope(self, tab, results: dict[str, ProbeResult], wanted, regions, url: str):
        """The probes' results less what lies out of scope, and that as out-of-scope items (as axe's are). The late
        probes (which may leave the page) are not narrowed: their elements could no longer be placed."""
        include, exclude = regions["included"], regions["excluded"]
        selectors = sorted(
            {e["selector"] for r in results.values() for e in r.evidence if isinstance(e.get("selector"), str)}
        )
        if not (include or exclude) or not selectors:
            return results, []
        outside = await tab.evaluate(_OUTSIDE, [selectors, include, exclude])
        narrowed, items = {}, []
        for name, result in results.items():
            narrowed[name], item = split_probe(wanted[name], result, outside, url) if name in wanted else (result, None)
            if item is not None:
                items.append(item)
        return narrowed, items

    def _followable(self, site: Site, anchors: list, frontier: Frontier) -> list[str]:
        """The links' URLs, less, on a site audited logged in, those that end the session (logout, 退出, 注销...):
        never requested. Only there: a public page's "浏览器退出" is a page like any other."""
        if site.settings.auth is None:
            return [href for href, _ in anchors]
        kept = []
        for href, text in anchors:
            if is_logout(href, text, site.settings.logout_links):
                frontier.record.skip(normalise(href) or href, "logout")
            else:
                kept.append(href)
        return kept

    async def _wait(self, tab, settings: PageSettings) -> None:
        """The page's wait conditions, within the page timeout: a page that never shows what it waits for fails."""
        wait, seconds = settings.wait, self.options.timeout
        if wait.selector and not await tab.evaluate(_WAIT_VISIBLE, [wait.selector, seconds * 1000]):
            raise _Failure("wait-timeout", selector=wait.selector, seconds=seconds)
        if wait.network_idle and not await tab.wait_network_idle(seconds):
            raise _Failure("wait-timeout", selector="network idle", seconds=seconds)
        if wait.delay:
            await asyncio.sleep(wait.delay)

    async def _still_on(self, tab, url: str) -> None:
        """Raise if the page went elsewhere by itself (meta refresh, script redirect) since it loaded."""
        href = await tab.evaluate("() => location.href") or ""
        if not href.startswith(("http:", "https:")):
            # left for a browser error page (an unreachable or blocked target): never audit Chromium's own page
            raise _Failure("navigated-away", detail=href[:200])
        here = normalise(href) or url
        if here != url:
            raise _Failure("meta-refresh", target=here, links=[here])

    async def _screenshots(self, tab, findings: list[Finding], url: str) -> list[Finding]:
        """Optional element screenshots for critical/serious failures, named stably by URL and check."""
        if not self.options.screenshots_dir:
            return findings
        folder = Path(self.options.screenshots_dir)
        folder.mkdir(parents=True, exist_ok=True)
        budget, out = self.options.screenshots_per_page, []
        for finding in findings:
            if (
                budget > 0
                and finding.severity in (Severity.CRITICAL, Severity.SERIOUS)
                and finding.evidence
                and isinstance(finding.evidence[0].get("selector"), str)
            ):
                name = hashlib.sha1(f"{url}|{finding.check_id}".encode()).hexdigest()[:16] + ".png"
                if await tab.screenshot(finding.evidence[0]["selector"], str(folder / name)):
                    budget -= 1
                    first = {**finding.evidence[0], "screenshot": name}
                    finding = Finding(**{**finding.__dict__, "evidence": (first, *finding.evidence[1:])})
            out.append(finding)
        return out


def _kept(site: Site, subject: Subject, findings: list[Finding]) -> tuple[PageAudited, list[str]]:
    """A page reused from the last round (audit.web.reuse): its findings, and its links for the crawl."""
    return PageAudited(site, subject, findings), list(subject.attributes.get("links") or [])


def _scope_attributes(settings: PageSettings, regions: Mapping[str, Any], out_of_scope: list[dict]) -> dict:
    """What a page subject records of its scope: the regions audited and excluded, and what lay out of scope."""
    if not (settings.include or settings.exclude or settings.wait):
        return {}
    wait = settings.wait
    return {
        "scope": {
            "include": list(settings.include),
            "exclude": list(settings.exclude),
            "excluded_present": list(regions["excluded"]),
            "wait": {"selector": wait.selector, "network_idle": wait.network_idle, "delay": wait.delay}
            if wait
            else None,
        },
        "out_of_scope": out_of_scope,
    }


class _SessionExpired(Exception):
    """The page landed on the site's login page: its session has gone."""

    def __init__(self, target: str):
        super().__init__(target)
        self.target = target


class _Failure(NavigationError):
    def __init__(self, kind: str, **values: Any):
        super().__init__(kind, "")
        self.values = values


def _values(exc: NavigationError) -> dict[str, Any]:
    return dict(getattr(exc, "values", {}))


def _refresh_target(url: str, options: CrawlOptions) -> str | None:
    """The meta-refresh target written in a page's HTML, for a page the browser left before it was read."""
    status, text = fetch_text(url, options)
    found = _META_REFRESH_HTML.search(text[:200_000]) if status == 200 else None
    if not found or int(found.group(1)) > META_REFRESH_MAX_DELAY:
        return None
    return normalise(found.group(2).strip(), url)


def _nothing_audited(site: Site, state: _SiteState, record: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """Why a site has not one audited page, as a web.error.* key: the start URL's own fate when known."""
    values: dict[str, Any] = {"site": site.label, "url": site.start_urls[0]}
    for url in site.start_urls:
        if url in state.start_problems:
            cause, detail = state.start_problems[url]
            values.update({k: v for k, v in detail.items() if isinstance(v, (str, int, float))}, url=url)
            key = {"document": "nothing-audited-document", "refresh-elsewhere": "nothing-audited-elsewhere"}
            return key.get(cause, "nothing-audited-start"), {"cause": cause, **values}
    return "nothing-audited", {"skipped": dict(record.get("skip_counts", {})), **values}
