"""axe-core results and probe results -> Findings, one per check, with evidence as conventions.md says."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from audit.model.checks import Check
from audit.model.findings import Finding
from audit.model.vocab import Outcome, Severity
from audit.web.builtins import ProbeResult

HTML_CAP = 500
EVIDENCE_PER_FINDING = 20
FINGERPRINTS_PER_FINDING = 10000  # every failing node is fingerprinted (a baseline compares all of them)


def _selector(target: Any) -> Any:
    """axe's target: ['#a'] -> '#a'; a frame chain stays a list (conventions: 'CSS or list for frames')."""
    if isinstance(target, list) and len(target) == 1 and isinstance(target[0], str):
        return target[0]
    return target


def fingerprint(node: Mapping[str, Any]) -> str:
    """A node's identity across runs: its selector and its markup, hashed (12 hex digits)."""
    text = (
        json.dumps(_selector(node.get("target")), ensure_ascii=False, sort_keys=True) + "\n" + (node.get("html") or "")
    )
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def node_evidence(node: Mapping[str, Any], url: str) -> dict[str, Any]:
    evidence = {
        "selector": _selector(node.get("target")),
        "html": (node.get("html") or "")[:HTML_CAP],
        "message": node.get("failureSummary") or "",
        "url": url,
        "fingerprint": fingerprint(node),
    }
    if node.get("origin"):  # set by audit.web.attribution: a third-party toolbar caused this instance
        evidence["origin"] = node["origin"]
    return evidence


def origin_counts(nodes: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Instances by origin ('site' or 'third-party-toolbar'), for the webmaster's and the vendor's share."""
    counts: dict[str, int] = {}
    for node in nodes:
        key = node.get("origin") or "site"
        counts[key] = counts.get(key, 0) + 1
    return counts


def _worst(impacts: Iterable[str | None]) -> Severity | None:
    severities = [Severity(i) for i in impacts if i]
    return max(severities, key=lambda s: s.rank) if severities else None


def index_results(results: Mapping[str, Any]) -> dict[str, dict[str, list]]:
    """rule id -> {'violations': [nodes], 'passes': [...], 'incomplete': [...], 'inapplicable': [...]}.

    A rule without nodes gets [None] (it ran, nothing to count); counted nodes become True placeholders."""
    by_rule: dict[str, dict[str, list]] = {}
    for kind in ("violations", "passes", "incomplete", "inapplicable"):
        for rule in results.get(kind, []):
            # compact results (run_axe(compact=True)) give only a count for passes and inapplicable
            nodes = rule["nodes"] if "nodes" in rule else [True] * rule.get("nodeCount", 0)
            by_rule.setdefault(rule["id"], {}).setdefault(kind, []).extend(nodes or [None])
    return by_rule


def axe_finding(check: Check, by_rule: Mapping[str, Mapping[str, list]], subject_key: str, url: str) -> Finding | None:
    """Combine the check's axe rules: any violation -> fail, else incomplete -> review, else pass, else n/a."""
    rules = [by_rule[r] for r in check.answer["axe"] if r in by_rule]
    if not rules:
        return None  # none of its rules ran (unknown to this axe version): no finding rather than a guess
    failed_nodes = [n for r in rules for n in r.get("violations", []) if n]
    passed = sum(len([n for n in r.get("passes", []) if n]) for r in rules)
    review_nodes = [n for r in rules for n in r.get("incomplete", []) if n]
    if failed_nodes:
        outcome, shown, severity = Outcome.FAIL, failed_nodes, _worst(n.get("impact") for n in failed_nodes)
    elif review_nodes:
        outcome, shown, severity = Outcome.REVIEW, review_nodes, _worst(n.get("impact") for n in review_nodes)
    elif any(r.get("passes") for r in rules):
        outcome, shown, severity = Outcome.PASS, [], None
    else:
        outcome, shown, severity = Outcome.NA, [], None
    extra: dict[str, Any] = {"instances": len(shown)} if len(shown) > EVIDENCE_PER_FINDING else {}
    if len(shown) > EVIDENCE_PER_FINDING:  # the evidence shows 20; the baseline must know every instance
        extra["fingerprints"] = [fingerprint(n) for n in shown[:FINGERPRINTS_PER_FINDING]]
    origins = origin_counts(shown)
    if set(origins) != {"site"} and origins:
        extra["origins"] = origins
    return Finding(
        subject_key=subject_key,
        check_id=check.id,
        outcome=outcome,
        passed=passed if outcome is not Outcome.NA else None,
        failed=len(failed_nodes) if outcome is not Outcome.NA else None,
        severity=severity,
        evidence=tuple(node_evidence(n, url) for n in shown[:EVIDENCE_PER_FINDING]),
        extra=extra,
    )


def probe_finding(check: Check, result: ProbeResult, subject_key: str) -> Finding:
    extra = {"information_only": True} if check.answer.get("information_only") else {}
    return Finding(
        subject_key=subject_key,
        check_id=check.id,
        outcome=result.outcome,
        passed=result.passed,
        failed=result.failed,
        evidence=result.evidence,
        measured=result.measured,
        required=result.required,
        note=result.note,
        extra=extra,
    )


def page_findings(
    checks: Iterable[Check],
    axe_results: Mapping[str, Any],
    probes: Mapping[str, ProbeResult],
    subject_key: str,
    url: str,
) -> list[Finding]:
    """Every finding of one page, sorted by check id."""
    by_rule = index_results(axe_results)
    findings = []
    for check in checks:
        if "axe" in check.answer:
            finding = axe_finding(check, by_rule, subject_key, url)
        elif check.answer.get("builtin") in probes:
            finding = probe_finding(check, probes[check.answer["builtin"]], subject_key)
        else:
            finding = None
        if finding is not None:
            findings.append(finding)
    return sorted(findings, key=lambda f: f.check_id)


def out_of_scope_items(checks: Iterable[Check], axe_results: Mapping[str, Any], region: str, url: str) -> list[dict]:
    """What axe found failing or to review inside an excluded region: listed as out of scope, never scored.

    One item per check: its outcome, worst severity, instance count and evidence (as a finding's)."""
    by_rule = index_results(axe_results)
    items = []
    for check in checks:
        if "axe" not in check.answer:
            continue
        finding = axe_finding(check, by_rule, "", url)
        if finding is None or finding.outcome not in (Outcome.FAIL, Outcome.REVIEW):
            continue
        instances = finding.extra.get("instances") or len(finding.evidence)
        items.append(
            {
                "check": check.id,
                "outcome": finding.outcome.value,
                "severity": finding.severity.value if finding.severity else None,
                "region": region,
                "instances": instances,
                "evidence": [dict(e) for e in finding.evidence],
            }
        )
    return items


def split_probe(
    check: Check, result: ProbeResult, outside: Mapping[str, str], url: str
) -> tuple[ProbeResult, dict | None]:
    """A probe's result less the evidence out of the page's scope (`outside`: an evidence selector -> the region that
    puts it out: an excluded selector, or `:not(<included>)`), and those instances as an out-of-scope item, listed
    like axe's, never scored. A failure or review left with no instance in scope is what the rest of the page gives:
    pass when the probe counted passes, else not applicable."""
    moved = [e for e in result.evidence if isinstance(e.get("selector"), str) and e["selector"] in outside]
    if not moved or result.outcome not in (Outcome.FAIL, Outcome.REVIEW):
        return result, None
    kept = tuple(e for e in result.evidence if e not in moved)
    failed = max(0, (result.failed or 0) - len(moved)) if result.failed is not None else None
    outcome = result.outcome
    if not kept and not failed:
        outcome = Outcome.PASS if result.passed else Outcome.NA
    item = {
        "check": check.id,
        "outcome": result.outcome.value,
        "severity": None,
        "region": outside[moved[0]["selector"]],
        "instances": len(moved),
        "evidence": [{**dict(e), "url": e.get("url") or url} for e in moved[:EVIDENCE_PER_FINDING]],
    }
    return replace(result, outcome=outcome, failed=failed, evidence=kept), item
