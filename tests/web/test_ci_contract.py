"""The CI contract of `a11y-audit web` on small fixture sites (tests/web/sites/contract): 0 audited and thresholds
met, 2 audited and a threshold crossed, 1 could not audit what was asked; broken links and needs-review items are
findings; one origin is one site; the baseline knows every failing node; --resume goes on as the round began."""

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.render.ci.data import REPORT_SCHEMA
from tests.web.conftest import Server

pytestmark = pytest.mark.browser

QUICK = ["--delay", 0, "--no-sitemap", "--ignore-robots", "--timeout", 8]
# For the tests of the crawl, the gate and the baseline, not of the rules: a few axe rules and a probe.
ONLY = [w for c in ("axe-image-alt", "axe-document-title", "axe-link-name", "web-reflow-320") for w in ("--only", c)]


def run(db, *args, lang="en"):
    return CliRunner().invoke(cli, ["--db", str(db), "--lang", lang, "web", *map(str, args)])


def audit(tmp_path, *urls, formats="json", extra=(), lang="en"):
    out = tmp_path / "out"
    result = run(tmp_path / "a.db", *urls, *QUICK, "--format", formats, "--out", out, *extra, lang=lang)
    report = json.loads((out / "a11y-report.json").read_text(encoding="utf-8")) if "json" in formats else None
    if report is not None:
        schema = json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator(schema).validate(report)  # the published schema describes every report
    return result, out, report


@pytest.mark.parametrize(
    ("start", "reason", "words"),
    [
        ("contract/forms.zip", "nothing-audited-document", "is a document"),
        ("contract/logo.svg", "nothing-audited-document", "image/svg+xml"),
        ("contract/refresh-elsewhere.html", "nothing-audited-elsewhere", "http://127.0.0.1:9/portal"),
    ],
)
def test_a_run_that_audits_nothing_exits_1_with_the_reason(
    sites_server, tmp_path, chromium_executable, start, reason, words
):
    result, _, report = audit(tmp_path, sites_server.url(start), extra=["--max-depth", 0])
    assert result.exit_code == 1, result.output
    assert report["pages"] == [] and report["gate"]["exit_code"] == 1
    (site,) = report["sites"]
    assert site["audited"] is False
    (error,) = report["errors"]
    assert error["key"] == site["key"] and error["reason"] == reason and words in error["message"]
    assert "no page was audited" in result.output and words in result.output


def test_a_meta_refresh_start_page_queues_its_target(sites_server, tmp_path, chromium_executable):
    result, _, report = audit(tmp_path, sites_server.url("contract/home-refresh.html"), extra=["--max-depth", 1])
    assert result.exit_code == 0, result.output
    audited = {p["url"].rsplit("/", 1)[1] for p in report["pages"]}
    assert {"guide.html", "links.html"} <= audited and "home-refresh.html" not in audited
    assert report["errors"] == []
    assert report["sites"][0]["crawl"]["skip_counts"].get("redirect") == 1


def test_broken_links_are_findings_of_the_site_not_a_failure_to_audit(sites_server, tmp_path, chromium_executable):
    start = sites_server.url("contract/links.html")
    result, out, report = audit(
        tmp_path, start, formats="json,junit,sarif,md,html", extra=["--fail-on", "critical", *ONLY]
    )
    assert result.exit_code == 0, result.output  # the threshold verdict, not hidden by a 404
    (broken,) = report["broken_links"]
    assert broken["url"].endswith("/contract/old/missing-page.html") and broken["status"] == 404
    assert broken["referrer"] == start and report["errors"] == [] and report["summary"]["broken_links"] == 1
    assert "missing-page.html" in (out / "a11y-summary.md").read_text(encoding="utf-8")
    assert "missing-page.html" in (out / "a11y-report.html").read_text(encoding="utf-8")
    junit = ElementTree.parse(out / "a11y-junit.xml").getroot()
    assert [f.get("type") for f in junit.iter("failure")].count("broken-link") == 1
    assert not list(junit.iter("error"))
    sarif = json.loads((out / "a11y.sarif").read_text(encoding="utf-8"))
    assert any(r["ruleId"] == "broken-link" for r in sarif["runs"][0]["results"])
    assert sarif["runs"][0]["invocations"][0]["executionSuccessful"] is True
    gated, _, gated_report = audit(tmp_path, start, extra=["--fail-on", "critical,broken-links", *ONLY])
    assert gated.exit_code == 2, gated.output
    assert "1 broken links" in " ".join(gated_report["gate"]["reasons"])


def test_start_urls_on_one_origin_are_one_site_with_every_start_recorded(sites_server, tmp_path, chromium_executable):
    starts = [sites_server.url(f"contract/multi/section-{i}.html") for i in range(1, 6)]
    result, _, report = audit(tmp_path, *starts, extra=["--max-depth", 0])
    assert result.exit_code == 0, result.output
    (site,) = report["sites"]
    assert site["start_urls"] == starts
    assert site["crawl"]["sampled"] == 5 and len(report["pages"]) == 5
    assert result.output.count("score") == 1


def test_needs_review_items_reach_every_output_and_fail_on_review(sites_server, tmp_path, chromium_executable):
    page = sites_server.url("contract/inaccessible.html")
    result, out, report = audit(tmp_path, page, formats="json,junit,sarif,md,html", extra=["--max-depth", 0])
    assert result.exit_code == 0, result.output
    (audited,) = report["pages"]
    reviews = {r["check"]: r for r in audited["reviews"]}
    assert "axe-color-contrast" in reviews, audited["reviews"]  # light text on a gradient: axe cannot decide
    assert {"axe-image-alt", "axe-label"} <= {f["check"] for f in audited["failures"]}
    assert report["summary"]["reviews"] == len(audited["reviews"]) >= 1
    assert reviews["axe-color-contrast"]["evidence"][0]["selector"]
    markdown = (out / "a11y-summary.md").read_text(encoding="utf-8")
    assert "### Needs review" in markdown
    assert "needs review (axe-core could not decide)" in (out / "a11y-report.html").read_text(encoding="utf-8")
    junit = ElementTree.parse(out / "a11y-junit.xml").getroot()
    skipped = {c.get("name") for c in junit.iter("testcase") if c.find("skipped") is not None}
    failed = {c.get("name") for c in junit.iter("testcase") if c.find("failure") is not None}
    assert "axe-color-contrast" in skipped and "axe-color-contrast" not in failed
    sarif = json.loads((out / "a11y.sarif").read_text(encoding="utf-8"))
    notes = [r for r in sarif["runs"][0]["results"] if r["properties"]["review"]]
    assert notes and {r["level"] for r in notes} == {"note"}
    gated, _, _ = audit(tmp_path, page, extra=["--max-depth", 0, "--fail-on", "review"])
    assert gated.exit_code == 2 and "needs-review" in gated.output


def _gallery(folder: Path, images: int) -> None:
    tags = "\n".join(
        f'<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=#{i}" width="8" height="8">' for i in range(images)
    )
    (folder / "gallery.html").write_text(
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>图片新闻</title></head>'
        f"<body><main><h1>图片新闻</h1>\n{tags}\n</main></body></html>",
        encoding="utf-8",
    )


def test_the_baseline_knows_every_failing_node_not_the_first_20(tmp_path, chromium_executable):
    site = tmp_path / "site"
    site.mkdir()
    _gallery(site, 33)
    server = Server(site)
    try:
        baseline = tmp_path / "baseline.json"
        gate = ["--max-depth", 0, "--fail-on", "critical", "--baseline", baseline, *ONLY]
        first, _, _ = audit(tmp_path, server.url("gallery.html"), extra=[*gate, "--update-baseline"])
        assert first.exit_code == 0, first.output
        entries = json.loads(baseline.read_text())["entries"]
        assert len([e for e in entries if e["check"] == "axe-image-alt"]) == 33
        _gallery(site, 34)  # the 34th image without alt
        again, out, report = audit(tmp_path, server.url("gallery.html"), formats="json,sarif,md", extra=gate)
    finally:
        server.close()
    assert again.exit_code == 2, again.output
    (alt,) = [f for f in report["pages"][0]["failures"] if f["check"] == "axe-image-alt"]
    assert (alt["instances"], alt["new"], alt["known"], alt["baseline_state"]) == (34, 1, 33, "new")
    assert report["summary"]["new"] >= 1 and report["summary"]["known"] >= 33
    assert {e["baseline_state"] for e in alt["evidence"]} == {"known"}  # the 20 shown are old ones
    sarif = json.loads((out / "a11y.sarif").read_text(encoding="utf-8"))
    assert {r.get("baselineState") for r in sarif["runs"][0]["results"]} <= {"new", "unchanged"}
    assert "new 1, known 33" in (out / "a11y-summary.md").read_text(encoding="utf-8")


def test_resume_goes_on_with_the_recorded_scope_budget_and_every_start_url(sites_server, tmp_path, chromium_executable):
    db = tmp_path / "r.db"
    starts = [sites_server.url(f"contract/multi/section-{i}.html") for i in range(1, 6)]
    command = [sys.executable, "-m", "audit", "--db", str(db), "web", "--out", str(tmp_path / "out")]
    recorded = ["--max-pages", "7", "--per-template", "10", "--include", "multi", "--no-sitemap", "--ignore-robots"]
    process = subprocess.Popen(
        [*command, *starts, *recorded, "--delay", "1.5", "--concurrency", "1", *ONLY],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=str(tmp_path),
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            time.sleep(0.3)
            try:
                with sqlite3.connect(db) as conn:
                    if conn.execute("SELECT count(DISTINCT subject_key) FROM findings").fetchone()[0] >= 2:
                        break
            except sqlite3.Error:
                pass
    finally:
        process.kill()
        process.wait()
    resumed = subprocess.run(
        [*command, "--resume", "--delay", "0"],
        check=False,
        capture_output=True,
        text=True,
        cwd=str(tmp_path),
        timeout=180,
    )
    assert resumed.returncode == 0, resumed.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT id, status FROM rounds").fetchall() == [(1, "complete")]
        pages = {
            r[0].rsplit("/", 1)[1]
            for r in conn.execute("SELECT DISTINCT subject_key FROM findings WHERE subject_key LIKE 'page:%'")
        }
        sites = conn.execute("SELECT DISTINCT subject_key FROM findings WHERE subject_key LIKE 'site:%'").fetchall()
    # the recorded budget (7 of 10 pages), not the default 50; every start URL audited; one site
    assert len(pages) == 7, pages
    assert {f"section-{i}.html" for i in range(1, 6)} <= pages
    assert len(sites) == 1


def test_console_speaks_the_users_language_and_names_portals(sites_server, tmp_path, chromium_executable):
    listing = tmp_path / "sites.txt"
    listing.write_text(f"{sites_server.url('contract/guide.html')}, 430100, 长沙市政务服务网\n", encoding="utf-8")
    result, _, _ = audit(tmp_path, "--sites", listing, extra=["--max-depth", 0], lang="zh")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    page_line = next(line for line in lines if line.startswith("[1] "))
    assert "项未通过" in page_line and "failed checks" not in page_line
    assert any("站点 长沙市政务服务网 检测完毕" in line for line in lines)
    assert any(line.startswith("  长沙市政务服务网（") and "得分" in line for line in lines)
