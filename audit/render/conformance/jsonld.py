"""The evaluation as JSON-LD in the shape W3C's WCAG-EM Report Tool exports and loads: an Evaluation with its scope,
structured sample and one EARL assertion per WCAG 2.1 success criterion, each with a part per sampled page."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from audit.catalog import Messages

SCHEMA = Path(__file__).parent / "schemas" / "wcag-em-report.schema.json"
PUBLISHER = "a11y-audit"
# The Report Tool's own context (WCAG-EM steps, EARL, Dublin Core), plus `a11y:` for what it has no term for.
CONTEXT: dict[str, Any] = {
    "@vocab": "http://www.w3.org/TR/WCAG-EM/#",
    "reporter": "https://github.com/w3c/wcag-em-report-tool/",
    "wcagem": "http://www.w3.org/TR/WCAG-EM/#",
    "WCAG2": "http://www.w3.org/TR/WCAG21/#",
    "earl": "http://www.w3.org/ns/earl#",
    "dct": "http://purl.org/dc/terms/",
    "wai": "http://www.w3.org/WAI/",
    "sch": "http://schema.org/",
    "a11y": "https://github.com/a11y-audit/a11y-audit/ns#",
    "Evaluation": "wcagem:Evaluation",
    "EvaluationScope": "wcagem:EvaluationScope",
    "TestSubject": "earl:TestSubject",
    "WebSite": "sch:WebSite",
    "Sample": "wcagem:Sample",
    "WebPage": "sch:WebPage",
    "Technology": "WCAG2:dfn-technologies",
    "Assertion": "earl:Assertion",
    "Assertor": "earl:Assertor",
    "TestResult": "earl:TestResult",
    "title": "dct:title",
    "summary": "dct:summary",
    "creator": {"@id": "dct:creator", "@type": "@id"},
    "date": "dct:date",
    "commissioner": "wcagem:commissioner",
    "reliedUponTechnology": "WCAG2:dfn-relied-upon",
    "evaluationScope": "step1",
    "structuredSample": "step3a",
    "randomSample": "step3b",
    "auditResult": "step4",
    "specifics": "step5b",
    "publisher": {"@id": "dct:publisher", "@type": "@id"},
    "conformanceTarget": {"@id": "step1b", "@type": "@id"},
    "accessibilitySupportBaseline": "step1c",
    "additionalEvalRequirement": "step1d",
    "website": "WCAG2:dfn-set-of-web-pages",
    "siteScope": "step1a",
    "siteName": "sch:name",
    "webpage": "WCAG2:dfn-web-page-s",
    "description": "dct:description",
    "source": {"@id": "dct:source", "@type": "@id"},
    "tested": "reporter:blob/master/docs/EARL%2BJSON-LD.md#tested",
    "test": {"@id": "earl:test", "@type": "@id"},
    "assertedBy": {"@id": "earl:assertedBy", "@type": "@id"},
    "subject": {"@id": "earl:subject", "@type": "@id"},
    "result": "earl:result",
    "mode": {"@id": "earl:mode", "@type": "@id"},
    "hasPart": "dct:hasPart",
    "outcome": {"@id": "earl:outcome", "@type": "@id"},
    "id": "@id",
    "type": "@type",
    "lang": "@language",
}
EVALUATOR = "_:evaluator"
WEBSITE = "_:website"


def _mode(modes: list[str]) -> str:
    decided = set(modes) - {"none"}
    if decided == {"automatic"}:
        return "earl:automatic"
    if decided == {"automatic", "manual"}:
        return "earl:semiAuto"
    return "earl:manual"


def _page_mode(results: list[Mapping[str, Any]]) -> str:
    return _mode(sorted({r["mode"] for r in results}))


def _description(criterion: Mapping[str, Any], messages: Messages, lang: str) -> str:
    parts = []
    if criterion["failed_pages"]:
        parts.append(messages.t("review.report.pages-fail", lang, count=criterion["failed_pages"]))
    if criterion["open_items"]:
        parts.append(messages.t("review.report.pages-open", lang, count=criterion["open_items"]))
    notes = [r["note"] for r in criterion["results"] if r["mode"] == "manual" and r["note"]]
    return "; ".join(parts + notes)


def _assertion(criterion: Mapping[str, Any], evaluation: Mapping[str, Any], messages: Messages, lang: str) -> dict:
    test = f"WCAG2:{criterion['slug']}"
    date = evaluation["round"]["finished_at"] or evaluation["round"]["started_at"]
    parts = []
    for page in criterion["pages"]:
        if page["page"] is None:
            continue
        results = [r for r in criterion["results"] if r["page"] == page["page"]]
        decided = [r["decided_at"] for r in results if r.get("decided_at")]
        parts.append(
            {
                "type": "Assertion",
                "assertedBy": EVALUATOR,
                "subject": [page["page"]],
                "result": {
                    "type": "TestResult",
                    "outcome": f"earl:{page['outcome']}",
                    "description": "; ".join(r["note"] for r in results if r.get("note")),
                    "date": max(decided) if decided else date,
                },
                "multiPage": False,
                "mode": _page_mode(results),
                "testcase": test,
            }
        )
    result: dict[str, Any] = {
        "type": "TestResult",
        "outcome": f"earl:{criterion['outcome']}",
        "description": _description(criterion, messages, lang),
    }
    if criterion["outcome"] != "untested":
        result["date"] = date
    assertion = {
        "type": "Assertion",
        "test": test,
        "subject": WEBSITE,
        "result": result,
        "mode": _mode(criterion["modes"]),
        "hasPart": parts,
    }
    if criterion["outcome"] != "untested":
        assertion["assertedBy"] = EVALUATOR
    return assertion


def to_jsonld(evaluation: Mapping[str, Any], messages: Messages, lang: str = "en") -> dict[str, Any]:
    """The Report Tool's export shape (`@graph`: the Evaluation, then the evaluator), GB/T 37668 results and the
    MIIT view under `a11y:` terms it ignores."""
    site, round_ = evaluation["site"], evaluation["round"]
    statement = evaluation["statement"]
    signer = statement["signatures"][-1]["signer"] if statement["signatures"] else PUBLISHER
    count = statement["failed"] if statement["state"] == "does-not-conform" else statement["open"]
    report = {
        "@context": CONTEXT,
        "type": "Evaluation",
        "publisher": f"a11y:{PUBLISHER}",
        "lang": lang,
        "title": messages.t("review.report.title", lang, site=site["name"]),
        "commissioner": site["name"],
        "date": round_["finished_at"] or round_["started_at"],
        "summary": messages.t(f"review.statement.{statement['state']}", lang, count=count),
        "specifics": f"axe-core {round_.get('axe_core') or '?'}; {round_.get('browser') or ''}".strip("; "),
        "creator": EVALUATOR,
        "evaluationScope": {
            "type": "EvaluationScope",
            "conformanceTarget": "wai:WCAG2AA-Conformance",
            "additionalEvalRequirement": messages.t("review.report.target-text", lang),
            "website": {
                "type": ["TestSubject", "WebSite"],
                "id": WEBSITE,
                "siteName": site["name"],
                "siteScope": messages.t(
                    "review.report.scope-text",
                    lang,
                    url=site["url"],
                    round=round_["id"],
                    date=(round_["finished_at"] or round_["started_at"] or "")[:10],
                ),
            },
            "accessibilitySupportBaseline": round_.get("browser") or "Chromium",
        },
        "auditResult": [_assertion(c, evaluation, messages, lang) for c in evaluation["criteria"]],
        "structuredSample": {
            "webpage": [
                {
                    "type": ["TestSubject", "WebPage"],
                    "id": p["id"],
                    "description": p["url"],
                    "title": p["title"] or p["url"],
                    "tested": True,
                    "a11y:reasons": [r["code"] for r in p["reasons"]],
                }
                for p in evaluation["sample"]
            ]
        },
        "randomSample": {"webpage": []},
        "reliedUponTechnology": [
            {"title": "HTML", "id": "https://html.spec.whatwg.org/", "type": "Technology"},
            {"title": "CSS", "id": "http://www.w3.org/Style/CSS/specs/", "type": "Technology"},
            {"title": "JavaScript", "id": "https://tc39.es/ecma262/", "type": "Technology"},
        ],
        "a11y:gbt37668": [
            {"clause": c["clause"], "verified": c["verified"], "outcome": f"earl:{c['outcome']}"}
            for c in evaluation["clauses"]
        ],
        "a11y:statement": {
            "state": statement["state"],
            "signatures": [dict(s) for s in statement["signatures"]],
        },
    }
    if evaluation.get("elder"):
        elder = evaluation["elder"]
        report["a11y:elderFriendly"] = {
            "passLine": elder["pass_line"],
            "score": elder["score"],
            "state": elder["state"],
            "failedMandatory": elder["failed_mandatory"],
            "unverifiedWeights": elder["unverified"],
        }
    evaluator = {
        "@context": {"@vocab": "http://xmlns.com/foaf/0.1/", "id": "@id", "type": "@type"},
        "id": EVALUATOR,
        "type": "Person",
        "name": signer,
    }
    return {"@graph": [report, evaluator]}
