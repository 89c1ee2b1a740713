"""The one report dict every CI format renders: round, summary, sites, pages with their failures and needs-review
items (new vs known against a baseline), broken links and errors. Its JSON Schema is schemas/report.schema.json."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from audit.catalog import Catalog
from audit.model import Finding, SubjectScore
from audit.model.scoring import effective_severity
from audit.store import Store

REPORT_SCHEMA_VERSION = "1"
REPORT_SCHEMA = Path(__file__).resolve().parent / "schemas" / "report.schema.json"
BROKEN_LINK = "broken-link"  # a page reason that is a finding of the site, not a page the tool failed on
# fingerprint -> known to the baseline, for every failing / needs-review instance of a finding
BaselineStates = Callable[[Finding], Mapping[str, bool]]


def _clause_labels(check, lang: str) -> list[str]:
    marker = " [待核实]" if lang == "zh" else " [unverified]"
    return [f"{c.standard} {c.clause}" + ("" if c.verified else marker) for c in check.clauses]


def _check_entry(check, lang: str) -> dict[str, Any]:
    return {
        "id": check.id,
        "title": check.text(lang),
        "help": check.help.get(lang, ""),
        "level": check.level,
        "clauses": _clause_labels(check, lang),
        "axe": list(check.answer.get("axe", [])),
        "builtin": check.answer.get("builtin"),
    }


def _origins(finding) -> dict[str, Any]:
    """Whose failure it is: `origin` site / third-party-toolbar / mixed, `origins` instance counts by origin."""
    origins = dict(finding.extra.get("origins") or {})
    if not origins:
        origins = {}
        for evidence in finding.evidence:
            key = evidence.get("origin") or "site"
            origins[key] = origins.get(key, 0) + 1
    origins = origins or {"site": finding.failed or 0}
    origin = next(iter(origins)) if len(origins) == 1 else "mixed"
    return {"origin": origin, "origins": origins}


def _state(score: SubjectScore | None, catalog: Catalog, lang: str) -> dict[str, Any]:
    """graded / insufficient (待补充) and why: an insufficient subject shows its label and reasons, never a grade."""
    if score is None:
        return {"state": None, "state_label": None, "reasons": [], "reason_text": None}
    if not score.insufficient:
        return {"state": score.state, "state_label": None, "reasons": [], "reason_text": None}
    texts = [
        catalog.messages.t(f"report.reinspect.reason.{code}", lang, coverage=f"{score.coverage:.0%}")
        for code in score.reasons
    ]
    return {
        "state": score.state,
        "state_label": catalog.policy.insufficient.label.get(lang) or catalog.policy.insufficient.label["zh"],
        "reasons": list(score.reasons),
        "reason_text": catalog.messages.t("report.sep.list", lang).join(texts),
    }


def _baseline(finding, states: Mapping[str, bool] | None) -> tuple[dict[str, Any], list[dict]]:
    """new/known counts and state of a finding, and its evidence marked new/known (None: no baseline given)."""
    evidence = [dict(e) for e in finding.evidence]
    instances = finding.extra.get("instances") or len(evidence) or 1
    if states is None:
        return {"instances": instances, "new": instances, "known": 0, "baseline_state": None}, evidence
    known = sum(1 for k in states.values() if k)
    new = len(states) - known
    for item in evidence:
        fp = item.get("fingerprint")
        item["baseline_state"] = ("known" if states.get(fp) else "new") if fp in states else None
    counts = {"instances": max(instances, len(states)), "new": new, "known": known}
    return {**counts, "baseline_state": "new" if new else "known"}, evidence


def build_report(
    store: Store,
    catalog: Catalog,
    round_id: int,
    scores: Iterable[SubjectScore],
    gate: Mapping[str, Any] | None = None,
    lang: str = "zh",
    baseline_states: BaselineStates | None = None,
) -> dict[str, Any]:
    """Everything the formats need, read from the store; scores are the stored ones (never recomputed).

    `baseline_states` (from audit.web.baseline via the CLI) marks each instance new or known; None: no baseline."""
    round_ = store.get_round(round_id)
    by_key = {s.subject_key: s for s in scores}
    stored_errors = store.errors(round_id)
    subjects = {s.key: s for s in store.subjects(keys=list(by_key) + [e.subject_key for e in stored_errors])}
    checks_used: dict[str, dict] = {}
    pages: dict[str, dict] = {}
    sites: dict[str, dict] = {}
    error_keys = {e.subject_key for e in stored_errors}
    reused = {k: v["reused"] for k, v in store.page_reuse(round_id).items() if v.get("reused")}
    for key, subject in subjects.items():
        if key in error_keys and subject.kind != "website":
            continue  # a page that could not be audited is listed under errors, never as a page
        score = by_key.get(key)
        entry = {
            "key": key,
            "url": subject.url,
            "name": subject.name,
            "area_code": subject.area_code,
            "score": score.score if score else None,
            "grade": score.grade if score else None,
            "compliant": score.compliant if score else None,
            "coverage": round(score.coverage, 3) if score else None,
            **_state(score, catalog, lang),
            "failures": [],
            "reviews": [],
            "profile": subject.attributes.get("profile") or "desktop",
        }
        if subject.kind == "website":
            entry["start_urls"] = list(subject.attributes.get("start_urls") or [subject.url])
            entry["audited"] = key not in error_keys
            crawl = subject.attributes.get("crawl", {})
            entry["crawl"] = {
                k: crawl.get(k)
                for k in ("discovered", "skip_counts", "documents", "templates", "sitemap_urls", "robots")
            }
            entry["crawl"]["sampled"] = len(crawl.get("sampled", []))
            sites[key] = entry
        else:
            entry["template"] = subject.attributes.get("template")
            entry["flow"] = subject.attributes.get("flow")  # a flow's state: its flow, state and step
            # found inside excluded regions (the config's exclude selectors): listed here, never in the scores
            entry["out_of_scope"] = list(subject.attributes.get("out_of_scope") or [])
            entry["reused"] = reused.get(key)  # '304' / 'dom': unchanged, the last round's findings kept
            pages[key] = entry
    for finding in store.findings(round_id):
        check = catalog.checks.get(finding.check_id)
        target = pages.get(finding.subject_key) or sites.get(finding.subject_key)
        if check is None or target is None or finding.outcome.value not in ("fail", "review"):
            continue
        if finding.outcome.value == "review" and check.answer.get("information_only"):
            continue  # e.g. toolbar fingerprints: information, not something to review
        severity = effective_severity(finding, check).value
        checks_used[check.id] = _check_entry(check, lang)
        on_page = finding.subject_key in pages
        states = baseline_states(finding) if baseline_states is not None and on_page else None
        counts, evidence = _baseline(finding, states)
        bucket = "failures" if finding.outcome.value == "fail" else "reviews"
        target[bucket].append(
            {
                "check": check.id,
                "severity": severity,
                "passed": finding.passed,
                "failed": finding.failed,
                "note": finding.note,
                "measured": finding.measured,
                "evidence": evidence,
                **counts,
                **_origins(finding),
            }
        )
    for page in pages.values():  # out-of-scope items name their checks too
        for item in page["out_of_scope"]:
            check = catalog.checks.get(item.get("check"))
            if check is not None:
                checks_used.setdefault(check.id, _check_entry(check, lang))
    errors, broken = [], []
    for e in stored_errors:
        item = {
            "key": e.subject_key,
            "url": e.detail.get("url") or e.subject_key.split(":", 1)[1],
            "reason": e.detail.get("reason"),
            "message": e.message,
        }
        if item["reason"] == BROKEN_LINK:
            broken.append({**item, "status": e.detail.get("status"), "referrer": e.detail.get("referrer") or None})
        else:
            errors.append(item)
    page_list = sorted(pages.values(), key=lambda p: p["key"])
    return {
        "schema": "a11y-audit/web-report",
        "schema_version": REPORT_SCHEMA_VERSION,
        "lang": lang,
        "round": {
            "id": round_.id,
            "status": round_.status,
            "started_at": round_.started_at,
            "finished_at": round_.finished_at,
            "axe_core": round_.meta.get("axe_core"),
            "browser": round_.meta.get("browser"),
            "scoring_version": round_.meta.get("scoring_version"),
        },
        "gate": dict(gate or {}),
        "summary": _summary(sites, page_list, errors, broken, baseline_states is not None),
        "sites": sorted(sites.values(), key=lambda s: s["key"]),
        "pages": page_list,
        "broken_links": broken,
        "errors": errors,
        "checks": dict(sorted(checks_used.items())),
    }


def _summary(sites: dict, pages: list[dict], errors: list, broken: list, baseline: bool) -> dict[str, Any]:
    """Counts for the top of every output: failed and needs-review items and instances, new vs known."""
    items = [item for p in pages for item in (*p["failures"], *p["reviews"])]
    return {
        "sites": len(sites),
        "pages": len(pages),
        "errors": len(errors),
        "broken_links": len(broken),
        "failures": sum(len(p["failures"]) for p in pages),
        "reviews": sum(len(p["reviews"]) for p in pages),
        "instances": sum(i["instances"] for i in items),
        "new": sum(i["new"] for i in items),
        "known": sum(i["known"] for i in items),
        "baseline": baseline,
        "out_of_scope": sum(i["instances"] for p in pages for i in p["out_of_scope"]),
        "insufficient_sites": sum(1 for s in sites.values() if s["state"] == "insufficient"),
        "insufficient_pages": sum(1 for p in pages if p["state"] == "insufficient"),
        "reused": sum(1 for p in pages if p.get("reused")),
        "reused_by": {
            "not_modified": sum(1 for p in pages if p.get("reused") == "304"),
            "same_dom": sum(1 for p in pages if p.get("reused") == "dom"),
        },
    }
