"""A web round written straight to a store, as the auditor would have left it (no browser): two pages of one site,
an axe "needs review" result on the home page, for tests of the report and the spreadsheet."""

from __future__ import annotations

from audit.model import Category, Finding, Outcome, Severity, Subject
from audit.runs import score_round
from audit.web.rollup import site_findings

ORIGIN = "https://www.example.gov.cn"
HOME, NEWS, SITE = f"page:{ORIGIN}/", f"page:{ORIGIN}/news/1.html", f"site:{ORIGIN}"
BANNER = {
    "selector": "p.banner",
    "html": '<p class="banner">通知公告</p>',
    "message": "背景为渐变",
    "fingerprint": "9f",
}


def web_round(store, catalog, home_title: str = "示例市人民政府", news_title: str = "通知") -> int:
    round_ = store.begin_round(
        "web", "2026-12", {"axe_core": "4.14.1", "sites": [{"url": ORIGIN + "/", "start_urls": [ORIGIN + "/"]}]}
    )
    pages = [
        Subject(
            HOME,
            "web-page",
            Category.INFORMATION,
            home_title,
            "430100",
            HOME[5:],
            attributes={"site": ORIGIN, "template": "/", "home": True},
        ),
        Subject(
            NEWS,
            "web-page",
            Category.INFORMATION,
            news_title,
            "430100",
            NEWS[5:],
            attributes={"site": ORIGIN, "template": "/news/*.html"},
        ),
    ]
    site = Subject(
        SITE,
        "website",
        Category.INFORMATION,
        "示例市",
        "430100",
        ORIGIN,
        attributes={"crawl": {"sampled": [HOME[5:], NEWS[5:]], "reasons": {NEWS[5:]: "sitemap"}}},
    )
    findings = {
        HOME: [
            Finding(HOME, "axe-color-contrast", Outcome.REVIEW, 10, 0, Severity.SERIOUS, (BANNER,)),
            Finding(HOME, "axe-image-alt", Outcome.PASS, 2, 0),
            Finding(HOME, "web-elder-mode-entry", Outcome.FAIL, 0, 1, evidence=({"message": "没有入口"},)),
        ],
        NEWS: [
            Finding(NEWS, "axe-color-contrast", Outcome.PASS, 5, 0),
            Finding(NEWS, "axe-image-alt", Outcome.FAIL, 0, 1),
        ],
    }
    store.upsert_subjects([*pages, site])
    for key, found in findings.items():
        store.replace_findings(round_.id, key, found)
    store.replace_findings(round_.id, SITE, site_findings(SITE, [f for fs in findings.values() for f in fs]))
    store.finish_round(round_.id)
    score_round(store, catalog, round_.id)
    return round_.id
