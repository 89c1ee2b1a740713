"""Human review through the real path: a small site served on 127.0.0.1 is audited in Chromium, its review queue
holds axe's "needs review" results and the manual criteria, a verdict changes the score, carries to the next
round while the page is unchanged and goes stale when it changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from audit.model import Outcome
from audit.model.review import CARRIED, DECIDED, PENDING, STALE
from audit.runs import current_scores
from audit.runs.review import AUTOMATIC, MANUAL, Decision, ReviewError, build_queue, decide
from audit.runs.review_capture import capture_pages
from audit.runs.web import run_web
from audit.web.auditor import AuditOptions, Site
from audit.web.crawl import CrawlOptions

pytestmark = pytest.mark.browser
SITE = Path(__file__).parent / "review_site"
OPTIONS = AuditOptions(
    crawl=CrawlOptions(max_pages=5, max_depth=2, delay=0, use_sitemaps=False, obey_robots=False), timeout=20
)


@pytest.fixture
def served(tmp_path, loopback_server, chromium_executable):
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    return root, loopback_server(root)


def audit(store, catalog, server, shots: Path) -> int:
    round_ = run_web(store, catalog, [Site(server.url("index.html"))], OPTIONS)
    assert capture_pages(store, catalog, round_.id, shots) == 2
    return round_.id


def _item(queue, check_id: str, page: str = "index.html"):
    found = [i for i in queue if i.check.id == check_id and i.subject.key.endswith(page)]
    assert len(found) == 1, [(i.subject.key, i.check.id) for i in queue if i.check.id == check_id]
    return found[0]


def _score(store, catalog, round_id: int, key: str):
    return next(s for s in current_scores(store, catalog, round_id) if s.subject_key == key)


def test_queue_lists_axe_review_results_and_manual_criteria(store, catalog, served, tmp_path):
    _, server = served
    round_id = audit(store, catalog, server, tmp_path / "shots")
    queue = build_queue(store, catalog, round_id)
    contrast = _item(queue, "axe-color-contrast")
    assert contrast.source == AUTOMATIC and contrast.state == PENDING
    assert "linear-gradient" not in contrast.finding.evidence[0]["html"]  # the node, not the style sheet
    assert contrast.finding.evidence[0]["html"].startswith('<p class="banner">')
    # manual criteria: every WCAG one on every page, MIIT's on the home page only
    pages = {i.subject.key for i in queue if i.check.id == "manual-wcag-3.2.2"}
    assert len(pages) == 2
    assert {i.subject.key for i in queue if i.check.id == "manual-miit-entry"} == {"page:" + server.url("index.html")}
    assert all(i.source == MANUAL for i in queue if i.check.id.startswith("manual-"))
    # the page screenshot and the element's box are stored for the review page to outline
    capture = store.captures(round_id)["page:" + server.url("index.html")]
    assert (tmp_path / "shots" / f"round-{round_id}" / capture.screenshot).stat().st_size > 1000
    assert capture.boxes[contrast.finding.evidence[0]["selector"]][3] > 10


def test_verdict_changes_the_score_carries_over_and_goes_stale(store, catalog, served, tmp_path):
    root, server = served
    home, site = "page:" + server.url("index.html"), "site:" + server.url("").rstrip("/")
    first = audit(store, catalog, server, tmp_path / "shots")
    before = _score(store, catalog, first, home)
    queue = build_queue(store, catalog, first)
    contrast, on_input = _item(queue, "axe-color-contrast"), _item(queue, "manual-wcag-3.2.2")
    article = _item(queue, "manual-wcag-3.2.2", "a.html")
    decide(
        store,
        catalog,
        first,
        [
            Decision(contrast.id, "fail", "灰字在渐变上约 2.8:1"),
            Decision(on_input.id, "fail", "部门下拉框选中即跳转"),
            Decision(article.id, "pass"),
        ],
        author="reviewer-li",
    )
    after = _score(store, catalog, first, home)
    assert before.score == 100.0 and after.score < before.score
    assert {"axe-color-contrast", "manual-wcag-3.2.2"} <= set(after.failed_checks)
    assert after.coverage > before.coverage  # the review item is answered now
    assert "manual-wcag-3.2.2" in _score(store, catalog, first, site).failed_checks  # the site rolls it up
    verdict = next(v for v in store.verdicts(first) if v.check_id == "axe-color-contrast")
    assert (verdict.author, verdict.outcome, verdict.note) == ("reviewer-li", Outcome.FAIL, "灰字在渐变上约 2.8:1")

    second = audit(store, catalog, server, tmp_path / "shots")  # nothing changed on the site
    queue = build_queue(store, catalog, second)
    carried = _item(queue, "axe-color-contrast")
    assert carried.state == CARRIED and carried.verdict.carried_from == first
    assert _item(queue, "manual-wcag-3.2.2").state == CARRIED
    assert {"axe-color-contrast", "manual-wcag-3.2.2"} <= set(_score(store, catalog, second, home).failed_checks)

    page = root / "index.html"  # the page changes: the banner's text and the select
    page.write_text(page.read_text(encoding="utf-8").replace("通知公告", "通知公告（已更新）"), encoding="utf-8")
    third = audit(store, catalog, server, tmp_path / "shots")
    queue = build_queue(store, catalog, third)
    stale = _item(queue, "axe-color-contrast")
    assert stale.state == STALE and stale.verdict is None and stale.resolution.previous.round_id == first
    assert _item(queue, "manual-wcag-3.2.2").state == STALE  # the page's DOM changed
    assert _item(queue, "manual-wcag-3.2.2", "a.html").state == CARRIED  # the other page did not
    score = _score(store, catalog, third, home)
    assert "axe-color-contrast" not in score.failed_checks and "manual-wcag-3.2.2" not in score.failed_checks
    assert score.counts["review"] >= 1  # stale is not counted: back to needs review


def test_decisions_are_checked_before_anything_is_written(store, catalog, served, tmp_path):
    _, server = served
    round_id = audit(store, catalog, server, tmp_path / "shots")
    item = build_queue(store, catalog, round_id)[0]
    with pytest.raises(ReviewError) as bad:
        decide(store, catalog, round_id, [Decision(item.id, "pass"), Decision(item.id, "review")], author="x")
    assert bad.value.key == "review.error.bad-outcome"
    with pytest.raises(ReviewError):
        decide(store, catalog, round_id, [Decision("nope", "pass")], author="x")
    assert store.verdicts(round_id) == []
    decide(store, catalog, round_id, [Decision(item.id, "n/a", "无此类内容")], author="x")
    decide(store, catalog, round_id, [Decision(item.id, "pass")], author="y")  # a re-decision replaces
    assert [(v.author, v.outcome) for v in store.verdicts(round_id)] == [("y", Outcome.PASS)]
    history = store.verdict_history(round_id, item.subject.key, item.check.id)
    assert [v.author for v in history] == ["x", "y"] and build_queue(store, catalog, round_id)[-1].state in (
        DECIDED,
        PENDING,
    )
