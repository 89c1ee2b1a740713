"""The portal probes on pages written to fool them: focus thrown away (F55), twin links, a banner that makes the
page scroll sideways beside a data table that may scroll in its own box, and "accessibility" links that leave."""

from pathlib import Path

import pytest

from audit.web.auditor import AuditOptions, Auditor, PageAudited, Site
from audit.web.crawl import CrawlOptions

pytestmark = pytest.mark.browser
PAGES = [p.name for p in sorted((Path(__file__).resolve().parent / "sites" / "probes").glob("*.html"))]
PAGES.remove("elder-statement.html")  # where elder-generic.html leads, not a page of its own


@pytest.fixture(scope="module")
def audited(sites_server, catalog, chromium_executable):
    """Every probe page audited once as its own one-page site (so each is a home page). One run each: sites on
    one origin would be merged into one."""
    options = AuditOptions(
        crawl=CrawlOptions(max_pages=1, max_depth=0, delay=0, use_sitemaps=False, obey_robots=False), timeout=20
    )
    checks = [c for cl in catalog.domain("web") for c in cl.checks]
    results = {}
    for name in PAGES:
        for event in Auditor(checks, options).run([Site(sites_server.url(f"probes/{name}"))]):
            if isinstance(event, PageAudited):
                results[event.subject.url.rsplit("/", 1)[1]] = {f.check_id: f for f in event.findings}
    assert set(results) == set(PAGES)
    return results


def test_focus_thrown_away_on_arrival_is_a_failure_naming_the_element(audited):
    focus = audited["focus-blur.html"]["web-focus-visible"]
    assert focus.outcome.value == "fail"
    assert (focus.passed, focus.failed) == (2, 1)  # the walk went on past the element to the third link
    (evidence,) = focus.evidence
    assert evidence["selector"] == 'a[href="apply.html"]' and "onfocus" in evidence["html"]
    assert "F55" in evidence["message"]


def test_identical_links_are_two_stops_and_the_walk_goes_on(audited):
    focus = audited["focus-twins.html"]["web-focus-visible"]
    assert focus.outcome.value == "fail"
    assert (focus.passed, focus.failed) == (2, 1)
    assert focus.evidence[0]["selector"] == 'a[href="service.html"]'


def test_reflow_names_the_element_that_makes_the_page_scroll_sideways(audited):
    reflow = audited["reflow-banner.html"]["web-reflow-320"]
    assert reflow.outcome.value == "fail"
    (evidence,) = reflow.evidence  # the banner; not the table, which scrolls inside its own wrapper
    assert evidence["selector"] == "body > div.banner" and evidence["html"].startswith('<div class="banner">')
    assert "760" in evidence["message"]


def test_a_table_and_a_map_in_their_own_scroll_boxes_are_no_reflow_failure(audited):
    assert audited["reflow-contained.html"]["web-reflow-320"].outcome.value == "pass"


def test_an_off_site_accessibility_link_is_never_the_sites_larger_text_mode(audited):
    elder = audited["elder-offsite.html"]["web-elder-mode-entry"]
    assert elder.outcome.value == "review", elder
    assert "after_px" not in elder.measured  # nothing off-site was clicked or measured
    assert elder.measured["href"].startswith("http://127.0.0.2:9/")
    assert "off-site" in elder.evidence[0]["message"] and "站外" in elder.evidence[0]["message"]


def test_a_generic_accessibility_link_to_another_page_is_reviewed_not_passed(audited):
    elder = audited["elder-generic.html"]["web-elder-mode-entry"]
    assert elder.outcome.value == "review", elder
    assert (round(elder.measured["before_px"]), round(elder.measured["after_px"])) == (16, 20)
    assert elder.measured["landed"].endswith("/probes/elder-statement.html")
