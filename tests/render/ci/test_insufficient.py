"""A site or page with too little answered to grade (待补充) says so in every CI format, never a grade or 'passed'."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from audit.catalog import load_catalog
from audit.model import Category, Finding, Outcome, Subject
from audit.render.ci import build_report
from audit.render.ci.data import REPORT_SCHEMA
from audit.render.ci.formats import render_html, render_json, render_junit, render_markdown, render_sarif
from audit.runs import current_scores
from audit.store import open_store
from tests.render.ci.sample_round import insufficient_report

SITE = "site:https://thin.example.gov.cn"
GOOD = "page:https://thin.example.gov.cn/"
THIN = "page:https://thin.example.gov.cn/notice"
ANSWERED = ["axe-document-title", "axe-html-has-lang", "axe-image-alt"]
UNDECIDED = ["axe-color-contrast", "axe-link-name", "axe-label"]


def _subject(key: str, kind: str) -> Subject:
    url = key.split(":", 1)[1]
    attributes = {"crawl": {"sampled": [GOOD, THIN]}} if kind == "website" else {"template": None}
    return Subject(key, kind, Category.INFORMATION, url, "430102", url, attributes=attributes)


@pytest.fixture(scope="module")
def stored_report(tmp_path_factory):
    """A stored web round: one page fully answered, one page and the site with 1 of 4 checks answered."""
    catalog = load_catalog()
    store = open_store(tmp_path_factory.mktemp("ci") / "a.db")
    round_ = store.begin_round("web")
    store.upsert_subjects([_subject(SITE, "website"), _subject(GOOD, "web-page"), _subject(THIN, "web-page")])
    findings = [Finding(GOOD, c, Outcome.PASS) for c in ANSWERED]
    for key in (THIN, SITE):
        findings += [Finding(key, ANSWERED[0], Outcome.PASS)]
        findings += [
            Finding(key, c, Outcome.REVIEW, evidence=({"selector": ["p"], "message": "?"},)) for c in UNDECIDED
        ]
    store.add_findings(round_.id, findings)
    store.finish_round(round_.id)
    scores = current_scores(store, catalog, round_.id)
    reports = {
        lang: build_report(store, catalog, round_.id, scores, {"exit_code": 0, "reasons": []}, lang)
        for lang in ("zh", "en")
    }
    store.close()
    return reports


def test_json_names_the_state_and_reasons_and_validates_against_the_schema(stored_report):
    schema = json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))
    for report in stored_report.values():
        jsonschema.Draft202012Validator(schema).validate(json.loads(render_json(report)))
    report = stored_report["zh"]
    pages = {p["key"]: p for p in report["pages"]}
    (site,) = report["sites"]
    for thin in (site, pages[THIN]):
        assert (thin["state"], thin["score"], thin["grade"], thin["compliant"]) == ("insufficient", None, None, False)
        assert thin["reasons"] == ["coverage-below-floor"] and thin["state_label"] == "待补充"
        assert "25%" in thin["reason_text"]
    assert (pages[GOOD]["state"], pages[GOOD]["grade"], pages[GOOD]["reasons"]) == ("graded", "A", [])
    assert report["summary"]["insufficient_sites"] == 1 and report["summary"]["insufficient_pages"] == 1
    assert stored_report["en"]["sites"][0]["state_label"] == "Insufficient data"


def test_the_schema_refuses_an_insufficient_subject_with_a_grade(stored_report):
    report = json.loads(render_json(stored_report["en"]))
    report["sites"][0]["grade"] = "A"
    schema = json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(report)


@pytest.mark.parametrize(
    ("lang", "label", "verdict"), [("zh", "待补充", "未评定"), ("en", "Insufficient data", "not graded")]
)
def test_markdown_shows_the_label_and_reason_and_never_passed(lang, label, verdict):
    text = render_markdown(insufficient_report(lang))
    assert f"{verdict}" in text.split("\n")[2] and "passed" not in text.split("\n")[2] and "通过**" not in text
    site_row = next(line for line in text.splitlines() if line.startswith("| 示例市政府"))
    assert f"| – | {label} (" in site_row and "25%" in site_row
    assert "https://a.example.gov.cn/about" in text.split("### ")[1]  # listed under the insufficient heading
    assert "### " + ("待补充" if lang == "zh" else "Insufficient data") in text


def test_html_shows_the_label_and_reason_instead_of_a_grade():
    page = render_html(insufficient_report("en"))
    assert "CI result: not graded (insufficient data)" in page and "CI result: passed" not in page
    assert "<td>–</td><td>Insufficient data (only 25% answered, below the share needed to grade)</td>" in page
    about = page.split("关于")[1].split("</summary>")[0]
    assert "Insufficient data (only 25% answered" in about and "Score" not in about


def test_junit_lists_insufficient_subjects_as_skipped_with_the_state_as_a_property():
    root = ET.fromstring(render_junit(insufficient_report("en")))
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    about = suites["https://a.example.gov.cn/about"]
    assert about.find("properties/property[@name='state']").get("value") == "insufficient"
    assert about.find("properties/property[@name='reasons']").get("value") == "coverage-below-floor"
    assert about.find("testcase[@name='accessibility']") is None  # no passing placeholder
    skipped = about.find("testcase[@name='grade']/skipped")
    assert skipped.get("type") == "insufficient" and skipped.get("message").startswith("Insufficient data (only 25%")
    assert (about.get("tests"), about.get("skipped"), about.get("failures")) == ("1", "1", "0")
    site_case = suites["sites"].find("testcase")
    assert site_case.get("classname") == "https://a.example.gov.cn/" and site_case.find("skipped") is not None


def test_sarif_run_and_results_carry_the_state():
    report = insufficient_report("en")
    report["pages"][1]["failures"] = [dict(report["pages"][0]["failures"][1])]
    run = json.loads(render_sarif(report))["runs"][0]
    assert run["properties"]["verdict"] == "insufficient"
    (site,) = run["properties"]["sites"]
    assert (site["state"], site["grade"], site["reasons"]) == ("insufficient", None, ["coverage-below-floor"])
    assert {e["url"] for e in run["properties"]["insufficient"]} == {
        "https://a.example.gov.cn/",
        "https://a.example.gov.cn/about",
    }
    states = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r["properties"]["state"]
        for r in run["results"]
    }
    assert (
        states["https://a.example.gov.cn/about"] == "insufficient" and states["https://a.example.gov.cn/"] == "graded"
    )
