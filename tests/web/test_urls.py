"""URL normalisation, scope, templates and documents: the pure parts of the crawl."""

from audit.web.crawl import CrawlOptions, Frontier
from audit.web.urls import in_scope, is_document, normalise, template_of


def test_normalise_drops_fragments_tracking_default_ports_and_trailing_slashes():
    assert (
        normalise("HTTP://Www.Hunan.GOV.cn:80/news/?utm_source=x&spm=1.2&b=2&a=1#top")
        == "http://www.hunan.gov.cn/news?a=1&b=2"
    )
    assert normalise("https://a.cn//x//y/") == "https://a.cn/x/y"
    assert normalise("https://a.cn/") == "https://a.cn/"
    assert normalise("mailto:x@y.cn") is None and normalise("javascript:void(0)") is None
    assert normalise("../b.html", "http://a.cn/x/y/z.html") == "http://a.cn/x/b.html"


def test_templates_group_pages_of_one_kind():
    assert template_of("http://a/news/2024/01/t20240105_123.html") == "/news/*/*/*.html"
    assert template_of("http://a/art/12345.html") == template_of("http://a/art/67890.html")
    assert template_of("http://a/calendar.html?m=5") == "/calendar.html?m=*"
    assert template_of("http://a/about/index.html") == "/about/index.html"
    # a word joined to a number names one item of a kind; a word alone, or one with letters after, a page
    assert template_of("http://a/news/2025/article-1.html") == template_of("http://a/news/2025/article-6.html")
    assert template_of("http://a/list/content_12.html") == "/list/*.html"
    assert template_of("http://a/service/guide.html") == "/service/guide.html"
    assert template_of("http://a/zwgk/step-by-step.html") == "/zwgk/step-by-step.html"


def test_scope_and_documents():
    assert in_scope("http://x.hunan.gov.cn/a", "http://www.hunan.gov.cn/", "domain")
    assert not in_scope("http://x.hunan.gov.cn/a", "http://www.hunan.gov.cn/", "host")
    assert is_document("http://a/f/report.PDF") and is_document("http://a/x.xlsx")
    assert not is_document("http://a/news/1.html") and not is_document("http://a/news/")


def test_frontier_samples_k_per_template_and_respects_budget():
    frontier = Frontier("http://a.cn/", CrawlOptions(max_pages=4, per_template=2))
    frontier.add("http://a.cn/", 0)
    for i in range(10):
        frontier.add(f"http://a.cn/news/{1000 + i}.html", 1)
    frontier.add("http://a.cn/files/a.pdf", 1)
    frontier.add("http://b.cn/", 1)
    taken = []
    while (item := frontier.take()) is not None:
        taken.append(item[0])
    assert taken == ["http://a.cn/", "http://a.cn/news/1000.html", "http://a.cn/news/1001.html"]
    assert frontier.record.skip_counts["template"] == 8
    assert frontier.record.documents == ["http://a.cn/files/a.pdf"]
    assert frontier.record.skipped["http://b.cn/"] == "scope"
