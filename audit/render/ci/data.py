"""The one report dict every CI format renders: round, sites, pages, failures and errors (schema v1)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from audit.catalog import Catalog
from audit.model import SubjectScore
from audit.model.scoring import effective_severity
from audit.store import Store

REPORT_SCHEMA_VERSION = "1"


def _clause_labels(check, lang: str) -> list[str]:
    marker = " [待核实]" if lang == "zh" else " [unverified]"
    return [f"{c.standard} {c.clause}" + ("" if c.verified else marker) for c in check.clauses]


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


def build_report(
    store: Store,
    catalog: Catalog,
    round_id: int,
    scores: Iterable[SubjectScore],
    gate: Mapping[str, Any] | None = None,
    lang: str = "zh",
) -> dict[str, Any]:
    """Everything the formats need, read from the store; scores are the stored ones (never recomputed)."""
    round_ = store.get_round(round_id)
    by_key = {s.subject_key: s for s in scores}
    subjects = {s.key: s for s in store.subjects(keys=list(by_key) + [e.subject_key for e in store.errors(round_id)])}
    checks_used: dict[str, dict] = {}
    pages: dict[str, dict] = {}
    sites: dict[str, dict] = {}
    error_keys = {e.subject_key for e in store.errors(round_id)}
    for key, subject in subjects.items():
        if key in error_keys:
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
            "failures": [],
        }
        if subject.kind == "website":
            crawl = subject.attributes.get("crawl", {})
            entry["crawl"] = {
                k: crawl.get(k)
                for k in ("discovered", "skip_counts", "documents", "templates", "sitemap_urls", "robots")
            }
            entry["crawl"]["sampled"] = len(crawl.get("sampled", []))
            sites[key] = entry
        else:
            entry["template"] = subject.attributes.get("template")
            pages[key] = entry
    for finding in store.findings(round_id):
        check = catalog.checks.get(finding.check_id)
        target = pages.get(finding.subject_key) or sites.get(finding.subject_key)
        if check is None or target is None or finding.outcome.value != "fail":
            continue
        severity = effective_severity(finding, check).value
        checks_used[check.id] = {
            "id": check.id,
            "title": check.text(lang),
            "help": check.help.get(lang, ""),
            "level": check.level,
            "clauses": _clause_labels(check, lang),
            "axe": list(check.answer.get("axe", [])),
            "builtin": check.answer.get("builtin"),
        }
        target["failures"].append(
            {
                "check": check.id,
                "severity": severity,
                "passed": finding.passed,
                "failed": finding.failed,
                "note": finding.note,
                "measured": finding.measured,
                "evidence": [dict(e) for e in finding.evidence],
                **_origins(finding),
            }
        )
    errors = [
        {
            "key": e.subject_key,
            "url": e.detail.get("url") or e.subject_key.split(":", 1)[1],
            "reason": e.detail.get("reason"),
            "message": e.message,
        }
        for e in store.errors(round_id)
    ]
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
        "sites": sorted(sites.values(), key=lambda s: s["key"]),
        "pages": sorted(pages.values(), key=lambda p: p["key"]),
        "errors": errors,
        "checks": dict(sorted(checks_used.items())),
    }
