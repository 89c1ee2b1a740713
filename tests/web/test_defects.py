"""Pages with known defects, each with its expected findings beside it (axe-core's integration-test pattern)."""

import json
from pathlib import Path

import pytest

from audit.web.auditor import AuditOptions, Auditor, PageAudited, Site
from audit.web.crawl import CrawlOptions

pytestmark = pytest.mark.browser
SITES = Path(__file__).resolve().parent / "sites"
PAGES = sorted(p.name for p in (SITES / "defects").glob("*.html") if p.with_suffix(".expected.json").exists())


@pytest.fixture(scope="module")
def audited(sites_server, catalog, chromium_executable):
    """Every defect page audited once, in one browser, as its own one-page site."""
    options = AuditOptions(crawl=CrawlOptions(max_pages=1, max_depth=0, delay=0, use_sitemaps=False,
                                              obey_robots=False), timeout=20)
    checks = [c for cl in catalog.domain("web") for c in cl.checks]
    results = {}
    for event in Auditor(checks, options).run([Site(sites_server.url(f"defects/{name}")) for name in PAGES]):
        if isinstance(event, PageAudited):
            results[event.subject.url.rsplit("/", 1)[1]] = {f.check_id: f for f in event.findings}
    return results


@pytest.mark.parametrize("name", PAGES)
def test_page_has_its_expected_findings(audited, name):
    expected = json.loads((SITES / "defects" / name).with_suffix(".expected.json").read_text(encoding="utf-8"))
    findings = audited[name]
    for outcome in ("fail", "pass", "n/a"):
        for check_id in expected.get(outcome, []):
            assert findings[check_id].outcome.value == outcome, (check_id, findings[check_id])
    if "toolbar" in expected:
        toolbar = findings["web-overlay-toolbar"]
        assert toolbar.measured["present"] and toolbar.measured["toolbars"][0]["family"] == expected["toolbar"]
        assert toolbar.extra.get("information_only")


def test_failures_carry_counts_and_evidence(audited):
    image_alt = audited["image-no-alt.html"]["axe-image-alt"]
    assert (image_alt.failed, image_alt.passed) == (1, 1)
    assert image_alt.severity.value == "critical"
    evidence = image_alt.evidence[0]
    assert evidence["html"].startswith("<img") and evidence["message"] and evidence["url"].endswith("image-no-alt.html")
    button = audited["image-no-alt.html"]["axe-button-name"]
    assert button.evidence[0]["selector"] == ["iframe", "button"]  # a frame chain stays a list
