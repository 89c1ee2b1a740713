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
        "reviews": "需人工复核",
        "review_note": "需人工复核（axe-core 无法自动判定）",
        "broken_links": "失效链接",
        "linked_from": "链接来源",
        "baseline": "基线",
        "new": "新增",
        "known": "已知",
        "start_urls": "起始网址",
        "not_audited": "未检测到任何页面",
        "insufficient": "待补充",
        "not_graded": "未评定（数据不足，待补充）",
        "insufficient_heading": "待补充（数据不足，未评级）",
        "summary_insufficient": "待补充：{sites} 个站点、{pages} 个页面（数据不足，未评级，不计为通过）",
        "summary": "{pages} 页 · 未通过 {failures} 项 · 需人工复核 {reviews} 项 · 失效链接 {broken} 个 · 出错 {errors} 页",
        "summary_baseline": "相对基线：新增 {new} 个实例，已知 {known} 个",
        "summary_out_of_scope": "排除区域内 {count} 个实例（列出，不计分）",
        "out_of_scope": "范围外（排除区域，不计分）",
        "region": "区域",
        "profiles": {"desktop": "桌面端", "mobile": "移动端"},
        "flow": "流程",
        "reused": {"304": "未变：304", "dom": "未变：DOM 相同"},
        "reused_heading": "未变、沿用上一轮结果的页面",
        "summary_reused": "{count} 页未变（沿用上一轮结果）",
        "more": "另有 {count} 项",
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
        "reviews": "Needs review",
        "review_note": "needs review (axe-core could not decide)",
        "broken_links": "Broken links",
        "linked_from": "linked from",
        "baseline": "Baseline",
        "new": "new",
        "known": "known",
        "start_urls": "Start URLs",
        "not_audited": "no page was audited",
        "insufficient": "Insufficient data",
        "not_graded": "not graded (insufficient data)",
        "insufficient_heading": "Insufficient data (not graded)",
        "summary_insufficient": "insufficient data: {sites} sites, {pages} pages (not graded, never counted as passed)",
        "summary": "{pages} pages · {failures} failed checks · {reviews} to review · {broken} broken links · {errors} errors",
        "summary_baseline": "against the baseline: {new} new instances, {known} known",
        "summary_out_of_scope": "{count} instances inside excluded regions (listed, not scored)",
        "out_of_scope": "Out of scope (excluded regions, not scored)",
        "region": "Region",
        "profiles": {"desktop": "desktop", "mobile": "mobile"},
        "flow": "flow",
        "reused": {"304": "unchanged: 304", "dom": "unchanged: same DOM"},
        "reused_heading": "Pages unchanged, last round's findings kept",
        "summary_reused": "{count} pages unchanged (last round's findings kept)",
        "more": "{count} more",
        "origins": {
            "site": "the site",
            "third-party-toolbar": "third-party toolbar",
            "mixed": "the site and a third-party toolbar",
        },
    },
}


def summary_text(t: dict, report: dict) -> str:
    """One line of counts (and new vs known when a baseline was given); empty for a report without a summary."""
    summary = report.get("summary")
    if not summary:
        return ""
    text = t["summary"].format(
        pages=summary["pages"],
        failures=summary["failures"],
        reviews=summary["reviews"],
        broken=summary["broken_links"],
        errors=summary["errors"],
    )
    if summary.get("baseline"):
        text += " · " + t["summary_baseline"].format(new=summary["new"], known=summary["known"])
    if summary.get("out_of_scope"):
        text += " · " + t["summary_out_of_scope"].format(count=summary["out_of_scope"])
    if summary.get("reused"):
        text += " · " + t["summary_reused"].format(count=summary["reused"])
    if summary.get("insufficient_sites") or summary.get("insufficient_pages"):
        text += " · " + t["summary_insufficient"].format(
            sites=summary.get("insufficient_sites", 0), pages=summary.get("insufficient_pages", 0)
        )
    return text


def is_insufficient(entry: dict) -> bool:
    return entry.get("state") == "insufficient"


def grade_text(t: dict, entry: dict) -> str:
    """A site's or page's grade, or 待补充 / Insufficient data with why: an insufficient subject has no grade."""
    if is_insufficient(entry):
        label = entry.get("state_label") or t["insufficient"]
        return f"{label} ({entry['reason_text']})" if entry.get("reason_text") else label
    return str(entry.get("grade") or "–")


def score_text(entry: dict) -> str:
    return "–" if is_insufficient(entry) or entry.get("score") is None else str(entry["score"])


def verdict_text(t: dict, gate: dict) -> str:
    """The CI result: passed only with exit 0 and no site insufficient; otherwise failed or not graded."""
    if gate.get("exit_code") != 0:
        return t["failed"]
    if gate.get("verdict") == "insufficient" or gate.get("insufficient"):
        return t["not_graded"]
    return t["passed"]


def page_label(t: dict, page: dict) -> str:
    """A page's URL, with its browser profile when it is not desktop: one page in two profiles is two entries;
    a flow's state adds the flow's and the state's names (个体工商户登记 › 第二步)."""
    url = page.get("url") or page["key"]
    profile = page.get("profile") or "desktop"
    flow = page.get("flow")
    if flow:
        url = f"{url} [{t['flow']}: {flow['name']} › {flow['state']}]"
    return url if profile == "desktop" else f"{url} [{t['profiles'].get(profile, profile)}]"


def state_text(t: dict, item: dict) -> str:
    """'new' / 'known' for an item or instance compared with a baseline; '' without one."""
    state = item.get("baseline_state")
    return t[state] if state in ("new", "known") else ""


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
        reviews = page.get("reviews", [])
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=page_label(TEXT["en"], page),
            tests=str(max(1, len(page["failures"]) + len(reviews) + is_insufficient(page))),
            failures=str(len(page["failures"])),
            errors="0",
            skipped=str(len(reviews) + is_insufficient(page)),
        )
        if is_insufficient(page):
            _junit_insufficient(suite, page)
        elif not page["failures"] and not reviews:
            ET.SubElement(suite, "testcase", classname=page["url"] or "", name="accessibility")
        for failure in page["failures"]:
            case = ET.SubElement(suite, "testcase", classname=page["url"] or "", name=failure["check"])
            state = f" [{failure['baseline_state']}]" if failure.get("baseline_state") else ""
            node = ET.SubElement(
                case,
                "failure",
                type=failure["severity"],
                message=f"{_title(report, failure['check'])} ({failure['severity']}){state}",
            )
            node.text = _junit_evidence(failure)
        for review in reviews:  # axe could not decide: a person must look; skipped, never a failure
            case = ET.SubElement(suite, "testcase", classname=page["url"] or "", name=review["check"])
            state = f" [{review['baseline_state']}]" if review.get("baseline_state") else ""
            node = ET.SubElement(
                case,
                "skipped",
                message=f"needs review: {_title(report, review['check'])} ({review['severity']}){state}",
            )
            node.text = _junit_evidence(review)
        _junit_out_of_scope(suite, report, page)
        if page.get("reused"):  # findings kept from the last round: said, so a build log shows what was not re-run
            properties = suite.find("properties")
            if properties is None:
                properties = ET.Element("properties")
                suite.insert(0, properties)
            ET.SubElement(properties, "property", name="reused", value=TEXT["en"]["reused"][page["reused"]])
    sites = [site for site in report["sites"] if is_insufficient(site)]
    if sites:  # a site not graded is listed as skipped, never as a passing test
        suite = ET.SubElement(
            suites, "testsuite", name="sites", tests=str(len(sites)), failures="0", errors="0", skipped=str(len(sites))
        )
        for site in sites:
            _junit_insufficient(suite, site)
    broken = report.get("broken_links", [])
    if broken:
        suite = ET.SubElement(
            suites, "testsuite", name="broken links", tests=str(len(broken)), failures=str(len(broken)), errors="0"
        )
        for link in broken:
            case = ET.SubElement(suite, "testcase", classname=link["url"], name="link")
            node = ET.SubElement(case, "failure", type="broken-link", message=link["message"])
            node.text = f"HTTP {link.get('status')} <- {link.get('referrer') or ''}"
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


def _junit_out_of_scope(suite: ET.Element, report: dict, page: dict) -> None:
    """Instances inside excluded regions: counted in the suite's properties and listed in its system-out, never a
    testcase (they fail no build)."""
    items = page.get("out_of_scope") or []
    if not items:
        return
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="out_of_scope", value=str(sum(i["instances"] for i in items)))
    lines = []
    for item in items:
        severity = f", {item['severity']}" if item.get("severity") else ""
        lines.append(
            f"out of scope (inside {item['region']}, not scored): {item['check']} {_title(report, item['check'])} "
            f"({item['outcome']}{severity}, {item['instances']} instances)"
        )
        lines += [f"  {line}" for line in _junit_evidence(item).splitlines()]
    ET.SubElement(suite, "system-out").text = "\n".join(lines)


def _junit_insufficient(suite: ET.Element, entry: dict) -> None:
    """The state as suite properties and a skipped 'grade' case: 待补充 is neither a pass nor a failure."""
    properties = ET.Element("properties")
    ET.SubElement(properties, "property", name="state", value="insufficient")
    ET.SubElement(properties, "property", name="reasons", value=",".join(entry.get("reasons") or []))
    suite.insert(0, properties)
    case = ET.SubElement(suite, "testcase", classname=entry.get("url") or "", name="grade")
    ET.SubElement(case, "skipped", type="insufficient", message=grade_text(TEXT["en"], {**entry, "state_label": None}))


def _junit_evidence(item: dict) -> str:
    return "\n".join(
        f"{_selector_text(e.get('selector'))}: {e.get('message', '')}"
        + (f" [origin: {e['origin']}]" if e.get("origin") else "")
        + (f" [{e['baseline_state']}]" if e.get("baseline_state") else "")
        for e in item["evidence"]
    )


SARIF_BASELINE = {"new": "new", "known": "unchanged"}
BROKEN_LINK_RULE = "broken-link"


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
    broken = report.get("broken_links", [])
    if broken:
        rules.append(
            {
                "id": BROKEN_LINK_RULE,
                "name": BROKEN_LINK_RULE,
                "shortDescription": {"text": "Links lead to pages that exist"},
                "properties": {"tags": ["broken-link"]},
            }
        )
    index = {r["id"]: i for i, r in enumerate(rules)}
    results = []
    for page in report["pages"]:
        items = [(f, False) for f in page["failures"]] + [(r, True) for r in page.get("reviews", [])]
        for failure, review in items:
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
                result = {
                    "ruleId": failure["check"],
                    "ruleIndex": index[failure["check"]],
                    # a needs-review item is a note: SARIF's "review" kind would require level "none"
                    "level": "note" if review else SARIF_LEVEL.get(failure["severity"], "warning"),
                    "message": {"text": evidence.get("message") or _title(report, failure["check"])},
                    "locations": [location],
                    "properties": {
                        "severity": failure["severity"],
                        "origin": evidence.get("origin") or "site",
                        "review": review,
                        "profile": page.get("profile") or "desktop",
                        **({"flow": page["flow"]} if page.get("flow") else {}),
                        "state": page.get("state"),
                        **({"reused": page["reused"]} if page.get("reused") else {}),
                    },
                }
                state = evidence.get("baseline_state") or failure.get("baseline_state")
                if state in SARIF_BASELINE:
                    result["baselineState"] = SARIF_BASELINE[state]
                results.append(result)
    results += _sarif_out_of_scope(report, index)
    for link in broken:
        location = {"physicalLocation": {"artifactLocation": {"uri": link["url"]}}}
        results.append(
            {
                "ruleId": BROKEN_LINK_RULE,
                "ruleIndex": index[BROKEN_LINK_RULE],
                "level": "warning",
                "message": {"text": link["message"]},
                "locations": [location],
                "properties": {"status": link.get("status"), "referrer": link.get("referrer")},
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
        "properties": _sarif_states(report),
    }
    sarif = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
    return json.dumps(sarif, ensure_ascii=False, indent=1) + "\n"


def _sarif_states(report: dict) -> dict:
    """The run's verdict and every site's and page's state: an insufficient subject is listed with its reasons."""

    def state(entry: dict) -> dict:
        return {
            "url": entry.get("url"),
            "state": entry.get("state"),
            "score": entry.get("score"),
            "grade": entry.get("grade"),
            "reasons": list(entry.get("reasons") or []),
        }

    gate = report.get("gate") or {}
    return {
        "verdict": gate.get("verdict"),
        "sites": [state(site) for site in report["sites"]],
        "insufficient": [state(e) for e in (*report["sites"], *report["pages"]) if is_insufficient(e)],
        "reused": [{"url": p.get("url"), "reused": p["reused"]} for p in report["pages"] if p.get("reused")],
    }


def _sarif_out_of_scope(report: dict, index: dict) -> list[dict]:
    """Instances inside excluded regions: results suppressed as out of scope (SARIF's own way to list, not count)."""
    results = []
    for page in report["pages"]:
        for item in page.get("out_of_scope", []):
            if item["check"] not in index:
                continue
            for evidence in item["evidence"] or [{}]:
                location = {"physicalLocation": {"artifactLocation": {"uri": page["url"]}}}
                if evidence.get("selector"):
                    location["logicalLocations"] = [
                        {"fullyQualifiedName": _selector_text(evidence["selector"]), "kind": "element"}
                    ]
                results.append(
                    {
                        "ruleId": item["check"],
                        "ruleIndex": index[item["check"]],
                        "level": "note"
                        if item["outcome"] == "review"
                        else SARIF_LEVEL.get(item["severity"], "warning"),
                        "message": {"text": evidence.get("message") or _title(report, item["check"])},
                        "locations": [location],
                        "suppressions": [
                            {"kind": "external", "justification": f"out of scope: inside {item['region']}"}
                        ],
                        "properties": {
                            "severity": item["severity"],
                            "out_of_scope": True,
                            "region": item["region"],
                            "profile": page.get("profile") or "desktop",
                            **({"flow": page["flow"]} if page.get("flow") else {}),
                        },
                    }
                )
    return results


def _md_state(t: dict, failure: dict) -> str:
    """'new 1, known 33' for a failure compared with a baseline."""
    return f"{t['new']} {failure.get('new', 0)}, {t['known']} {failure.get('known', 0)}"


def _md_cell(text) -> str:
    return str(text if text is not None else "–").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def render_markdown(report: dict) -> str:
    """A short summary for a merge-request comment: gate, site scores, the worst failures, errors."""
    t = TEXT.get(report["lang"], TEXT["zh"])
    gate = report.get("gate") or {}
    lines = [f"## {t['title']} · {t['round']} {report['round']['id']}", ""]
    if gate:
        verdict = verdict_text(t, gate)
        lines += [f"**{t['gate']}: {verdict}** " + "; ".join(_md_cell(r) for r in gate.get("reasons", [])), ""]
    if report.get("summary"):
        lines += [_md_cell(summary_text(t, report)), ""]
    lines += [f"| {t['site']} | {t['score']} | {t['grade']} | {t['sampled']} |", "|---|---|---|---|"]
    for site in report["sites"]:
        label = f"{site['name']} ({site['url']})" if site.get("name") and site["name"] != site["url"] else site["url"]
        lines.append(
            f"| {_md_cell(label)} | {_md_cell(score_text(site))} | {_md_cell(grade_text(t, site))} | "
            f"{site['crawl']['sampled']} |"
        )
    thin = [p for p in report["pages"] if is_insufficient(p)]
    if thin:
        lines += ["", f"### {t['insufficient_heading']} ({len(thin)})", ""]
        lines += [f"- {_md_cell(page_label(t, p))}: {_md_cell(grade_text(t, p))}" for p in thin]
    with_baseline = bool((report.get("summary") or {}).get("baseline"))
    rank = {"critical": 4, "serious": 3, "moderate": 2, "minor": 1}
    failures = sorted(
        ((p, f) for p in report["pages"] for f in p["failures"]),
        key=lambda pf: (-rank.get(pf[1]["severity"], 0), pf[0]["key"]),
    )
    lines += ["", f"### {t['failures']} ({len(failures)})", ""]
    if failures:
        extra_head, extra_rule = (f" {t['baseline']} |", "---|") if with_baseline else ("", "")
        lines += [
            f"| {t['severity']} | {t['check']} | {t['pages']} | {t['instances']} | {t['origin']} |{extra_head}",
            f"|---|---|---|---|---|{extra_rule}",
        ]
        for page, failure in failures[:50]:
            state = f" {_md_state(t, failure)} |" if with_baseline else ""
            lines.append(
                f"| {failure['severity']} | {_md_cell(_title(report, failure['check']))} | "
                f"{_md_cell(page_label(t, page))} | {failure['failed']}/{failure['passed']} | "
                f"{_md_cell(origin_text(t, failure))} |{state}"
            )
    else:
        lines.append(t["none"])
    reviews = sorted(
        ((p, r) for p in report["pages"] for r in p.get("reviews", [])),
        key=lambda pr: (-rank.get(pr[1]["severity"], 0), pr[0]["key"]),
    )
    if reviews:
        lines += ["", f"### {t['reviews']} ({len(reviews)})", ""]
        lines += [f"| {t['severity']} | {t['check']} | {t['pages']} | {t['where']} |", "|---|---|---|---|"]
        for page, review in reviews[:50]:
            where = "; ".join(_selector_text(e.get("selector")) for e in review["evidence"][:3])
            lines.append(
                f"| {review['severity']} | {_md_cell(_title(report, review['check']))} | {_md_cell(page_label(t, page))} | "
                f"{_md_cell(where)} |"
            )
    outside = [(p, i) for p in report["pages"] for i in p.get("out_of_scope", [])]
    if outside:
        lines += ["", f"### {t['out_of_scope']} ({sum(i['instances'] for _, i in outside)})", ""]
        lines += [f"| {t['severity']} | {t['check']} | {t['pages']} | {t['region']} | {t['instances']} |"]
        lines += ["|---|---|---|---|---|"]
        for page, item in outside[:50]:
            lines.append(
                f"| {_md_cell(item['severity'])} | {_md_cell(_title(report, item['check']))} | "
                f"{_md_cell(page_label(t, page))} | {_md_cell(item['region'])} | {item['instances']} |"
            )
    kept = [p for p in report["pages"] if p.get("reused")]
    if kept:
        lines += ["", f"### {t['reused_heading']} ({len(kept)})", ""]
        lines += [f"- {_md_cell(page_label(t, p))}: {t['reused'][p['reused']]}" for p in kept[:50]]
        if len(kept) > 50:
            lines.append(f"- {t['more'].format(count=len(kept) - 50)}")
    broken = report.get("broken_links", [])
    if broken:
        lines += ["", f"### {t['broken_links']} ({len(broken)})", ""]
        lines += [
            f"- {_md_cell(b['url'])}: HTTP {_md_cell(b.get('status'))} ({t['linked_from']} {_md_cell(b.get('referrer'))})"
            for b in broken
        ]
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
        r=report,
        t=t,
        selector_text=_selector_text,
        origin_text=lambda item: origin_text(t, item),
        state_text=lambda item: state_text(t, item),
        summary=summary_text(t, report),
        verdict=verdict_text(t, report.get("gate") or {}),
        grade_text=lambda entry: grade_text(t, entry),
        score_text=score_text,
        page_label=lambda page: page_label(t, page),
    )
