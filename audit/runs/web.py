"""A web round: run the auditor, persist each page as it arrives, roll up sites, score, and gate for CI."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from audit.catalog import Catalog
from audit.model import Finding, Outcome, Severity
from audit.model.scoring import effective_severity
from audit.runs import current_scores, score_round
from audit.store import Round, Store
from audit.web.auditor import AuditOptions, Auditor, PageAudited, PageFailed, Site, SiteFinished
from audit.web.axe import axe_version
from audit.web.baseline import is_new
from audit.web.rollup import site_findings
from audit.web.urls import origin

EXIT_OK, EXIT_ERROR, EXIT_THRESHOLD = 0, 1, 2
UNFINISHED = ("running", "interrupted", "failed")


def web_checks(catalog: Catalog, ignore: Iterable[str] = ()):
    ignored = set(ignore)
    return [c for cl in catalog.domain("web") for c in cl.checks if c.id not in ignored]


def round_meta(catalog: Catalog, options: AuditOptions, sites: list[Site], ignore: Iterable[str]) -> dict:
    crawl = options.crawl
    return {
        "axe_core": axe_version(),
        "driver": options.driver,
        "checklists": {cl.id: cl.version for cl in catalog.domain("web")},
        "scoring_version": catalog.policy.version,
        "sites": [{"url": s.url, "area_code": s.area_code, "name": s.name} for s in sites],
        "options": {
            "max_pages": crawl.max_pages,
            "max_depth": crawl.max_depth,
            "per_template": crawl.per_template,
            "scope": crawl.scope,
            "include": list(crawl.include),
            "exclude": list(crawl.exclude),
            "obey_robots": crawl.obey_robots,
            "concurrency": crawl.per_host_concurrency,
            "delay": crawl.delay,
            "timeout": options.timeout,
            "lang": options.lang,
            "ignore": sorted(set(ignore)),
        },
    }


def unfinished_round(store: Store) -> Round | None:
    latest = store.latest_round("web", status=None)
    return latest if latest and latest.status in UNFINISHED else None


def resume_state(store: Store, round_id: int) -> tuple[dict[str, list[str] | None], set[str]]:
    """Pages already in the round (URL -> links, None for errors) and sites already rolled up."""
    done: dict[str, list[str] | None] = {}
    sites: set[str] = set()
    for key in store.audited_keys(round_id):
        if key.startswith("site:"):
            sites.add(key)
        elif key.startswith("page:"):
            subject = store.get_subject(key)
            links = subject.attributes.get("links") if subject else None
            done[key.removeprefix("page:")] = None if subject and subject.attributes.get("error") else links
    return done, sites


def persist(store: Store, catalog: Catalog, round_id: int, event) -> None:
    """One page (or one site roll-up) per transaction, so a killed run keeps every page it finished."""
    with store.transaction():
        store.upsert_subjects([event.subject])
        if isinstance(event, PageAudited):
            store.replace_findings(round_id, event.subject.key, event.findings)
        elif isinstance(event, PageFailed):
            message = catalog.messages.both(f"web.error.{event.reason}", **_fill(event.values))
            store.record_error(
                round_id, event.subject.key, message, {"reason": event.reason, "url": event.subject.url, **event.values}
            )
        elif isinstance(event, SiteFinished):
            prefix = "page:" + origin(event.subject.url or "")
            # The store narrows to this origin's keys; the test here keeps 127.0.0.1 from taking 127.0.0.10's pages.
            pages = (
                f
                for f in store.findings(round_id, prefix=prefix)
                if f.subject_key == prefix or f.subject_key.startswith(prefix + "/")
            )
            store.replace_findings(round_id, event.subject.key, site_findings(event.subject.key, pages))


def _fill(values: dict) -> dict:
    """Messages may name values a given failure lacks; fill them so formatting never raises."""
    return {"seconds": "", "status": "", "detail": "", "target": "", "content_type": "", **values}


def run_web(
    store: Store,
    catalog: Catalog,
    sites: list[Site],
    options: AuditOptions,
    *,
    resume: bool = False,
    ignore: Iterable[str] = (),
    label: str | None = None,
    on_event: Callable[[object], None] | None = None,
) -> Round:
    """Audit `sites` into a new round (or continue the last unfinished one) and return the finished round."""
    ignore = list(ignore)
    done: dict[str, list[str] | None] = {}
    if resume:
        previous = unfinished_round(store)
        if previous is None:
            raise LookupError("no unfinished web round")
        round_ = store.reopen_round(previous.id)
        done, finished_sites = resume_state(store, round_.id)
        sites = [s for s in sites if s.key not in finished_sites]
    else:
        round_ = store.begin_round("web", label, round_meta(catalog, options, sites, ignore))
    auditor = Auditor(web_checks(catalog, ignore), options, done)
    try:
        for event in auditor.run(sites):
            persist(store, catalog, round_.id, event)
            if on_event:
                on_event(event)
    except BaseException:
        store.finish_round(round_.id, "interrupted", {"browser": auditor.browser_version})
        raise
    round_ = store.finish_round(round_.id, "complete", {"browser": auditor.browser_version})
    score_round(store, catalog, round_.id)
    return round_


@dataclass(frozen=True)
class Gate:
    fail_under: float | None = None
    fail_on: frozenset[Severity] = frozenset()
    accepted: frozenset[str] | None = None  # baseline keys


@dataclass
class GateResult:
    exit_code: int
    reasons: list[str] = field(default_factory=list)
    new_failures: list[Finding] = field(default_factory=list)
    low_scores: list[tuple[str, float | None]] = field(default_factory=list)
    errors: int = 0


def evaluate_gate(store: Store, catalog: Catalog, round_id: int, gate: Gate, lang: str = "zh") -> GateResult:
    """pa11y-style exit code: 1 when a page could not be audited, 2 when a threshold is crossed, else 0."""
    t = catalog.messages.t
    result = GateResult(EXIT_OK, errors=len(store.errors(round_id)))
    if gate.fail_under is not None:
        for score in current_scores(store, catalog, round_id):
            if score.subject_key.startswith("site:") and (score.score is None or score.score < gate.fail_under):
                result.low_scores.append((score.subject_key, score.score))
                result.reasons.append(
                    t(
                        "web.gate.fail-under",
                        lang,
                        site=score.subject_key.removeprefix("site:"),
                        score=score.score,
                        minimum=gate.fail_under,
                    )
                )
    if gate.fail_on:
        for finding in store.findings(round_id):
            check = catalog.checks.get(finding.check_id)
            if (
                check is None
                or not finding.subject_key.startswith("page:")
                or finding.outcome is not Outcome.FAIL
                or check.answer.get("information_only")
            ):
                continue
            if effective_severity(finding, check) in gate.fail_on and (
                gate.accepted is None or is_new(finding, set(gate.accepted))
            ):
                result.new_failures.append(finding)
        if result.new_failures:
            names = ",".join(sorted(s.value for s in gate.fail_on))
            result.reasons.append(t("web.gate.fail-on", lang, count=len(result.new_failures), severities=names))
    if result.errors:
        result.exit_code = EXIT_ERROR
        result.reasons.append(t("web.cli.errors", lang, count=result.errors))
    elif result.reasons:
        result.exit_code = EXIT_THRESHOLD
    return result
