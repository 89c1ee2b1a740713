"""The sample portal carries the defects its README promises, and fixes them in the later round."""

from __future__ import annotations

import urllib.request

import pytest

from audit.demo.portal import portal_server, portals, render_portal
from audit.web import audit_page

pytestmark = pytest.mark.browser


def violation_ids(url: str) -> set[str]:
    return {v["id"] for v in audit_page(url)["violations"]}


@pytest.fixture
def changsha():
    return next(p for p in portals() if p["id"] == "changsha")


def test_first_round_has_the_known_defects_and_second_round_fixes_some(tmp_path, chromium_executable, changsha):
    first, second = (render_portal(tmp_path / r["label"], changsha, r["fixed"]) for r in changsha["rounds"])
    servers = [portal_server(first), portal_server(second)]
    try:
        before = violation_ids(servers[0].base)
        after = violation_ids(servers[1].base)
        article_before = violation_ids(servers[0].url("news/2025/article-2.html"))
    finally:
        for server in servers:
            server.close()
    assert {"image-alt", "label", "color-contrast", "link-name"} <= before
    assert {"html-has-lang", "image-alt"} <= article_before
    assert not {"image-alt", "label", "color-contrast"} & after
    assert "link-name" in after  # not fixed in round 2 for Changsha


def test_sitemap_and_robots_name_the_serving_origin(tmp_path, changsha):
    server = portal_server(render_portal(tmp_path, changsha, []))
    try:
        sitemap = urllib.request.urlopen(server.url("sitemap.xml")).read().decode()
        robots = urllib.request.urlopen(server.url("robots.txt")).read().decode()
    finally:
        server.close()
    assert sitemap.count("<loc>") == 12 and f"<loc>{server.base}news/2025/article-6.html</loc>" in sitemap
    assert f"Sitemap: {server.base}sitemap.xml" in robots
