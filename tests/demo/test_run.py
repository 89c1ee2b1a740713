"""The demo's portals keep their identity between rounds: one 127.0.0.1 origin per portal for the whole demo,
serving each round's pages, so the second web round compares with the first instead of reading "first audit"."""

from __future__ import annotations

import json
import urllib.request

import pytest

from audit.demo.portal import portals
from audit.demo.portal_app import DEMO_PASSWORD
from audit.demo.run import DemoPortals


def _index(base: str) -> str:
    with urllib.request.urlopen(base, timeout=10) as response:
        return response.read().decode("utf-8")


def test_each_portal_keeps_its_origin_and_serves_the_later_rounds_pages(tmp_path):
    served = DemoPortals(tmp_path)
    try:
        first = {site["id"]: (server.base, _index(server.base)) for site, server in served.serve(0)}
        second = {site["id"]: (server.base, _index(server.base)) for site, server in served.serve(1)}
    finally:
        served.close()
    assert set(first) == set(second) == {site["id"] for site in portals()}
    assert {k: v[0] for k, v in first.items()} == {k: v[0] for k, v in second.items()}  # same origins
    assert len({base for base, _ in first.values()}) == len(first)  # one origin per portal
    changed = [k for k in first if first[k][1] != second[k][1]]
    assert changed, "no portal's home page changed between the rounds: round 2 was not served"


@pytest.mark.browser
@pytest.mark.slow
def test_the_whole_demo_runs_and_its_second_web_round_follows_the_first(tmp_path, chromium_executable):
    from click.testing import CliRunner

    from audit.cli import cli
    from audit.store import open_store

    db, maps, reports = tmp_path / "demo.db", tmp_path / "maps", tmp_path / "reports"
    result = CliRunner().invoke(cli, ["demo", "--db", str(db), "--maps", str(maps), "--reports", str(reports)])
    assert result.exit_code == 0, result.output[-2000:]
    assert "==> 政府网站 2025q4 / government portals 2025q4" in result.output
    store = open_store(db)
    first, second = store.rounds("web")
    sites = [{k for k in store.audited_keys(r.id) if k.startswith("site:")} for r in (first, second)]
    assert len(sites[0]) == len(portals()) and sites[0] == sites[1]  # the same portals: a trend, not a first audit
    assert store.latest_round("web", before=second.id).id == first.id
    assert (maps / "map-all.html").exists() and any(reports.glob("report-hunan/*.pdf"))
    for label, round_ in zip(("2025q2", "2025q4"), (first, second), strict=True):
        _audited_logged_in_through_the_committed_config(reports / f"web-{label}", store.audited_keys(round_.id))
    assert _error_probes_failed(reports / "web-2025q2") == dict.fromkeys(_NAMES.values(), _ERROR_PROBES)
    # round 2: Hunan fixed both form defects, Changsha only the error messages, Zhangjiajie neither (sites.yaml)
    assert _error_probes_failed(reports / "web-2025q4") == {
        _NAMES["hunan"]: set(),
        _NAMES["changsha"]: {"web-values-kept"},
        _NAMES["zhangjiajie"]: _ERROR_PROBES,
    }
    leaked = [p for p in [db, *reports.rglob("*")] if p.is_file() and DEMO_PASSWORD.encode() in p.read_bytes()]
    assert not leaked, leaked


_NAMES = {
    "hunan": "湖南省人民政府（示例）",
    "changsha": "长沙市人民政府（示例）",
    "zhangjiajie": "张家界市人民政府（示例）",
}
_ERROR_PROBES = {"web-error-association", "web-error-announced", "web-values-kept"}
_STATES = {"第一步出错 / step 1 errors", "第二步 / step 2", "已提交 / submitted"}


def _error_probes_failed(out) -> dict[str, set[str]]:
    """Site name -> the error-state probes its form's error state failed; every site's flow reached its three
    states (the committed config's flow through the two-step form)."""
    report = json.loads((out / "a11y-report.json").read_text(encoding="utf-8"))
    failed = {}
    for site in report["sites"]:
        states = {
            p["flow"]["state"]: p for p in report["pages"] if p["flow"] and p["key"].startswith(f"page:{site['url']}")
        }
        assert set(states) == _STATES, (site["name"], sorted(states))
        assert all(p["flow"]["name"] == "个体工商户变更登记" for p in states.values())
        error_state = states["第一步出错 / step 1 errors"]
        failed[site["name"]] = {f["check"] for f in error_state["failures"]} & _ERROR_PROBES
    for name in ("a11y-summary.md", "a11y-report.html", "a11y-junit.xml", "a11y.sarif"):
        assert "个体工商户变更登记" in (out / name).read_text(encoding="utf-8"), name
    return failed


def _audited_logged_in_through_the_committed_config(out, keys) -> None:
    """Every portal's personal centre and form were audited (not the login page in their place), and no logout
    link was followed."""
    report = json.loads((out / "a11y-report.json").read_text(encoding="utf-8"))
    urls = {page["url"] for page in report["pages"]}
    assert len(report["sites"]) == len(portals())
    for site in report["sites"]:
        for path in ("hall/my", "hall/my/profile", "hall/apply/gtgsh/step1"):
            assert site["url"] + path in urls, (site["url"], path)
            assert f"page:{site['url']}{path}" in keys
        assert site["crawl"]["skip_counts"].get("logout", 0) >= 1
    assert not [u for u in urls if "logout" in u or "/hall/login" in u]
