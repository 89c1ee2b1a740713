"""A small hand-made web round as the report dict build_report returns: every case the CI formats must write."""

from __future__ import annotations

import copy

_REPORT = {
    "schema": "a11y-audit/web-report",
    "schema_version": "1",
    "lang": "en",
    "round": {
        "id": 7,
        "status": "complete",
        "started_at": "2026-03-01T08:00:00+00:00",
        "finished_at": "2026-03-01T08:05:00+00:00",
        "axe_core": "4.10.2",
        "browser": "Chromium 130",
        "scoring_version": "1",
    },
    "gate": {"exit_code": 1, "reasons": ["score 61 < 85 | site A"]},
    "sites": [
        {
            "key": "site:https://a.example.gov.cn/",
            "url": "https://a.example.gov.cn/",
            "name": "示例市政府",
            "area_code": "110101",
            "score": 61.5,
            "grade": "D",
            "compliant": False,
            "coverage": 0.9,
            "state": "graded",
            "reasons": [],
            "failures": [],
            "crawl": {"discovered": 40, "sampled": 2, "documents": ["https://a.example.gov.cn/x.pdf"]},
        }
    ],
    "pages": [
        {
            "key": "page:https://a.example.gov.cn/",
            "url": "https://a.example.gov.cn/",
            "name": "首页",
            "area_code": "110101",
            "score": 55.0,
            "grade": "D",
            "compliant": False,
            "coverage": 1.0,
            "state": "graded",
            "reasons": [],
            "template": "home",
            "failures": [
                {
                    "check": "image-alt",
                    "severity": "critical",
                    "passed": 3,
                    "failed": 2,
                    "note": None,
                    "measured": None,
                    "evidence": [
                        # a snippet with no line number: SARIF regions need startLine, so it must not become one
                        {"selector": ["img.logo"], "html": '<img src="logo.png">', "message": "no alt text"},
                        {
                            "selector": ["#toolbar", "img"],
                            "html": "<img src=t.png>",
                            "message": "toolbar image",
                            "origin": "third-party-toolbar",
                        },
                    ],
                    "origin": "mixed",
                    "origins": {"site": 1, "third-party-toolbar": 1},
                },
                {
                    "check": "color-contrast",
                    "severity": "moderate",
                    "passed": 10,
                    "failed": 1,
                    "note": None,
                    "measured": None,
                    "evidence": [],  # an aggregated failure: no instance, still one result located at the page
                    "origin": "site",
                    "origins": {"site": 1},
                },
            ],
        },
        {
            "key": "page:https://a.example.gov.cn/about",
            "url": "https://a.example.gov.cn/about",
            "name": "关于 | <b>我们</b>",
            "area_code": "110101",
            "score": 100.0,
            "grade": "A",
            "compliant": True,
            "coverage": 1.0,
            "state": "graded",
            "reasons": [],
            "template": "article",
            "failures": [],
        },
    ],
    "errors": [
        {
            "key": "page:https://a.example.gov.cn/broken",
            "url": "https://a.example.gov.cn/broken",
            "reason": "timeout",
            "message": "page did not load in 30 s",
        }
    ],
    "checks": {
        "color-contrast": {
            "id": "color-contrast",
            "title": "Text has enough contrast",
            "help": "",
            "level": "AA",
            "clauses": ["GB/T 37668-2019 5.1.4.3"],
            "axe": ["color-contrast"],
            "builtin": None,
        },
        "image-alt": {
            "id": "image-alt",
            "title": "Images have a text alternative",
            "help": "Give every informative image an alt attribute.",
            "level": "A",
            "clauses": ["GB/T 37668-2019 5.1.1.1 [unverified]"],
            "axe": ["image-alt"],
            "builtin": None,
        },
    },
}


def sample_report(lang: str = "en") -> dict:
    """A fresh copy, so a test may change it."""
    report = copy.deepcopy(_REPORT)
    report["lang"] = lang
    return report


def insufficient_report(lang: str = "en") -> dict:
    """The sample with its site and its about page not graded (待补充): too little answered, no threshold crossed."""
    report = sample_report(lang)
    label = "待补充" if lang == "zh" else "Insufficient data"
    why = "已填写 25%，低于评级所需比例" if lang == "zh" else "only 25% answered, below the share needed to grade"
    thin = {
        "score": None,
        "grade": None,
        "compliant": False,
        "coverage": 0.25,
        "state": "insufficient",
        "state_label": label,
        "reasons": ["coverage-below-floor"],
        "reason_text": why,
    }
    report["sites"][0].update(thin)
    report["pages"][1].update(thin)
    report["gate"] = {
        "exit_code": 0,
        "reasons": [],
        "verdict": "insufficient",
        "insufficient": ["https://a.example.gov.cn"],
    }
    report["summary"] = {"pages": 2, "failures": 2, "reviews": 0, "broken_links": 0, "errors": 1}
    report["summary"].update(insufficient_sites=1, insufficient_pages=1)
    return report
