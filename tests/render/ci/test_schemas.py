"""The SARIF and JUnit outputs validate against the official SARIF 2.1.0 schema and the JUnit XSD CI tools read."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from audit.render.ci.formats import render_junit, render_sarif
from tests.render.ci.sample_round import insufficient_report, sample_report

SCHEMAS = Path(__file__).resolve().parent / "schemas"


@pytest.fixture(scope="module")
def sarif_validator():
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def junit_schema():
    return xmlschema.XMLSchema10(SCHEMAS / "junit-10.xsd")


def _errors(validator, document) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sarif_validates_against_the_oasis_schema(sarif_validator, lang):
    sarif = json.loads(render_sarif(sample_report(lang)))
    assert _errors(sarif_validator, sarif) == []
    assert len(sarif["runs"][0]["results"]) == 3  # two located instances + one aggregated failure


def test_sarif_of_an_empty_round_validates(sarif_validator):
    report = sample_report()
    report.update(pages=[], errors=[], checks={})
    assert _errors(sarif_validator, json.loads(render_sarif(report))) == []


def test_the_schema_refuses_a_region_with_a_snippet_and_no_start(sarif_validator):
    """The check above can fail: the region the writer used to emit (snippet, no startLine) is invalid."""
    sarif = json.loads(render_sarif(sample_report()))
    bad = copy.deepcopy(sarif)
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"] = {"snippet": {"text": "<img>"}}
    assert _errors(sarif_validator, bad)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_junit_validates_against_the_jenkins_xsd(junit_schema, lang):
    xml = render_junit(sample_report(lang))
    assert list(junit_schema.iter_errors(xml)) == []


def test_junit_of_an_empty_round_validates(junit_schema):
    report = sample_report()
    report.update(pages=[], errors=[])
    xml = render_junit(report)
    assert list(junit_schema.iter_errors(xml)) == []


def test_the_xsd_refuses_a_testsuite_without_counts(junit_schema):
    assert list(junit_schema.iter_errors('<testsuites><testsuite name="x"/></testsuites>'))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_outputs_with_insufficient_subjects_validate(sarif_validator, junit_schema, lang):
    report = insufficient_report(lang)
    assert _errors(sarif_validator, json.loads(render_sarif(report))) == []
    assert list(junit_schema.iter_errors(render_junit(report))) == []


def _with_out_of_scope(lang: str) -> dict:
    """The sample with a page whose chat widget (excluded) fails image-alt twice and a probe once: listed, not scored."""
    report = sample_report(lang)
    report["pages"][0]["out_of_scope"] = [
        {
            "check": "image-alt",
            "outcome": "fail",
            "severity": "critical",
            "region": "#chat-widget",
            "instances": 2,
            "evidence": [
                {"selector": "#chat-widget img", "html": '<img src="bot.png">', "message": "no alt text", "url": "u"},
                {"selector": "#chat-widget .x", "html": '<img src="x.png">', "message": "no alt text", "url": "u"},
            ],
        },
        {
            "check": "color-contrast",
            "outcome": "review",
            "severity": None,
            "region": ":not(main)",
            "instances": 1,
            "evidence": [{"selector": "footer a", "html": "<a>", "message": "", "url": "u"}],
        },
    ]
    return report


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_out_of_scope_findings_are_listed_in_junit_and_sarif_never_as_failures(sarif_validator, junit_schema, lang):
    import xml.etree.ElementTree as ET

    plain, report = sample_report(lang), _with_out_of_scope(lang)
    xml = render_junit(report)
    assert list(junit_schema.iter_errors(xml)) == []
    suite = ET.fromstring(xml).find("testsuite")
    before = ET.fromstring(render_junit(plain)).find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == (before.get("tests"), before.get("failures"))
    assert len(suite.findall("testcase")) == len(before.findall("testcase"))  # no testcase, so no failure
    assert {p.get("name"): p.get("value") for p in suite.iter("property")}["out_of_scope"] == "3"
    out = suite.find("system-out").text
    assert "inside #chat-widget" in out and "#chat-widget .x: no alt text" in out and "inside :not(main)" in out

    sarif = json.loads(render_sarif(report))
    assert _errors(sarif_validator, sarif) == []
    results = sarif["runs"][0]["results"]
    suppressed = [r for r in results if r.get("suppressions")]
    assert len(suppressed) == 3 and len(results) == len(json.loads(render_sarif(plain))["runs"][0]["results"]) + 3
    assert {s["justification"] for r in suppressed for s in r["suppressions"]} == {
        "out of scope: inside #chat-widget",
        "out of scope: inside :not(main)",
    }
