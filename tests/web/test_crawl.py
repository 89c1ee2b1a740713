"""The crawl's network side against a loopback site: robots.txt rules, sitemaps (gzip, GBK, bombs), key pages."""

from __future__ import annotations

import gzip
import time
import zlib
from http.server import BaseHTTPRequestHandler

import pytest

from audit.demo.serve import LoopbackServer
from audit.web.crawl import CrawlOptions, Frontier, read_robots, sitemap_urls
from audit.web.urls import in_scope

URLSET = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</urlset>'
OPTIONS = CrawlOptions(delay=0, fetch_timeout=10)

# robots.txt as portals write it: a wildcard, an end anchor, and an Allow more specific than the Disallow
# listed before it (RFC 9309: the longest match wins, whatever the order).
ROBOTS = """User-agent: *
Disallow: /private/
Allow: /private/open/
Disallow: /*.php$
Disallow: /*?print=
"""


def _urlset(base: str, *paths: str) -> str:
    return URLSET.format("".join(f"<url><loc>{base}{p}</loc></url>" for p in paths))


def _bomb(base: str) -> bytes:
    """A valid sitemap naming one page, padded with 1 GiB of blanks: about 1 MB gzipped."""
    packer = zlib.compressobj(9, wbits=31)
    head = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    parts = [packer.compress(f"{head}<url><loc>{base}/bomb-page.html</loc></url>".encode())]
    blanks = b" " * (1 << 20)
    parts += [packer.compress(blanks) for _ in range(1024)]
    parts += [packer.compress(b"</urlset>"), packer.flush()]
    return b"".join(parts)


class SitemapSite(BaseHTTPRequestHandler):
    """Each route answers as some real portal does: gzip files, gzip transfer, GBK, undeclared GB2312."""

    bomb: bytes = b""

    def __init__(self, *args, directory=None, **kwargs):  # LoopbackServer passes a directory: nothing is static
        super().__init__(*args, **kwargs)

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        base = "http://{}:{}".format(*self.server.server_address[:2])
        index = URLSET.replace("urlset", "sitemapindex").format(
            "".join(
                f"<sitemap><loc>{base}/{name}</loc></sitemap>"
                for name in ("bomb.xml.gz", "plain.xml", "files.xml.gz", "transfer.xml", "gbk.xml", "gb2312.xml")
            )
        )
        routes = {
            "/robots.txt": ("text/plain", ROBOTS.encode(), {}),
            "/index.xml": ("application/xml", index.encode(), {}),
            "/plain.xml": ("application/xml", _urlset(base, "/plain.html").encode(), {}),
            # a .xml.gz file served as an opaque gzip file
            "/files.xml.gz": ("application/x-gzip", gzip.compress(_urlset(base, "/zipped.html").encode()), {}),
            # a plain .xml sent with Content-Encoding: gzip
            "/transfer.xml": (
                "application/xml",
                gzip.compress(_urlset(base, "/transfer.html").encode()),
                {"Content-Encoding": "gzip"},
            ),
            # declared in the XML declaration only
            "/gbk.xml": (
                "application/xml",
                ('<?xml version="1.0" encoding="GBK"?>' + _urlset(base, "/新闻/通知公告.html")).encode("gbk"),
                {},
            ),
            # declared nowhere: the charset has to be detected
            "/gb2312.xml": (
                "application/xml",
                _urlset(base, *(f"/政务公开/第{n}号政府信息公开目录.html" for n in "一二三四五六")).encode("gb2312"),
                {},
            ),
            "/bomb.xml.gz": ("application/x-gzip", self.bomb, {}),
        }
        path = self.path.split("?")[0]
        if path not in routes:
            self.send_error(404)
            return
        content_type, body, headers = routes[path]
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The sitemap site's origin (no trailing slash)."""
    server = LoopbackServer(tmp_path_factory.mktemp("empty"), SitemapSite)
    origin = server.base.rstrip("/")
    SitemapSite.bomb = _bomb(origin)
    yield origin
    server.close()


def test_robots_wildcards_end_anchors_and_the_longest_match(site):
    robots, state = read_robots(site, OPTIONS)
    ua = OPTIONS.user_agent
    assert state == "obeyed"
    assert not robots.can_fetch(ua, f"{site}/private/secret.html")
    assert robots.can_fetch(ua, f"{site}/private/open/notice.html")  # Allow is longer than Disallow
    assert not robots.can_fetch(ua, f"{site}/cms/list.php")  # '*' and '$'
    assert robots.can_fetch(ua, f"{site}/cms/list.php?id=3")  # '$' anchors the end
    assert not robots.can_fetch(ua, f"{site}/news/1.html?print=1")
    assert robots.can_fetch(ua, f"{site}/news/1.html")


@pytest.mark.slow
def test_sitemaps_gzip_gbk_and_gb2312_are_read_and_a_gzip_bomb_is_refused(site):
    started = time.monotonic()
    pages = sitemap_urls([f"{site}/index.xml"], OPTIONS)
    assert set(pages) == {
        f"{site}{path}"
        for path in (
            "/plain.html",
            "/zipped.html",
            "/transfer.html",
            "/新闻/通知公告.html",
            *(f"/政务公开/第{n}号政府信息公开目录.html" for n in "一二三四五六"),
        )
    }
    # the bomb was refused after inflating 50 MB, not parsed after inflating 1 GiB, and says so
    assert [p["url"] for p in pages.problems] == [f"{site}/bomb.xml.gz"]
    assert "gzip bomb" in pages.problems[0]["problem"]
    assert time.monotonic() - started < 30


def test_key_pages_are_queued_without_being_linked():
    frontier = Frontier("http://www.hunan.gov.cn/", CrawlOptions(key_pages=("/zwgk/xxgkml.html", "/hdjl")))
    frontier.add("http://www.hunan.gov.cn/", 0)  # what the auditor does first: no second copy
    taken = []
    while (item := frontier.take()) is not None:
        taken.append(item[0])
    assert taken == [
        "http://www.hunan.gov.cn/",
        "http://www.hunan.gov.cn/zwgk/xxgkml.html",
        "http://www.hunan.gov.cn/hdjl",
    ]


def test_domain_scope_follows_the_public_suffix_list():
    start = "http://www.hunan.gov.cn/"
    assert in_scope("http://wza.hunan.gov.cn/a", start, "domain")
    assert not in_scope("http://www.hunan.gov.cn.evil.com/", start, "domain")
    # hn.cn is a public suffix (like gov.cn): two of its subdomains are two sites, not one
    assert not in_scope("http://fake.hn.cn/", "http://www.hn.cn/", "domain")
    assert not in_scope("http://other.github.io/", "http://portal.github.io/", "domain")
    assert in_scope("http://127.0.0.1:8080/x", "http://127.0.0.1:9000/", "domain")


def _drain(frontier: Frontier) -> list[tuple[str, int]]:
    taken = []
    while (item := frontier.take()) is not None:
        taken.append(item)
    return taken


def _crawl(order: list[str]) -> tuple[Frontier, dict[str, int]]:
    """A site of a home page, two sitemap pages and one page linked from all three, with --max-depth 1; the
    pages finish in `order` (as several tabs let them)."""
    frontier = Frontier("http://a.cn/", CrawlOptions(max_depth=1))
    for url in ("http://a.cn/p1.html", "http://a.cn/p2.html"):
        frontier.add(url, 1)  # from the sitemap
    taken = dict(_drain(frontier))  # all three at once, as in three tabs
    for url in order:
        frontier.finished(["/linked.html", "/p1.html"], taken[url], url)
    taken.update(_drain(frontier))
    frontier.leftovers()
    return frontier, taken


def test_a_page_linked_from_home_is_audited_whichever_page_finishes_first():
    home_first, taken_home_first = _crawl(["http://a.cn/", "http://a.cn/p1.html", "http://a.cn/p2.html"])
    home_last, taken_home_last = _crawl(["http://a.cn/p1.html", "http://a.cn/p2.html", "http://a.cn/"])
    assert taken_home_first == taken_home_last
    assert taken_home_last["http://a.cn/linked.html"] == 1  # one link from home, not two from a sitemap page
    assert home_last.record.as_dict() == home_first.record.as_dict()
    assert "depth" not in home_last.record.skip_counts and not home_last.record.skipped


def test_a_queued_page_reached_by_a_shorter_path_takes_the_shorter_depth():
    frontier = Frontier("http://a.cn/", CrawlOptions(max_depth=2))
    assert _drain(frontier) == [("http://a.cn/", 0)]
    frontier.add("http://a.cn/b.html", 2)  # first met two links away...
    frontier.add("http://a.cn/b.html", 1)  # ...then one link away, before it was audited
    assert _drain(frontier) == [("http://a.cn/b.html", 1)]
    frontier.finished(["/c.html"], 1, "http://a.cn/b.html")  # so its own links are two away, not three
    assert _drain(frontier) == [("http://a.cn/c.html", 2)]


def test_a_start_url_skipped_for_depth_is_audited():
    frontier = Frontier("http://a.cn/", CrawlOptions(max_depth=0))
    _drain(frontier)
    frontier.finished(["/other.html"], 0, "http://a.cn/")
    assert frontier.record.skip_counts == {"depth": 1}
    frontier.add_start("http://a.cn/other.html")
    assert _drain(frontier) == [("http://a.cn/other.html", 0)]
    assert not frontier.record.skip_counts and not frontier.record.skipped
