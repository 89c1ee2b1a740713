"""The conformance report from a stored round with verdicts: results per WCAG success criterion and GB/T 37668
clause, a statement that claims nothing undecided, HTML that escapes what came from the web, JSON-LD valid against
the schema of what we emit (the WCAG-EM Report Tool's shape), and MIIT's 100-point view."""

from __future__ import annotations

import json

from jsonschema import Draft202012Validator

from audit.render.conformance import SCHEMA, report_page, to_jsonld
from audit.runs.conformance import evaluation
from audit.runs.review import Decision, build_queue, decide
from tests.runs.review_rounds import HOME, NEWS, SITE, web_round

HOSTILE = "<script>alert(1)</script>{{ 7*7 }}"


def _decide(store, catalog, round_id, wanted: dict[tuple[str, str], str]) -> None:
    items = {(i.subject.key, i.check.id): i for i in build_queue(store, catalog, round_id)}
    decide(store, catalog, round_id, [Decision(items[k].id, o, "复核说明") for k, o in wanted.items()], "li")


def _criterion(data, number):
    return next(c for c in data["criteria"] if c["number"] == number)


def test_results_per_criterion_and_clause_and_an_honest_statement(store, catalog):
    round_id = web_round(store, catalog)
    data = evaluation(store, catalog, round_id, SITE)
    assert [p["url"] for p in data["sample"]] == [HOME[5:], NEWS[5:]]
    assert data["sample"][0]["reasons"][0] == {"code": "home"}
    assert {"code": "crawl", "reason": "sitemap"} in data["sample"][1]["reasons"]
    assert _criterion(data, "1.1.1")["outcome"] == "failed"  # axe-image-alt fails on the news page
    assert _criterion(data, "1.4.3")["outcome"] == "cantTell"  # axe could not decide the banner
    assert _criterion(data, "2.5.1")["outcome"] == "untested"
    assert data["statement"]["state"] == "does-not-conform"

    _decide(store, catalog, round_id, {(HOME, "axe-color-contrast"): "pass", (HOME, "manual-wcag-3.2.2"): "fail"})
    data = evaluation(store, catalog, round_id, SITE)
    contrast = _criterion(data, "1.4.3")
    assert contrast["outcome"] == "passed" and set(contrast["modes"]) == {"automatic", "manual"}
    on_input = _criterion(data, "3.2.2")
    assert on_input["outcome"] == "failed" and on_input["modes"] == ["manual", "none"]  # the news page is open
    manual = next(r for r in on_input["results"] if r["mode"] == "manual")
    assert (manual["author"], manual["note"]) == ("li", "复核说明")
    focus = next(c for c in data["clauses"] if c["clause"] == "3.3.3.6")
    assert focus["outcome"] == "cantTell" and focus["verified"] is False


def test_html_escapes_page_titles_and_marks_unverified_clauses(store, catalog):
    round_id = web_round(store, catalog, home_title=HOSTILE)
    data = evaluation(store, catalog, round_id, SITE)
    zh = report_page(data, catalog.messages, "zh")
    assert "<script>alert(1)</script>" not in zh and "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}" in zh
    assert '<html lang="zh-CN">' in zh and "按 WCAG 2.1 成功准则的结果" in zh and "[待核实]" in zh
    assert "尚未复核" in zh and "评估尚未完成" not in zh  # a failing criterion: does not conform, said as such
    en = report_page(data, catalog.messages, "en")
    assert "Results by WCAG 2.1 success criterion" in en and "[unverified]" in en


def test_jsonld_is_valid_against_the_schema_and_the_report_tools_shape(store, catalog):
    round_id = web_round(store, catalog, home_title=HOSTILE)
    _decide(store, catalog, round_id, {(HOME, "manual-wcag-3.2.2"): "fail", (NEWS, "manual-wcag-3.2.2"): "pass"})
    store.sign_statement(round_id, SITE, "李四", "2026-12-04T10:00:00+00:00", {"remarks": "已复核"})
    document = to_jsonld(evaluation(store, catalog, round_id, SITE), catalog.messages, "zh")
    validator = Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert list(validator.iter_errors(document)) == []
    report, person = document["@graph"]
    assert person["name"] == "李四" and report["evaluationScope"]["conformanceTarget"] == "wai:WCAG2AA-Conformance"
    assert len(report["auditResult"]) == 50  # every WCAG 2.1 A/AA criterion, untested ones included
    on_input = next(a for a in report["auditResult"] if a["test"] == "WCAG2:on-input")
    assert on_input["result"]["outcome"] == "earl:failed" and on_input["mode"] == "earl:manual"
    assert {p["result"]["outcome"] for p in on_input["hasPart"]} == {"earl:failed", "earl:passed"}
    assert report["structuredSample"]["webpage"][0]["title"] == HOSTILE  # data in JSON, never markup
    assert report["a11y:statement"]["state"] == "does-not-conform"
    # what the schema refuses: an outcome outside EARL's, a test that is not a WCAG-EM id
    broken = json.loads(json.dumps(document))
    broken["@graph"][0]["auditResult"][0]["result"]["outcome"] = "earl:maybe"
    broken["@graph"][0]["auditResult"][1]["test"] = "1.1.1"
    assert len(list(validator.iter_errors(broken))) >= 2


def test_miit_view_pass_line_mandatory_items_and_unverified_weights(store, catalog):
    round_id = web_round(store, catalog)
    data = evaluation(store, catalog, round_id, SITE)
    elder = data["elder"]
    assert elder["pass_line"] == 60 and elder["state"] == "insufficient" and elder["score"] is None
    entry = next(i for i in elder["items"] if i["check"] == "manual-miit-entry")
    assert (entry["outcome"], entry["source"]) == ("fail", "automatic")  # from the probe web-elder-mode-entry
    assert sum(i["points"] for i in elder["items"]) == 100 and all(not i["verified"] for i in elder["items"])
    assert {i["check"] for i in elder["items"] if i["mandatory"]} == {
        "manual-miit-no-ads",
        "manual-miit-no-popup-ads",
        "manual-miit-no-induced",
    }
    open_items = {i["check"] for i in elder["items"] if i["outcome"] is None}
    _decide(store, catalog, round_id, {(HOME, c): "pass" for c in open_items})
    elder = evaluation(store, catalog, round_id, SITE)["elder"]
    assert (elder["score"], elder["state"]) == (90.0, "pass")  # the entry's 10 points lost
    _decide(store, catalog, round_id, {(HOME, "manual-miit-no-ads"): "fail"})
    elder = evaluation(store, catalog, round_id, SITE)["elder"]
    assert elder["state"] == "fail" and elder["failed_mandatory"] == ["manual-miit-no-ads"]
    html = report_page(evaluation(store, catalog, round_id, SITE), catalog.messages, "zh")
    assert "合格线 60" in html and "否决项不通过：适老化页面无广告及广告插件" in html and html.count("[待核实]") >= 16
