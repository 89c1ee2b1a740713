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
    options = AuditOptions(
        crawl=CrawlOptions(max_pages=1, max_depth=0, delay=0, use_sitemaps=False, obey_robots=False), timeout=20
    )
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
    for outcome in ("fail", "pass", "review", "n/a"):
        for check_id in expected.get(outcome, []):
            assert findings[check_id].outcome.value == outcome, (check_id, findings[check_id])
    if "toolbar" in expected:
        toolbar = findings["web-overlay-toolbar"]
        assert toolbar.measured["present"] and toolbar.measured["toolbars"][0]["family"] == expected["toolbar"]
        assert toolbar.extra.get("information_only")
    if "elder" in expected:  # the entry was activated and the main text measured before and after
        measured = findings["web-elder-mode-entry"].measured
        assert (round(measured["before_px"]), round(measured["after_px"])) == (
            expected["elder"]["before_px"],
            expected["elder"]["after_px"],
        ), measured
    for check_id, origins in expected.get("origins", {}).items():
        finding = findings[check_id]
        assert dict(finding.extra.get("origins", {"site": finding.failed})) == origins, (check_id, finding)
        shown = [e.get("origin", "site") for e in finding.evidence]
        assert {o: shown.count(o) for o in set(shown)} == origins, finding.evidence
    if "origins" not in expected:  # no toolbar, or one that added nothing that fails: all the site's own
        assert not any(f.extra.get("origins") for f in findings.values() if "toolbar" not in expected)


def test_failures_carry_counts_and_evidence(audited):
    image_alt = audited["image-no-alt.html"]["axe-image-alt"]
    assert (image_alt.failed, image_alt.passed) == (1, 1)
    assert image_alt.severity.value == "critical"
    evidence = image_alt.evidence[0]
    assert evidence["html"].startswith("<img") and evidence["message"] and evidence["url"].endswith("image-no-alt.html")
    button = audited["image-no-alt.html"]["axe-button-name"]
    assert button.evidence[0]["selector"] == ["iframe", "button"]  # a frame chain stays a list
