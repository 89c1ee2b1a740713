"""Every page we generate passes our own web audit with the probes on (reflow at 320 px, focus), gated on
critical and serious: the map and its table, the progress report (province and city, zh and en) and the web
round's HTML report. The service's pages are audited the same way in tests/service/test_pages_a11y.py."""

from __future__ import annotations

import pytest

from audit.render.ci import write_outputs
from audit.render.map import MapOptions, write_map
from audit.render.report import build_report, select_rounds, write_html
from audit.render.view import RoundView
from tests.own_audit import run_own_audit
from tests.render.ci.sample_round import sample_report
from tests.render.map.conftest import map_catalog, sample  # noqa: F401 - fixtures used by name
from tests.render.report.conftest import report_catalog, report_root, rounds  # noqa: F401 - fixtures used by name

pytestmark = pytest.mark.browser


def _assert_clean(urls, tmp_path):
    code, failing, output = run_own_audit(urls, tmp_path)
    assert failing == {}, output
    assert code == 0, output


def test_map_and_its_table_pass_our_own_audit(sample, map_catalog, tmp_path, loopback_server, chromium_executable):  # noqa: F811
    version = map_catalog.policy.version
    views = [
        RoundView.load(sample.store, sample.facility_rounds[-1], version),
        RoundView.load(sample.store, sample.web_round, version),
    ]
    files = write_map(views, map_catalog, tmp_path / "maps" / "map.html", MapOptions(tiles="none"))
    server = loopback_server(files.map_path.parent)
    _assert_clean([server.url(files.map_path.name), server.url(files.table_path.name)], tmp_path)


def test_progress_reports_pass_our_own_audit(rounds, tmp_path, loopback_server, chromium_executable):  # noqa: F811
    pairs = select_rounds(rounds.store)
    folder = tmp_path / "reports"
    for area, lang in ((None, "zh"), ("430000", "en"), ("430100", "zh"), ("430100", "en")):
        report = build_report(rounds.store, rounds.catalog, pairs, area, lang)
        write_html(report, folder / f"report-{area or 'none'}-{lang}.html")
    server = loopback_server(folder)
    _assert_clean([server.url(p.name) for p in sorted(folder.glob("*.html"))], tmp_path)


def test_web_round_report_passes_our_own_audit(tmp_path, loopback_server, chromium_executable):
    folder = tmp_path / "ci"
    for lang in ("zh", "en"):
        written = write_outputs(sample_report(lang), ["html"], folder / lang)
        written["html"].rename(folder / f"a11y-report-{lang}.html")
    server = loopback_server(folder)
    _assert_clean([server.url(f"a11y-report-{lang}.html") for lang in ("zh", "en")], tmp_path)
