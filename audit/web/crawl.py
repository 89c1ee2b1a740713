"""The crawl: robots.txt, sitemaps, scope and patterns, depth and budget, and WCAG-EM sampling by template."""

from __future__ import annotations

import asyncio
import re
import urllib.error
import urllib.request
import urllib.robotparser
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from defusedxml import ElementTree

from audit.web.urls import in_scope, is_document, normalise, template_of

USER_AGENT = "a11y-audit/0.1 (+https://github.com/; accessibility audit)"
SKIP_LIST_CAP = 5000  # reasons are always counted; the URL list itself is capped to keep rounds small
SITEMAP_URL_CAP = 10000
SITEMAP_FILE_CAP = 20


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


def fetch_text(url: str, options: CrawlOptions) -> tuple[int, str]:
    """GET a small text resource (robots.txt, a sitemap); (status, text), status 0 on network errors."""
    try:
        request = urllib.request.Request(url, headers={"User-Agent": options.user_agent})
        with urllib.request.urlopen(request, timeout=options.fetch_timeout) as response:
            return response.status, response.read(5_000_000).decode("utf-8", errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except (urllib.error.URLError, OSError, ValueError):
        return 0, ""


def read_robots(site_origin: str, options: CrawlOptions) -> tuple[urllib.robotparser.RobotFileParser, str]:
    """The site's robots.txt through the stdlib parser; a missing file allows everything (as browsers do)."""
    parser = urllib.robotparser.RobotFileParser(site_origin + "/robots.txt")
    status, text = fetch_text(site_origin + "/robots.txt", options)
    if status == 200:
        parser.parse(text.splitlines())
        return parser, "obeyed"
    parser.parse([])
    return parser, "absent" if status else "unreachable"


def sitemap_urls(roots: Iterable[str], options: CrawlOptions) -> list[str]:
    """Page URLs from sitemaps, following sitemap indexes, within the file and URL caps."""
    pending, seen_files, pages = deque(dict.fromkeys(roots)), set(), []
    while pending and len(seen_files) < SITEMAP_FILE_CAP and len(pages) < SITEMAP_URL_CAP:
        url = pending.popleft()
        if url in seen_files:
            continue
        seen_files.add(url)
        status, text = fetch_text(url, options)
        if status != 200 or not text.strip():
            continue
        try:
            root = ElementTree.fromstring(text.encode("utf-8"))
        except Exception:  # a broken sitemap is the site's problem, not a reason to stop the crawl
            continue
        locs = [el.text.strip() for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "loc" and el.text]
        if root.tag.rsplit("}", 1)[-1] == "sitemapindex":
            pending.extend(locs)
        else:
            pages.extend(locs[: SITEMAP_URL_CAP - len(pages)])
    return pages


class Frontier:
    """Breadth-first queue of one site with WCAG-EM sampling: key pages first, then at most K per template."""

    def __init__(self, start: str, options: CrawlOptions, robots: urllib.robotparser.RobotFileParser | None = None):
        self.start = normalise(start) or start
        self.options = options
        self.robots = robots
        self.record = CrawlRecord()
        self.queue: deque[tuple[str, int]] = deque()
        self.seen: set[str] = set()
        self.key_pages = {self.start, *(normalise(k, self.start) or k for k in options.key_pages)}
        self._include = [re.compile(p) for p in options.include]
        self._exclude = [re.compile(p) for p in options.exclude]
        self.in_flight = 0
        self._changed = asyncio.Event()

    def add(self, raw: str, depth: int, base: str | None = None) -> None:
        """Consider one discovered link; it is queued, listed as a document, or skipped with a reason."""
        url = normalise(raw, base)
        if url is None or url in self.seen:
            return
        self.seen.add(url)
        self.record.discovered += 1
        reason = self._refusal(url, depth)
        if reason == "document":
            self.record.documents.append(url)
        elif reason:
            self.record.skip(url, reason)
        elif url in self.key_pages:
            self.queue.appendleft((url, depth))
        else:
            self.queue.append((url, depth))
        self._changed.set()

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
            url, depth = self.queue.popleft()
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
            self.record.skip(self.queue.popleft()[0], "budget")
