"""The crawl: robots.txt, sitemaps, scope and patterns, depth and budget, and WCAG-EM sampling by template."""

from __future__ import annotations

import asyncio
import codecs
import logging
import re
import urllib.error
import urllib.request
import zlib
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import charset_normalizer
from protego import Protego
from usp.objects.sitemap import AbstractIndexSitemap, InvalidSitemap
from usp.tree import sitemap_from_str

from audit.web.urls import in_scope, is_document, normalise, template_of

USER_AGENT = "a11y-audit/0.1 (+https://github.com/; accessibility audit)"
SKIP_LIST_CAP = 5000  # reasons are always counted; the URL list itself is capped to keep rounds small
SITEMAP_URL_CAP = 10000
SITEMAP_FILE_CAP = 20
SITEMAP_BYTES_CAP = 50 * 1024 * 1024  # sitemaps.org: at most 50 MB uncompressed per file
ROBOTS_BYTES_CAP = 500 * 1024  # RFC 9309: crawlers may stop parsing robots.txt after 500 KiB
FETCH_BYTES_CAP = 5_000_000
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CrawlOptions:
    """Defaults follow scrapy's polite project template: obey robots.txt, few requests per host, a delay."""

    max_pages: int = 50
    max_depth: int = 3
    per_template: int = 3
    scope: str = "host"
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    obey_robots: bool = True
    use_sitemaps: bool = True
    key_pages: tuple[str, ...] = ()
    per_host_concurrency: int = 2
    delay: float = 0.5
    user_agent: str = USER_AGENT
    fetch_timeout: float = 10.0


@dataclass
class CrawlRecord:
    """What happened to every URL the crawl met: discovered, sampled, skipped (with reason), documents."""

    discovered: int = 0
    sampled: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    skip_counts: Counter = field(default_factory=Counter)
    documents: list[str] = field(default_factory=list)
    templates: Counter = field(default_factory=Counter)
    sitemap_urls: int = 0
    robots: str = "not-checked"

    def skip(self, url: str, reason: str) -> None:
        if url in self.skipped:
            return
        self.skip_counts[reason] += 1
        if len(self.skipped) < SKIP_LIST_CAP:
            self.skipped[url] = reason

    def unskip(self, url: str, reason: str) -> None:
        """Take back a skip: the URL is queued after all."""
        self.skip_counts[reason] -= 1
        if not self.skip_counts[reason]:
            del self.skip_counts[reason]
        self.skipped.pop(url, None)

    def as_dict(self) -> dict:
        return {
            "discovered": self.discovered,
            "sampled": list(self.sampled),
            "skipped": [{"url": u, "reason": r} for u, r in self.skipped.items()],
            "skip_counts": dict(self.skip_counts),
            "documents": list(self.documents),
            "templates": dict(self.templates),
            "sitemap_urls": self.sitemap_urls,
            "robots": self.robots,
        }


@dataclass(frozen=True)
class Fetched:
    """A fetched body (decompressed), or the reason it was refused."""

    status: int
    body: bytes
    content_type: str
    problem: str = ""

    def _refused(self, problem: str) -> Fetched:
        return Fetched(self.status, b"", self.content_type, problem)

    def _gunzipped(self, limit: int) -> Fetched:
        try:
            return Fetched(self.status, gunzip(self.body, limit), self.content_type)
        except ValueError as exc:
            return self._refused(str(exc))


def fetch_bytes(url: str, options: CrawlOptions, limit: int = FETCH_BYTES_CAP) -> Fetched:
    """GET a small resource (robots.txt, a sitemap) within `limit` bytes, undoing Content-Encoding: gzip.

    Status 0 on network errors; `problem` says why a body was refused (too large, broken gzip)."""
    try:
        request = urllib.request.Request(url, headers={"User-Agent": options.user_agent, "Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=options.fetch_timeout) as response:
            body = response.read(limit + 1)
            fetched = Fetched(response.status, body, response.headers.get("Content-Type", ""))
            if len(body) > limit:
                return fetched._refused(f"larger than {limit} bytes")
            if "gzip" in response.headers.get("Content-Encoding", "").lower():
                return fetched._gunzipped(limit)
            return fetched
    except urllib.error.HTTPError as exc:
        return Fetched(exc.code, b"", "")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return Fetched(0, b"", "", f"{type(exc).__name__}: {exc}"[:200])


def gunzip(data: bytes, limit: int) -> bytes:
    """Decompress gzip data, refusing (ValueError) anything that inflates past `limit` bytes: a gzip bomb
    (a 1 GB sitemap compresses to 1 MB) must cost at most `limit` bytes of memory, never the whole."""
    inflater = zlib.decompressobj(wbits=31)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise ValueError(f"broken gzip data: {exc}") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise ValueError(f"inflates to more than {limit} bytes (gzip bomb?)")
    return out


def fetch_text(url: str, options: CrawlOptions) -> tuple[int, str]:
    """GET a small text resource; (status, text), status 0 on network errors."""
    fetched = fetch_bytes(url, options)
    return fetched.status, decode_text(fetched.body, fetched.content_type)


_XML_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_HTTP_DECLARED = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._-]+)", re.IGNORECASE)
# Portals labelled GB2312 or GBK routinely carry characters only GB18030 (their superset) defines.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}


def decode_text(body: bytes, content_type: str = "") -> str:
    """Text of a body: the charset its HTTP header or XML declaration names, else UTF-8, else detected
    (charset-normalizer), so GBK / GB2312 sitemaps of Chinese portals read as they were written."""
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", errors="replace")
    declared = _HTTP_DECLARED.search(content_type)
    xml = _XML_DECLARED.match(body[:200])
    for name in (declared and declared.group(1), xml and xml.group(1).decode("ascii")):
        if name:
            encoding = _SUPERSETS.get(name.lower(), name)
            try:
                return body.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                continue
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        best = charset_normalizer.from_bytes(body[:200_000]).best()
        encoding = _SUPERSETS.get(best.encoding.lower(), best.encoding) if best else "utf-8"
        return body.decode(encoding, errors="replace")


class Robots:
    """A site's robots.txt through Protego: wildcards (`*`, `$`), longest match wins, Allow, Sitemap lines."""

    def __init__(self, text: str = ""):
        self._parser = Protego.parse(text)

    def can_fetch(self, user_agent: str, url: str) -> bool:  # the stdlib's argument order, as callers use it
        return self._parser.can_fetch(url, user_agent)

    def site_maps(self) -> list[str]:
        return list(self._parser.sitemaps)

    def crawl_delay(self, user_agent: str) -> float | None:
        return self._parser.crawl_delay(user_agent)


def read_robots(site_origin: str, options: CrawlOptions) -> tuple[Robots, str]:
    """The site's robots.txt; a missing file allows everything (as browsers do)."""
    fetched = fetch_bytes(site_origin + "/robots.txt", options, ROBOTS_BYTES_CAP)
    if fetched.status == 200 and not fetched.problem:
        return Robots(decode_text(fetched.body, fetched.content_type)), "obeyed"
    return Robots(), "absent" if fetched.status else "unreachable"


class SitemapPages(list):
    """Page URLs found in sitemaps; `problems` lists each sitemap file that was refused or unreadable, and why."""

    def __init__(self):
        super().__init__()
        self.problems: list[dict[str, str]] = []

    def refuse(self, url: str, problem: str) -> None:
        log.warning("sitemap %s not read: %s", url, problem)
        self.problems.append({"url": url, "problem": problem})


def sitemap_urls(roots: Iterable[str], options: CrawlOptions) -> SitemapPages:
    """Page URLs from sitemaps (XML, text; gzip; any declared or detected charset), following sitemap
    indexes, within the file, size and URL caps."""
    pending, seen_files, pages = deque(dict.fromkeys(roots)), set(), SitemapPages()
    while pending and len(seen_files) < SITEMAP_FILE_CAP and len(pages) < SITEMAP_URL_CAP:
        url = pending.popleft()
        if url in seen_files:
            continue
        seen_files.add(url)
        sitemap, problem = read_sitemap(url, options)
        if problem:
            if problem != "absent":
                pages.refuse(url, problem)
            continue
        if isinstance(sitemap, AbstractIndexSitemap):
            pending.extend(child.url for child in sitemap.sub_sitemaps)
        else:
            for page in sitemap.all_pages():
                if len(pages) >= SITEMAP_URL_CAP:
                    break
                pages.append(page.url)
    return pages


def read_sitemap(url: str, options: CrawlOptions) -> tuple[Any, str]:
    """One sitemap file, parsed by ultimate-sitemap-parser from text we fetched ourselves (its own HTTP
    client would bypass our user agent, timeouts and size caps); (sitemap, problem)."""
    fetched = fetch_bytes(url, options, SITEMAP_BYTES_CAP)
    if fetched.problem:
        return None, fetched.problem
    if fetched.status in (404, 410):  # the guessed /sitemap.xml of a site without one
        return None, "absent"
    if fetched.status != 200:
        return None, f"HTTP {fetched.status}" if fetched.status else "unreachable"
    if not fetched.body.strip():
        return None, "empty"
    body = fetched.body
    if body[:2] == b"\x1f\x8b":  # a .xml.gz file (whatever its Content-Type says), possibly gzipped twice
        try:
            body = gunzip(body, SITEMAP_BYTES_CAP)
        except ValueError as exc:
            return None, str(exc)
    sitemap = sitemap_from_str(decode_text(body, fetched.content_type))
    if isinstance(sitemap, InvalidSitemap):
        return None, f"not a sitemap: {sitemap.reason}"[:200]
    return sitemap, ""


class Frontier:
    """Breadth-first queue of one site with WCAG-EM sampling: key pages first, then at most K per template."""

    def __init__(self, start: str, options: CrawlOptions, robots: Robots | None = None):
        self.start = normalise(start) or start
        self.options = options
        self.robots = robots
        self.record = CrawlRecord()
        self.queue: deque[str] = deque()
        self.seen: set[str] = set()
        self.depth_of: dict[str, int] = {}  # each queued URL's depth: the shortest path found so far
        self.too_deep: set[str] = set()  # skipped for depth, until a shorter path reaches them
        self.key_pages = {self.start, *(normalise(k, self.start) or k for k in options.key_pages)}
        self._include = [re.compile(p) for p in options.include]
        self._exclude = [re.compile(p) for p in options.exclude]
        self.in_flight = 0
        self._changed = asyncio.Event()
        # Key pages are queued now, linked or not; each goes to the front, so the start page ends up first.
        for key_page in reversed([self.start, *(normalise(k, self.start) or k for k in options.key_pages)]):
            self.add(key_page, 0)

    def add(self, raw: str, depth: int, base: str | None = None) -> None:
        """Consider one discovered link; it is queued, listed as a document, or skipped with a reason."""
        url = normalise(raw, base)
        if url is None:
            return
        if url in self.seen:
            self._reached_again(url, depth)
            return
        self.seen.add(url)
        self.record.discovered += 1
        reason = self._refusal(url, depth)
        if reason == "document":
            self.record.documents.append(url)
        elif reason:
            self.record.skip(url, reason)
            if reason == "depth":
                self.too_deep.add(url)
        elif url in self.key_pages:
            self._queue(url, depth, front=True)
        else:
            self._queue(url, depth)
        self._changed.set()

    def _queue(self, url: str, depth: int, front: bool = False) -> None:
        self.depth_of[url] = depth
        (self.queue.appendleft if front else self.queue.append)(url)

    def _reached_again(self, url: str, depth: int) -> None:
        """A URL met again, perhaps by a shorter path: tabs finish pages in any order, so the path found first is
        not always the shortest, and a URL's depth (whether it is audited, how deep its own links count) must not
        depend on which page finished first."""
        if url in self.too_deep and depth <= self.options.max_depth:
            self.too_deep.discard(url)
            self.record.unskip(url, "depth")
            reason = self._refusal(url, depth)  # robots, the one check after depth
            if reason:
                self.record.skip(url, reason)
            else:
                self._queue(url, depth)
                self._changed.set()
        elif depth < self.depth_of.get(url, depth):
            self.depth_of[url] = depth

    def add_start(self, raw: str) -> None:
        """Another start URL of this site (several on one origin, or a start page's meta-refresh target): a key
        page at depth 0. The caller checks its scope; a start URL is audited even if a link already queued it."""
        url = normalise(raw, self.start) or raw
        self.key_pages.add(url)
        if url in self.seen:
            if url in self.depth_of:  # queued: to the front, at depth 0
                self.queue.remove(url)
                self._queue(url, 0, front=True)
            else:
                self._reached_again(url, 0)  # skipped for depth before it became a start URL
            return
        self.add(url, 0)

    def _refusal(self, url: str, depth: int) -> str | None:
        if url in self.key_pages:
            return None if self._robots_allow(url) else "robots"
        if not in_scope(url, self.start, self.options.scope):
            return "scope"
        if is_document(url):
            return "document"
        if self._include and not any(p.search(url) for p in self._include):
            return "excluded"
        if any(p.search(url) for p in self._exclude):
            return "excluded"
        if depth > self.options.max_depth:
            return "depth"
        if not self._robots_allow(url):
            return "robots"
        return None

    def _robots_allow(self, url: str) -> bool:
        return self.robots is None or self.robots.can_fetch(self.options.user_agent, url)

    def take(self) -> tuple[str, int] | None:
        """The next URL to audit now, or None if none is ready; applies the template quota and budget."""
        while self.queue:
            url = self.queue.popleft()
            depth = self.depth_of.pop(url)
            if len(self.record.sampled) >= self.options.max_pages:
                self.record.skip(url, "budget")
                continue
            template = template_of(url)
            if url not in self.key_pages and self.record.templates[template] >= self.options.per_template:
                self.record.skip(url, "template")
                continue
            self.record.templates[template] += 1
            self.record.sampled.append(url)
            self.in_flight += 1
            return url, depth
        return None

    async def next(self) -> tuple[str, int] | None:
        """Wait for a URL while other workers may still discover some; None when the crawl is over."""
        while True:
            item = self.take()
            if item is not None or self.in_flight == 0:
                return item
            self._changed.clear()
            await self._changed.wait()

    def finished(self, links: Iterable[str], depth: int, base: str) -> None:
        """A page is done: queue its links one level deeper and wake waiting workers."""
        for link in links:
            self.add(link, depth + 1, base)
        self.in_flight -= 1
        self._changed.set()

    def redirected(self, url: str, final: str) -> bool:
        """A sampled URL landed on `final`; False if that page was already seen (a duplicate)."""
        if final == url:
            return True
        if final in self.seen:
            return False
        self.seen.add(final)
        return True

    def leftovers(self) -> None:
        """URLs still queued when the crawl stopped count as skipped by budget."""
        while self.queue:
            self.record.skip(self.queue.popleft(), "budget")
        self.depth_of.clear()
