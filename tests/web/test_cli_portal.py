"""The webmaster's command on a fixture portal: crawl record, page errors, exit codes and every output."""

import json
import sqlite3
import subprocess
import sys
import time
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.web import audit_page, critical_or_serious

pytestmark = pytest.mark.browser


def run(db, *args):
    result = CliRunner().invoke(cli, ["--db", str(db), "--lang", "en", "web", *map(str, args)])
    return result


# The crawl, the exit codes and the outputs' form are what most tests here are about: a few axe rules and a probe.
SMOKE = ["axe-image-alt", "axe-button-name", "axe-document-title", "axe-html-has-lang", "axe-label", "web-reflow-320"]
ONLY = [word for check in SMOKE for word in ("--only", check)]


@pytest.fixture(scope="module")
def portal_run(portal_server, tmp_path_factory, chromium_executable):
    folder = tmp_path_factory.mktemp("portal")
    result = run(
        folder / "a.db",
        portal_server.url("index.html"),
        "--max-pages",
        20,
        "--per-template",
        2,
        "--delay",
        0,
        "--timeout",
        4,
        "--fail-on",
        "critical",
        "--format",
        "json,junit,sarif,md,html",
        "--out",
        folder / "out",
        *ONLY,
    )
    return result, folder / "out", json.loads((folder / "out" / "a11y-report.json").read_text(encoding="utf-8"))


def test_page_errors_make_exit_1_and_are_never_clean(portal_run):
    result, _, report = portal_run
    assert result.exit_code == 1, result.output
    reasons = {e["url"].rsplit("/", 1)[1]: e["reason"] for e in report["errors"]}
    assert reasons["hang.html"] == "timeout"
    assert reasons["loop.html"] == "redirect-loop"
    assert reasons["refresh.html"] in ("meta-refresh", "navigated-away")
    # a link to a missing page is a finding of the site (a broken link), not a page the tool failed on
    assert "missing-page.html" not in reasons
    assert [b["url"].rsplit("/", 1)[1] for b in report["broken_links"]] == ["missing-page.html"]
    audited = {p["url"].rsplit("/", 1)[1] for p in report["pages"]}
    assert not {"hang.html", "loop.html", "missing-page.html", "refresh.html"} & audited


def test_crawl_obeys_robots_reads_sitemaps_samples_templates_and_lists_documents(portal_run):
    _, _, report = portal_run
    crawl = report["sites"][0]["crawl"]
    pages = {p["url"].rsplit("/", 1)[1] for p in report["pages"]}
    assert "sitemap-only.html" in pages and crawl["sitemap_urls"] == 2  # via the sitemap index in robots.txt
    assert "secret.html" not in pages and crawl["skip_counts"]["robots"] == 1
    assert crawl["templates"]["/calendar.html?m=*"] == 2 and crawl["templates"]["/news/*.html"] == 2
    assert crawl["skip_counts"]["template"] >= 3  # the endless calendar stops at its quota
    assert any(d.endswith("/files/report.pdf") for d in crawl["documents"])
    assert report["round"]["axe_core"].startswith("4.") and report["round"]["browser"]
    assert report["schema"] == "a11y-audit/web-report" and report["schema_version"] == "1"


def test_junit_and_sarif_are_well_formed(portal_run):
    _, out, report = portal_run
    junit = ElementTree.parse(out / "a11y-junit.xml").getroot()
    assert junit.tag == "testsuites"
    assert any(c.find("failure") is not None and c.get("name") == "axe-image-alt" for c in junit.iter("testcase"))
    assert len(junit.findall(".//error")) == len(report["errors"])
    sarif = json.loads((out / "a11y.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    run_ = sarif["runs"][0]
    ids = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    assert all(ids[r["ruleIndex"]] == r["ruleId"] for r in run_["results"])
    assert {r["level"] for r in run_["results"]} <= {"error", "warning", "note"}
    assert run_["invocations"][0]["executionSuccessful"] is False


def test_markdown_and_html_outputs(portal_run, tmp_path):
    _, out, _ = portal_run
    markdown = (out / "a11y-summary.md").read_text(encoding="utf-8")
    assert "## Web accessibility report" in markdown and "Images must have alternative text" in markdown
    html = out / "a11y-report.html"
    assert "<script" not in html.read_text(encoding="utf-8")
    results = audit_page(html.as_uri())
    assert critical_or_serious(results) == []  # the tool's own report passes its own audit


def test_thresholds_baseline_and_clean_exit(sites_server, tmp_path, chromium_executable):
    page = sites_server.url("defects/image-no-alt.html")
    common = [
        "--max-pages",
        1,
        "--max-depth",
        0,
        "--delay",
        0,
        "--no-sitemap",
        "--ignore-robots",
        "--format",
        "json",
        "--out",
        tmp_path / "out",
    ]
    failing = run(tmp_path / "a.db", page, "--fail-on", "critical,serious", *common)
    assert failing.exit_code == 2, failing.output
    baseline = tmp_path / "baseline.json"
    accepted = run(
        tmp_path / "a.db", page, "--fail-on", "critical", "--baseline", baseline, "--update-baseline", *common
    )
    assert accepted.exit_code == 0, accepted.output
    assert json.loads(baseline.read_text())["entries"]
    again = run(tmp_path / "a.db", page, "--fail-on", "critical", "--baseline", baseline, *common)
    assert again.exit_code == 0, again.output
    ignored = run(
        tmp_path / "a.db",
        page,
        "--fail-on",
        "critical",
        "--ignore",
        "axe-image-alt",
        "--ignore",
        "axe-button-name",
        *common,
    )
    assert ignored.exit_code == 0, ignored.output
    under = run(tmp_path / "a.db", sites_server.url("defects/clean.html"), "--fail-under", 100.5, *common)
    assert under.exit_code == 2 and "under" in under.output
    clean = run(
        tmp_path / "a.db", sites_server.url("defects/clean.html"), "--fail-under", 60, "--fail-on", "critical", *common
    )
    assert clean.exit_code == 0, clean.output


def test_bad_input_exits_1_in_both_languages(tmp_path):
    result = run(tmp_path / "a.db", "ftp://example/")
    assert result.exit_code == 1 and "网址无效" in result.output and "invalid URL" in result.output
    sites = tmp_path / "sites.txt"
    sites.write_text("http://127.0.0.1:9/, 43, 名称\n", encoding="utf-8")
    result = run(tmp_path / "a.db", "--sites", sites)
    assert result.exit_code == 1 and "row 1" in result.output


def test_resume_after_a_killed_run_continues_the_same_round(portal_server, tmp_path, chromium_executable):
    db = tmp_path / "r.db"
    args = [
        sys.executable,
        "-m",
        "audit",
        "--db",
        str(db),
        "web",
        portal_server.url("index.html"),
        "--max-pages",
        "8",
        "--timeout",
        "3",
        "--out",
        str(tmp_path / "out"),
        "--exclude",
        "hang|loop",
    ]
    process = subprocess.Popen(
        [*args, "--delay", "1.5", *ONLY], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=str(tmp_path)
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            time.sleep(0.5)
            if db.exists():
                try:
                    with sqlite3.connect(db) as conn:
                        if conn.execute("SELECT count(DISTINCT subject_key) FROM findings").fetchone()[0] >= 2:
                            break
                except sqlite3.Error:
                    pass
    finally:
        process.kill()
        process.wait()
    with sqlite3.connect(db) as conn:
        before = conn.execute("SELECT count(DISTINCT subject_key) FROM findings").fetchone()[0]
        assert conn.execute("SELECT status FROM rounds").fetchall() == [("running",)]
    assert before >= 2
    resumed = subprocess.run(
        [
            sys.executable,
            "-m",
            "audit",
            "--db",
            str(db),
            "web",
            "--resume",
            "--max-pages",
            "8",
            "--timeout",
            "3",
            "--delay",
            "0",
            "--exclude",
            "hang|loop",
            "--out",
            str(tmp_path / "out"),
        ],
        check=False,  # the exit code is asserted below
        capture_output=True,
        text=True,
        cwd=str(tmp_path),
        timeout=180,
    )
    assert resumed.returncode in (0, 1), resumed.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT id, status FROM rounds").fetchall() == [(1, "complete")]
        pages = conn.execute(
            "SELECT count(DISTINCT subject_key) FROM findings WHERE subject_key LIKE 'page:%'"
        ).fetchone()[0]
        errors = conn.execute("SELECT count(*) FROM subject_errors").fetchone()[0]
    assert pages + errors == 8 and pages > before


def test_outputs_show_which_failures_a_toolbar_caused(sites_server, tmp_path, chromium_executable):
    out = tmp_path / "out"
    result = run(
        tmp_path / "t.db",
        sites_server.url("defects/toolbar-attribution.html"),
        "--max-pages",
        1,
        "--max-depth",
        0,
        "--delay",
        0,
        "--no-sitemap",
        "--ignore-robots",
        "--format",
        "json,junit,sarif,md,html",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    report = json.loads((out / "a11y-report.json").read_text(encoding="utf-8"))
    failures = {f["check"]: f for f in report["pages"][0]["failures"]}
    assert failures["axe-image-alt"]["origin"] == "mixed"
    assert failures["axe-image-alt"]["origins"] == {"site": 1, "third-party-toolbar": 2}
    assert failures["axe-button-name"]["origin"] == "third-party-toolbar"
    assert [e.get("origin") for e in failures["axe-image-alt"]["evidence"]].count("third-party-toolbar") == 2
    assert "| third-party toolbar |" in (out / "a11y-summary.md").read_text(encoding="utf-8")
    assert "[third-party toolbar]" in (out / "a11y-report.html").read_text(encoding="utf-8")
    assert "[origin: third-party-toolbar]" in (out / "a11y-junit.xml").read_text(encoding="utf-8")
    sarif = json.loads((out / "a11y.sarif").read_text(encoding="utf-8"))
    origins = [r["properties"]["origin"] for r in sarif["runs"][0]["results"]]
    assert {"site", "third-party-toolbar"} <= set(origins)


def test_no_builtins_runs_the_axe_rules_only(sites_server, tmp_path, chromium_executable):
    """--no-builtins (the like-for-like comparison with axe-only tools) leaves out every probe check."""
    out = tmp_path / "out"
    result = run(
        tmp_path / "a.db",
        sites_server.url("defects/image-no-alt.html"),
        "--no-builtins",
        "--max-pages",
        1,
        "--max-depth",
        0,
        "--delay",
        0,
        "--no-sitemap",
        "--ignore-robots",
        "--format",
        "json",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    report = json.loads((out / "a11y-report.json").read_text(encoding="utf-8"))
    checks = {f["check"] for page in report["pages"] for f in page["failures"]}
    assert "axe-image-alt" in checks
    with sqlite3.connect(tmp_path / "a.db") as conn:
        stored = {row[0] for row in conn.execute("SELECT DISTINCT check_id FROM findings")}
    assert "axe-image-alt" in stored
    assert not stored & {"web-focus-visible", "web-reflow-320", "web-elder-mode-entry", "web-overlay-toolbar"}, stored


def test_only_runs_the_checks_named_and_refuses_an_unknown_one(sites_server, tmp_path, chromium_executable):
    """--only CHECK (a quick smoke audit) runs that check alone; a misspelt id is an error, not an empty audit."""
    out = tmp_path / "out"
    common = ("--max-pages", 1, "--max-depth", 0, "--delay", 0, "--no-sitemap", "--ignore-robots", "--out", out)
    url = sites_server.url("defects/image-no-alt.html")
    result = run(tmp_path / "a.db", url, "--only", "axe-image-alt", *common)
    assert result.exit_code in (0, 2), result.output
    with sqlite3.connect(tmp_path / "a.db") as conn:
        stored = {row[0] for row in conn.execute("SELECT DISTINCT check_id FROM findings")}
    assert stored == {"axe-image-alt"}, stored
    report = json.loads((out / "a11y-report.json").read_text(encoding="utf-8"))
    assert {f["check"] for page in report["pages"] for f in page["failures"]} == {"axe-image-alt"}
    # its known critical failure grades the page D whatever was left out; a clean page run on one check of the
    # checklist is not graded on it (never 100/A on 1 %), nor is its site
    assert [(p["grade"], p["compliant"]) for p in report["pages"]] == [("D", False)]
    clean = run(tmp_path / "c.db", sites_server.url("defects/clean.html"), "--only", "axe-image-alt", *common)
    assert clean.exit_code == 0 and "insufficient data" in clean.output, clean.output
    report = json.loads((out / "a11y-report.json").read_text(encoding="utf-8"))
    assert [p["state"] for p in report["pages"]] == ["insufficient"] and report["pages"][0]["grade"] is None
    assert [s["state"] for s in report["sites"]] == ["insufficient"]
    wrong = run(tmp_path / "b.db", url, "--only", "axe-image-alt-typo", *common)
    assert wrong.exit_code == 1 and "axe-image-alt-typo" in wrong.output, wrong.output
