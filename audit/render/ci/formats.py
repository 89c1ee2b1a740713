"""The format writers: each takes the report dict (see data.py) and returns text."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

from jinja2 import Environment, FileSystemLoader, select_autoescape

SARIF_LEVEL = {"critical": "error", "serious": "error", "moderate": "warning", "minor": "note"}
TEXT = {
    "zh": {
        "title": "网页无障碍检测报告",
        "round": "轮次",
        "site": "站点",
        "score": "得分",
        "grade": "等级",
        "pages": "页面",
        "failures": "未通过的检测项",
        "errors": "无法检测的页面",
        "check": "检测项",
        "severity": "严重程度",
        "instances": "未通过/通过实例",
        "gate": "CI 结论",
        "passed": "通过",
        "failed": "未通过",
        "none": "无",
        "crawl": "抓取",
        "sampled": "抽样",
        "discovered": "发现",
        "documents": "链接文档",
        "where": "位置",
        "clauses": "依据条款",
        "reason": "原因",
        "origin": "来源",
        # origin labels live apart from the column headers: "site" is also a header key
        "origins": {"site": "网站自身", "third-party-toolbar": "第三方无障碍工具条", "mixed": "网站自身与第三方工具条"},
    },
    "en": {
        "title": "Web accessibility report",
        "round": "Round",
        "site": "Site",
        "score": "Score",
        "grade": "Grade",
        "pages": "Pages",
        "failures": "Failed checks",
        "errors": "Pages that could not be audited",
        "check": "Check",
        "severity": "Severity",
        "instances": "failed/passed instances",
        "gate": "CI result",
        "passed": "passed",
        "failed": "failed",
        "none": "none",
        "crawl": "Crawl",
        "sampled": "sampled",
        "discovered": "discovered",
        "documents": "linked documents",
        "where": "Where",
        "clauses": "Clauses",
        "reason": "Reason",
        "origin": "Origin",
        "origins": {
            "site": "the site",
            "third-party-toolbar": "third-party toolbar",
            "mixed": "the site and a third-party toolbar",
        },
    },
}


def render_json(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=1, default=str) + "\n"


def _title(report: dict, check_id: str) -> str:
    return report["checks"].get(check_id, {}).get("title", check_id)


def _selector_text(selector) -> str:
    return " >> ".join(selector) if isinstance(selector, list) else str(selector or "")


def origin_text(t: dict, failure_or_evidence: dict) -> str:
    """'the site' / 'third-party toolbar (2 of 3)' for a failure; the label alone for one evidence item."""
    labels = t["origins"]
    origin = failure_or_evidence.get("origin") or "site"
    counts = failure_or_evidence.get("origins") or {}
    if origin == "mixed" and counts:
        return "; ".join(f"{labels.get(k, k)} {n}" for k, n in sorted(counts.items()))
    return labels.get(origin, origin)


def render_junit(report: dict) -> str:
    """One testsuite per page, one testcase per failed check, an <error> case per page that could not be audited."""
    suites = ET.Element("testsuites", name="a11y-audit")
    for page in report["pages"]:
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=page["url"] or page["key"],
            tests=str(max(1, len(page["failures"]))),
            failures=str(len(page["failures"])),
            errors="0",
        )
        if not page["failures"]:
            ET.SubElement(suite, "testcase", classname=page["url"] or "", name="accessibility")
        for failure in page["failures"]:
            case = ET.SubElement(suite, "testcase", classname=page["url"] or "", name=failure["check"])
            node = ET.SubElement(
                case,
                "failure",
                type=failure["severity"],
                message=f"{_title(report, failure['check'])} ({failure['severity']})",
            )
            node.text = "\n".join(
                f"{_selector_text(e.get('selector'))}: {e.get('message', '')}"
                + (f" [origin: {e['origin']}]" if e.get("origin") else "")
                for e in failure["evidence"]
            )
    if report["errors"]:
        suite = ET.SubElement(
            suites,
            "testsuite",
            name="pages that could not be audited",
            tests=str(len(report["errors"])),
            failures="0",
            errors=str(len(report["errors"])),
        )
        for error in report["errors"]:
            case = ET.SubElement(suite, "testcase", classname=error["url"], name="audit")
            ET.SubElement(case, "error", type=error["reason"] or "error", message=error["message"])
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def render_sarif(report: dict) -> str:
    """SARIF 2.1.0: rules are checks; each failing instance is a result located by URL and selector."""
    rules = [
        {
            "id": cid,
            "name": cid,
            "shortDescription": {"text": c["title"]},
            "fullDescription": {"text": c["help"] or c["title"]},
            "properties": {"tags": c["clauses"], "level": c["level"]},
        }
        for cid, c in report["checks"].items()
    ]
    index = {r["id"]: i for i, r in enumerate(rules)}
    results = []
    for page in report["pages"]:
        for failure in page["failures"]:
            for evidence in failure["evidence"] or [{}]:
                location = {"physicalLocation": {"artifactLocation": {"uri": page["url"]}}}
                if evidence.get("html"):
                    # not a region: SARIF 2.1.0 requires a region to have a startLine/charOffset/byteOffset, and
                    # a rendered page's element has none; the markup goes in the location's property bag
                    location["properties"] = {"html": evidence["html"]}
                if evidence.get("selector"):
                    location["logicalLocations"] = [
                        {"fullyQualifiedName": _selector_text(evidence["selector"]), "kind": "element"}
                    ]
                results.append(
                    {
                        "ruleId": failure["check"],
                        "ruleIndex": index[failure["check"]],
                        "level": SARIF_LEVEL.get(failure["severity"], "warning"),
                        "message": {"text": evidence.get("message") or _title(report, failure["check"])},
                        "locations": [location],
                        "properties": {"severity": failure["severity"], "origin": evidence.get("origin") or "site"},
                    }
                )
    notifications = [
        {
            "level": "error",
            "message": {"text": e["message"]},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": e["url"]}}}],
        }
        for e in report["errors"]
    ]
    run = {
        "tool": {
            "driver": {
                "name": "a11y-audit",
                "informationUri": "https://github.com/",
                "rules": rules,
                "properties": {"axe-core": report["round"]["axe_core"]},
            }
        },
        "results": results,
        "invocations": [{"executionSuccessful": not report["errors"], "toolExecutionNotifications": notifications}],
    }
    sarif = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
    return json.dumps(sarif, ensure_ascii=False, indent=1) + "\n"


def _md_cell(text) -> str:
    return str(text if text is not None else "–").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def render_markdown(report: dict) -> str:
    """A short summary for a merge-request comment: gate, site scores, the worst failures, errors."""
    t = TEXT.get(report["lang"], TEXT["zh"])
    gate = report.get("gate") or {}
    lines = [f"## {t['title']} · {t['round']} {report['round']['id']}", ""]
    if gate:
        verdict = t["passed"] if gate.get("exit_code") == 0 else t["failed"]
        lines += [f"**{t['gate']}: {verdict}** " + "; ".join(_md_cell(r) for r in gate.get("reasons", [])), ""]
    lines += [f"| {t['site']} | {t['score']} | {t['grade']} | {t['sampled']} |", "|---|---|---|---|"]
    for site in report["sites"]:
        lines.append(
            f"| {_md_cell(site['url'])} | {_md_cell(site['score'])} | {_md_cell(site['grade'])} | "
            f"{site['crawl']['sampled']} |"
        )
    rank = {"critical": 4, "serious": 3, "moderate": 2, "minor": 1}
    failures = sorted(
        ((p, f) for p in report["pages"] for f in p["failures"]),
        key=lambda pf: (-rank.get(pf[1]["severity"], 0), pf[0]["key"]),
    )
    lines += ["", f"### {t['failures']} ({len(failures)})", ""]
    if failures:
        lines += [
            f"| {t['severity']} | {t['check']} | {t['pages']} | {t['instances']} | {t['origin']} |",
            "|---|---|---|---|---|",
        ]
        for page, failure in failures[:50]:
            lines.append(
                f"| {failure['severity']} | {_md_cell(_title(report, failure['check']))} | "
                f"{_md_cell(page['url'])} | {failure['failed']}/{failure['passed']} | "
                f"{_md_cell(origin_text(t, failure))} |"
            )
    else:
        lines.append(t["none"])
    if report["errors"]:
        lines += ["", f"### {t['errors']} ({len(report['errors'])})", ""]
        lines += [f"- {_md_cell(e['url'])}: {_md_cell(e['message'])}" for e in report["errors"]]
    return "\n".join(lines) + "\n"


_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=select_autoescape(["html", "j2"], default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_html(report: dict) -> str:
    """A self-contained page (no scripts, no external assets) that itself passes the tool's audit."""
    t = TEXT.get(report["lang"], TEXT["zh"])
    return _ENV.get_template("report.html.j2").render(
        r=report, t=t, selector_text=_selector_text, origin_text=lambda item: origin_text(t, item)
    )
