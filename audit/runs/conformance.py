"""One site's conformance evaluation from a web round: scope, the WCAG-EM sample with reasons, results per WCAG
success criterion and per GB/T 37668 clause (automatic, manual, not yet reviewed), MIIT's 100-point view and the
statement. Plain data for audit/render/conformance; an evaluation never claims more than was decided."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from audit.catalog import Catalog
from audit.catalog.manual import load_manual, wcag_criteria
from audit.model import Check, Finding, Outcome
from audit.model.review import ElderItem, elder_evaluation
from audit.runs.review import MANUAL, all_checks, build_queue, reviewed_findings, site_of_page
from audit.store import Store

PASSED, FAILED, CANT_TELL, INAPPLICABLE, UNTESTED = "passed", "failed", "cantTell", "inapplicable", "untested"
EARL = {Outcome.PASS: PASSED, Outcome.FAIL: FAILED, Outcome.REVIEW: CANT_TELL, Outcome.NA: INAPPLICABLE}
ELDER_SET = "review-miit-elder"
GBT = "GB/T 37668"


def combine(outcomes: Iterable[str]) -> str:
    """Failed wins, then anything undecided, then passed, then inapplicable; nothing at all is untested."""
    seen = set(outcomes)
    for outcome in (FAILED, CANT_TELL, PASSED, INAPPLICABLE):
        if outcome in seen:
            return outcome
    return UNTESTED


def _wcag(check: Check) -> set[str]:
    return {c.clause for c in check.clauses if c.standard.startswith("WCAG")}


def _gbt(check: Check) -> list[tuple[str, bool]]:
    return [(c.clause, c.verified) for c in check.clauses if c.standard.startswith(GBT)]


def sample_reasons(page, site, meta: dict) -> list[dict[str, Any]]:
    """Why the crawl chose this page, as WCAG-EM step 3 asks: home, a start or key page, a template's example."""
    url = page.url or ""
    crawl = (site.attributes.get("crawl") if site else None) or {}
    reasons = []
    if page.attributes.get("home"):
        reasons.append({"code": "home"})
    starts = [u for s in meta.get("sites", []) for u in (s.get("start_urls") or [s.get("url")])]
    if url in starts and not page.attributes.get("home"):
        reasons.append({"code": "start"})
    if url in (meta.get("options", {}).get("key_pages") or []):
        reasons.append({"code": "key-page"})
    recorded = (crawl.get("reasons") or {}).get(url)
    if recorded:
        reasons.append({"code": "crawl", "reason": str(recorded)})
    if page.attributes.get("template"):
        reasons.append({"code": "template", "template": page.attributes["template"]})
    return reasons


def evaluation(store: Store, catalog: Catalog, round_id: int, site_key: str) -> dict[str, Any]:
    """Everything a conformance report of `site_key` in `round_id` shows, as JSON-able data."""
    round_ = store.get_round(round_id)
    site = store.get_subject(site_key)
    findings = [f for f in reviewed_findings(store, catalog, round_id) if f.subject_key.startswith("page:")]
    findings = [f for f in findings if site_of_page(f.subject_key) == site_key]
    queue = build_queue(store, catalog, round_id, site_key=site_key)
    page_keys = sorted({f.subject_key for f in findings})
    pages = {s.key: s for s in store.subjects(keys=page_keys)}
    sampled = list(((site.attributes.get("crawl") or {}).get("sampled") or []) if site else [])
    order = {("page:" + u): i for i, u in enumerate(sampled)}
    page_keys.sort(key=lambda k: (not pages[k].attributes.get("home") if k in pages else True, order.get(k, 1e9), k))
    sample = [
        {
            "id": f"_:struct_{n}",
            "key": key,
            "url": pages[key].url if key in pages else key.removeprefix("page:"),
            "title": pages[key].name if key in pages else "",
            "reasons": sample_reasons(pages[key], site, dict(round_.meta)) if key in pages else [],
        }
        for n, key in enumerate(page_keys)
    ]
    sample_id = {p["key"]: p["id"] for p in sample}
    checks = all_checks(catalog)
    # results per page and check: automatic findings (verdicts already applied) and the manual queue items
    results: list[dict[str, Any]] = []
    for finding in findings:
        check = checks.get(finding.check_id)
        if check is None or check.answer.get("information_only") or check.answer.get("manual"):
            continue
        results.append(_result(finding, check, sample_id))
    for item in queue:
        if item.source != MANUAL:
            continue
        verdict = item.verdict if item.counts else None
        results.append(
            {
                "page": sample_id.get(item.subject.key),
                "url": item.subject.url,
                "check": item.check.id,
                "title": dict(item.check.title),
                "outcome": EARL[verdict.outcome] if verdict else CANT_TELL,
                "mode": "manual" if verdict else "none",
                "author": verdict.author if verdict else None,
                "decided_at": verdict.decided_at if verdict else None,
                "carried_from": verdict.carried_from if verdict else None,
                "note": verdict.note if verdict else "",
                "state": item.state,
                "wcag": sorted(_wcag(item.check)),
                "gbt": _gbt(item.check),
            }
        )
    criteria = [_criterion(sc, [r for r in results if sc.number in r["wcag"]]) for sc in wcag_criteria(catalog.root)]
    clauses = _clauses(results)
    failing = [c for c in criteria if c["outcome"] == FAILED]
    open_ = [c for c in criteria if c["outcome"] in (CANT_TELL, UNTESTED)]
    state = "does-not-conform" if failing else ("incomplete" if open_ else "conforms")
    states = {s: sum(1 for i in queue if i.state == s) for s in ("pending", "stale", "decided", "carried")}
    return {
        "site": {
            "key": site_key,
            "url": site.url if site else site_key.removeprefix("site:"),
            "name": site.name if site else site_key.removeprefix("site:"),
            "area_code": site.area_code if site else None,
        },
        "round": {
            "id": round_.id,
            "label": round_.label,
            "started_at": round_.started_at,
            "finished_at": round_.finished_at,
            "axe_core": round_.meta.get("axe_core"),
            "browser": round_.meta.get("browser"),
        },
        "sample": sample,
        "criteria": criteria,
        "clauses": clauses,
        "queue": states,
        "statement": {
            "state": state,
            "failed": len(failing),
            "open": len(open_),
            "signatures": [
                {"signer": s.signer, "signed_at": s.signed_at, "remarks": s.statement.get("remarks", "")}
                for s in store.signatures(round_id, site_key)
            ],
        },
        "elder": _elder(catalog, queue, findings, pages),
    }


def _result(finding: Finding, check: Check, sample_id: dict[str, str]) -> dict[str, Any]:
    human = bool(finding.extra.get("human"))
    return {
        "page": sample_id.get(finding.subject_key),
        "url": finding.subject_key.removeprefix("page:"),
        "check": check.id,
        "title": dict(check.title),
        "outcome": EARL[finding.outcome],
        "mode": "manual" if human else ("none" if finding.outcome is Outcome.REVIEW else "automatic"),
        "author": finding.extra.get("author"),
        "decided_at": finding.extra.get("decided_at"),
        "carried_from": finding.extra.get("carried_from"),
        "note": finding.note,
        "state": None,
        "wcag": sorted(_wcag(check)),
        "gbt": _gbt(check),
    }


def _summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    by_page: dict[str | None, list[str]] = {}
    for r in results:
        by_page.setdefault(r["page"], []).append(r["outcome"])
    modes = sorted({r["mode"] for r in results if r["outcome"] != CANT_TELL or r["mode"] == "none"})
    return {
        "outcome": combine(r["outcome"] for r in results),
        "modes": modes,
        "failed_pages": sum(1 for outs in by_page.values() if combine(outs) == FAILED),
        "open_items": sum(1 for r in results if r["outcome"] == CANT_TELL),
        "pages": [
            {"page": p, "outcome": combine(outs)} for p, outs in sorted(by_page.items(), key=lambda x: str(x[0]))
        ],
        "results": results,
    }


def _criterion(sc, results: list[dict[str, Any]]) -> dict[str, Any]:
    return {"number": sc.number, "level": sc.level, "slug": sc.slug, "title": dict(sc.title), **_summary(results)}


def _clauses(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    verified: dict[str, bool] = {}
    for r in results:
        for clause, is_verified in r["gbt"]:
            grouped.setdefault(clause, []).append(r)
            verified[clause] = verified.get(clause, True) and is_verified
    return [
        {"clause": c, "verified": verified[c], **_summary(rs)}
        for c, rs in sorted(
            grouped.items(), key=lambda x: [int(p) if p.isdigit() else 0 for p in x[0].split(" ")[0].split(".")]
        )
    ]


def _elder(catalog: Catalog, queue, findings: list[Finding], pages) -> dict[str, Any] | None:
    """MIIT's 100-point view of the home page: a verdict decides an item, else its automatic check where one exists."""
    elder = load_manual(catalog.root).by_id(ELDER_SET)
    home = next((k for k, p in pages.items() if p.attributes.get("home")), None)
    if elder is None or home is None:
        return None
    verdicts = {i.check.id: i for i in queue if i.subject.key == home and i.source == MANUAL}
    automatic = {f.check_id: f for f in findings if f.subject_key == home}
    items = []
    for check in elder.checks:
        item = verdicts.get(check.id)
        if item is not None and item.counts:
            items.append(ElderItem(check, item.verdict.outcome, "manual"))
            continue
        decided = [automatic[c].outcome for c in check.answer.get("auto", ()) if c in automatic]
        decided = [o for o in decided if o in (Outcome.PASS, Outcome.FAIL)]
        if decided:
            items.append(ElderItem(check, Outcome.FAIL if Outcome.FAIL in decided else Outcome.PASS, "automatic"))
        else:
            items.append(ElderItem(check, None, ""))
    result = elder_evaluation(items, float(elder.pass_line or 60))
    return {
        "pass_line": result.pass_line,
        "score": result.score,
        "state": result.state,
        "failed_mandatory": list(result.failed_mandatory),
        "pending": list(result.pending),
        "unverified": list(result.unverified),
        "items": [
            {
                "check": i.check.id,
                "title": dict(i.check.title),
                "clause": i.check.clauses[0].clause,
                "points": i.points,
                "mandatory": i.mandatory,
                "verified": i.verified,
                "outcome": i.outcome.value if i.outcome else None,
                "source": i.source,
            }
            for i in result.items
        ],
    }
