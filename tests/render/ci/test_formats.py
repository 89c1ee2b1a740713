"""Each CI format written from one hand-made round: what a webmaster's CI reads in JSON, JUnit, SARIF, Markdown, HTML."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

import pytest

from audit.render.ci import FORMATS, write_outputs
from audit.render.ci.formats import TEXT, render_html, render_json, render_junit, render_markdown, render_sarif
from tests.render.ci.sample_round import sample_report


def test_json_is_the_report_itself():
    report = sample_report()
    assert json.loads(render_json(report)) == report


def test_json_keeps_chinese_readable():
    assert "示例市政府" in render_json(sample_report("zh"))


def test_junit_has_a_suite_per_page_a_failure_per_check_and_an_error_per_page_not_audited():
    root = ET.fromstring(render_junit(sample_report()))
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    home = suites["https://a.example.gov.cn/"]
    assert (home.get("tests"), home.get("failures")) == ("2", "2")
    failures = {c.get("name"): c.find("failure") for c in home.findall("testcase")}
    assert failures["image-alt"].get("type") == "critical"
    assert failures["image-alt"].get("message") == "Images have a text alternative (critical)"
    assert "img.logo: no alt text" in failures["image-alt"].text
    assert "#toolbar >> img: toolbar image [origin: third-party-toolbar]" in failures["image-alt"].text
    clean = suites["https://a.example.gov.cn/about"]
    assert (clean.get("tests"), clean.get("failures")) == ("1", "0")
    assert clean.find("testcase/failure") is None
    errors = suites["pages that could not be audited"]
    assert errors.get("errors") == "1"
    assert errors.find("testcase/error").get("message") == "page did not load in 30 s"


def test_sarif_results_are_located_by_url_and_selector():
    sarif = json.loads(render_sarif(sample_report()))
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["color-contrast", "image-alt"]
    assert run["tool"]["driver"]["properties"]["axe-core"] == "4.10.2"
    results = run["results"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    first, toolbar, aggregated = results
    assert (first["ruleId"], first["level"], first["message"]["text"]) == ("image-alt", "error", "no alt text")
    location = first["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "https://a.example.gov.cn/"
    assert "region" not in location["physicalLocation"]
    assert location["properties"]["html"] == '<img src="logo.png">'
    assert location["logicalLocations"] == [{"fullyQualifiedName": "img.logo", "kind": "element"}]
    assert toolbar["properties"]["origin"] == "third-party-toolbar"
    assert first["properties"]["origin"] == "site"
    # a failure without instances is still one result, at the page, worded by the check's title
    assert (aggregated["ruleId"], aggregated["level"]) == ("color-contrast", "warning")
    assert aggregated["message"]["text"] == "Text has enough contrast"
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["message"]["text"] == "page did not load in 30 s"


@pytest.mark.parametrize(("lang", "header"), [("en", "| Site | Score |"), ("zh", "| 站点 | 得分 |")])
def test_markdown_site_table_header_names_the_site_column(lang, header):
    """Regression: a duplicated "site" key made this header read "the site" / "网站自身"."""
    lines = render_markdown(sample_report(lang)).splitlines()
    assert any(line.startswith(header) for line in lines)
    assert not any(line.startswith(("| the site |", "| 网站自身 |")) for line in lines)


def test_markdown_lists_worst_failures_first_with_their_origin_and_escapes_cells():
    report = sample_report()
    report["gate"]["reasons"] = ["a | b"]
    text = render_markdown(report)
    assert "**CI result: failed** a \\| b" in text
    rows = [line for line in text.splitlines() if line.startswith(("| critical", "| moderate"))]
    assert rows[0].startswith("| critical | Images have a text alternative | https://a.example.gov.cn/ | 2/3 |")
    assert rows[0].endswith("| the site 1; third-party toolbar 1 |")
    assert rows[1].startswith("| moderate | Text has enough contrast |") and rows[1].endswith("| the site |")
    assert "- https://a.example.gov.cn/broken: page did not load in 30 s" in text


def test_markdown_of_a_clean_round_says_none_and_passed():
    report = sample_report()
    report.update(pages=[], errors=[], gate={"exit_code": 0, "reasons": []})
    text = render_markdown(report)
    assert "**CI result: passed**" in text
    assert "### Failed checks (0)" in text and "\nnone\n" in text


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.chunks: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.chunks.append(data)


def test_html_names_sites_pages_origins_and_escapes_page_text():
    page = render_html(sample_report())
    parser = _Text()
    parser.feed(page)
    text = " ".join(parser.chunks)
    assert "script" not in parser.tags and "b" not in parser.tags  # the page name's <b> stays text
    assert "关于 | <b>我们</b>" in text
    assert '<th scope="col">Site</th>' in page
    assert "Origin: the site 1; third-party toolbar 1" in text
    assert "[third-party toolbar]" in text
    assert "page did not load in 30 s" in text


def test_every_format_has_the_same_labels_in_both_languages():
    assert set(TEXT["zh"]) == set(TEXT["en"])
    assert set(TEXT["zh"]["origins"]) == set(TEXT["en"]["origins"]) == {"site", "third-party-toolbar", "mixed"}


def test_write_outputs_writes_each_requested_format(tmp_path):
    written = write_outputs(sample_report(), list(FORMATS), tmp_path / "out")
    assert {p.name for p in written.values()} == {name for name, _ in FORMATS.values()}
    for path in written.values():
        assert path.read_text(encoding="utf-8").strip()
