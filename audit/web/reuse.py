"""Incremental re-audits: a page unchanged since the last round keeps that round's findings instead of being audited.

Unchanged means: the same digest of what the audit depends on (axe-core's files, the web checklists' files, the
evaluators' code, the checks audited, the page's options), AND either the server answers a conditional request
(If-None-Match / If-Modified-Since, the page's session cookies, politeness gate) with 304 Not Modified, before the
browser opens the page, or, where the server gave no validators, the rendered DOM (after the page's waits) hashes
the same (the page was loaded, axe and the probes are skipped). Anything else is audited afresh."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from audit.model.checks import Check
from audit.model.findings import Finding
from audit.model.subjects import Subject
from audit.web.auditor import page_key
from audit.web.axe import VENDOR
from audit.web.crawl import CrawlOptions
from audit.web.drivers import Navigation
from audit.web.politeness import HostGate

REUSED_304, REUSED_DOM = "304", "dom"  # why a page was reused, as stored (page_reuse.reused) and reported
WEAK_SECONDS = 2  # a Last-Modified this close to the load is not trusted (one-second resolution)
_WEB = Path(__file__).resolve().parent
# The code that turns a loaded page into findings: a new release of it is a new audit, as a new axe-core is.
EVALUATORS = ("axe.py", "builtins.py", "findings.py", "attribution.py", "states.py")
# The markup as rendered after the page's waits; frames' own documents are not in it (their src is).
_DOM = "() => document.documentElement ? document.documentElement.outerHTML : ''"


def axe_digest() -> str:
    """sha256 of the axe-core the pages are given (its script, its Chinese locale, its version)."""
    h = hashlib.sha256()
    for name in ("VERSION", "axe.min.js", "locales/zh_CN.json"):
        h.update(name.encode() + b"\0" + (VENDOR / name).read_bytes() + b"\0")
    return h.hexdigest()


def checklists_digest(root: Path, checklists: Iterable[Any]) -> str:
    """sha256 of the web checklists' files as read (a checklist without its file: its parsed checks)."""
    h = hashlib.sha256()
    for checklist in sorted(checklists, key=lambda c: c.id):
        path = root.parent / checklist.path if checklist.path else None
        body = path.read_bytes() if path is not None and path.is_file() else repr(checklist.checks).encode()
        h.update(checklist.id.encode() + b"\0" + body + b"\0")
    return h.hexdigest()


def run_digest(
    root: Path, checklists: Iterable[Any], checks: Iterable[Check], lang: str | None, screenshots: str | None
) -> str:
    """What every page's findings of this run depend on besides the page itself."""
    h = hashlib.sha256()
    for name in EVALUATORS:
        h.update((_WEB / name).read_bytes())
    parts = [axe_digest(), checklists_digest(root, checklists), sorted(c.id for c in checks), lang, screenshots]
    h.update(json.dumps(parts).encode())
    return h.hexdigest()


@dataclass(frozen=True)
class Earlier:
    """What the last round knew of a page: its subject and findings, validators, DOM hash and digest."""

    subject: Subject
    findings: tuple[Finding, ...]
    etag: str | None
    last_modified: str | None
    dom_hash: str | None
    digest: str


def earlier_pages(store, round_id: int) -> dict[str, Earlier]:
    """The pages of a finished round that a later one may reuse: those it audited (not the failed ones)."""
    states = store.page_reuse(round_id)
    if not states:
        return {}
    findings: dict[str, list[Finding]] = {}
    for finding in store.findings(round_id, prefix="page:"):
        if finding.subject_key in states:
            findings.setdefault(finding.subject_key, []).append(finding)
    failed = {e.subject_key for e in store.errors(round_id)}
    pages = {}
    for subject in store.subjects(keys=list(states)):
        state = states[subject.key]
        if subject.key in failed or subject.attributes.get("error") or not state.get("digest"):
            continue
        pages[subject.key] = Earlier(
            subject,
            tuple(findings.get(subject.key, ())),
            state.get("etag"),
            state.get("last_modified"),
            state.get("dom_hash"),
            state["digest"],
        )
    return pages


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a redirect is "changed", never followed
        return None


def conditional_get(
    url: str, etag: str | None, last_modified: str | None, headers: Mapping[str, str], options: CrawlOptions
) -> tuple[int, str | None, str | None]:
    """(status, new ETag, new Last-Modified) of a conditional GET; the body of a 200 is never read. 0: no answer."""
    sent = {"User-Agent": options.user_agent, **headers}
    if etag:
        sent["If-None-Match"] = etag
    if last_modified:
        sent["If-Modified-Since"] = last_modified
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=sent), timeout=options.fetch_timeout) as response:
            return response.status, None, None
    except urllib.error.HTTPError as exc:  # urllib raises for 304 (and for the 3xx not followed)
        return exc.code, exc.headers.get("ETag"), exc.headers.get("Last-Modified")
    except (urllib.error.URLError, OSError, ValueError):
        return 0, None, None


class Reuse:
    """The hook the auditor calls on a page's way: before loading it (validators) and once loaded (DOM hash).
    It keeps, per page key, what the round stores for the next one (`taken`)."""

    def __init__(self, digest: str, earlier: Mapping[str, Earlier], crawl: CrawlOptions):
        self.digest = digest
        self.earlier = dict(earlier)
        self.crawl = crawl
        self._served: dict[str, tuple[str | None, str | None]] = {}
        self._pending: dict[str, dict[str, Any]] = {}

    def page_digest(self, settings: Any, profile: str) -> str:
        """The run's digest with what applies to this page: its regions, waits and browser profile."""
        return hashlib.sha256(f"{self.digest}|{profile}|{settings!r}".encode()).hexdigest()

    async def before_load(self, tab, site, url: str, gate: HostGate) -> tuple[Subject, list[Finding]] | None:
        """The earlier subject and findings when the server says the page is not modified (304), else None."""
        key = page_key(url, site.profile)
        before = self.earlier.get(key)
        digest = self.page_digest(site.settings.for_url(url), site.profile)
        if before is None or before.digest != digest or not (before.etag or before.last_modified):
            return None
        headers = await _session_headers(tab, site, url)
        if headers is None:  # the session's cookies cannot be read from this driver: the DOM hash decides
            return None
        async with gate.visit(url):
            status, etag, modified = await asyncio.to_thread(
                conditional_get, url, before.etag, before.last_modified, headers, self.crawl
            )
        if status != 304:
            return None
        self._pending[key] = {
            "etag": etag or before.etag,
            "last_modified": modified or before.last_modified,
            "dom_hash": before.dom_hash,
            "digest": digest,
            "reused": REUSED_304,
        }
        return _reused(before, REUSED_304)

    def served(self, site, url: str, navigation: Navigation) -> None:
        """The validators the page's own load gave (recorded with it if it is audited)."""
        self._served[page_key(url, site.profile)] = (navigation.etag, _strong(navigation.last_modified))

    async def after_load(self, tab, site, url: str) -> tuple[Subject, list[Finding]] | None:
        """Once the page has loaded and its waits are over: the earlier subject and findings when its DOM hashes
        the same under the same digest, else None (and the page is audited)."""
        key = page_key(url, site.profile)
        dom = await tab.evaluate(_DOM) or ""
        dom_hash = hashlib.sha256(dom.encode("utf-8", "surrogatepass")).hexdigest()
        etag, modified = self._served.pop(key, (None, None))
        digest = self.page_digest(site.settings.for_url(url), site.profile)
        before = self.earlier.get(key)
        same = before is not None and before.digest == digest and before.dom_hash == dom_hash
        self._pending[key] = {
            "etag": etag,
            "last_modified": modified,
            "dom_hash": dom_hash,
            "digest": digest,
            "reused": REUSED_DOM if same else None,
        }
        return _reused(before, REUSED_DOM) if same else None

    def taken(self, key: str) -> dict[str, Any] | None:
        """What to store for the page just persisted (None: the page did not get as far as its DOM)."""
        self._served.pop(key, None)
        return self._pending.pop(key, None)


def _strong(last_modified: str | None) -> str | None:
    """A Last-Modified worth asking with: not one of the last seconds (RFC 9110 8.8.2.2: a date so close to now is
    weak, the page may change again within that second and keep the date), nor unreadable."""
    try:
        when = parsedate_to_datetime(last_modified) if last_modified else None
    except (TypeError, ValueError):
        return None
    if when is None or when.tzinfo is None or (datetime.now(UTC) - when).total_seconds() < WEAK_SECONDS:
        return None
    return last_modified


def _reused(before: Earlier, reason: str) -> tuple[Subject, list[Finding]]:
    attributes = {**before.subject.attributes, "reused": reason}
    return replace(before.subject, attributes=attributes), list(before.findings)


async def _session_headers(tab, site, url: str) -> dict[str, str] | None:
    """The headers that make a plain request the page's own: the tab's cookies (a login's too), the site's
    configured headers and basic credentials. None when the site has auth and the tab cannot give its cookies."""
    auth = site.settings.auth
    read = getattr(tab, "cookies", None)
    if read is None:
        return None if auth is not None else {}
    headers: dict[str, str] = {}
    jar = await read(url)
    if jar:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in jar.items())
    if auth is not None:
        headers.update(dict(auth.headers))
        if auth.basic:
            user, password = auth.basic
            headers["Authorization"] = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return headers
