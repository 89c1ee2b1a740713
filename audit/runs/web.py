"""A web round: run the auditor, persist each page as it arrives, roll up sites, score, and gate for CI."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from audit.catalog import Catalog
from audit.model import Finding, Outcome, Severity
from audit.model.scoring import effective_severity
from audit.runs import current_scores, score_round
from audit.runs.ledger import update_ledger
from audit.store import Round, Store
from audit.web.auditor import (
    AuditOptions,
    Auditor,
    PageAudited,
    PageFailed,
    Site,
    SiteFinished,
    key_profile_suffix,
    merge_sites,
    profile_suffix,
)
from audit.web.axe import axe_version
from audit.web.baseline import is_new
from audit.web.crawl import CrawlOptions
from audit.web.reuse import Reuse, earlier_pages, run_digest
from audit.web.rollup import site_findings
from audit.web.settings import DEFAULT_PROFILE, SiteSettings
from audit.web.urls import origin

EXIT_OK, EXIT_ERROR, EXIT_THRESHOLD = 0, 1, 2
UNFINISHED = ("running", "interrupted", "failed")
# Reasons recorded per page that are findings of the site, not pages the tool failed to audit.
SITE_FINDINGS = frozenset({"broken-link"})
FAIL_ON_EXTRA = ("review", "broken-links")  # --fail-on values besides the severities


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
        "sites": [
            {
                "url": s.url,
                "area_code": s.area_code,
                "name": s.name,
                "start_urls": s.start_urls,
                "profile": s.profile,
                "settings": s.settings.as_record(),
            }
            for s in merge_sites(sites)
        ],
        "options": {
            "max_pages": crawl.max_pages,
            "max_depth": crawl.max_depth,
            "per_template": crawl.per_template,
            "scope": crawl.scope,
            "include": list(crawl.include),
            "exclude": list(crawl.exclude),
            "obey_robots": crawl.obey_robots,
            "use_sitemaps": crawl.use_sitemaps,
            "key_pages": list(crawl.key_pages),
            "concurrency": crawl.per_host_concurrency,
            "delay": crawl.delay,
            "timeout": options.timeout,
            "lang": options.lang,
            "driver": options.driver,
            "remote_url": options.remote_url,
            "screenshots_dir": options.screenshots_dir,
            "ignore": sorted(set(ignore)),
        },
    }


def recorded_sites(meta: dict) -> list[Site]:
    """The sites a round was started with, every start URL included."""
    sites = []
    for s in meta.get("sites", []):
        starts = s.get("start_urls") or [s["url"]]
        sites.append(
            Site(
                starts[0],
                s.get("area_code"),
                s.get("name"),
                tuple(starts[1:]),
                s.get("profile") or DEFAULT_PROFILE,
                SiteSettings.from_record(s.get("settings")),
            )
        )
    return sites


def recorded_options(meta: dict, executable: str | None = None) -> tuple[AuditOptions, list[str]]:
    """The options a round was started with (scope, budget, patterns, politeness, ignores), for --resume."""
    o = meta.get("options", {})
    default = CrawlOptions()
    crawl = CrawlOptions(
        max_pages=o.get("max_pages", default.max_pages),
        max_depth=o.get("max_depth", default.max_depth),
        per_template=o.get("per_template", default.per_template),
        scope=o.get("scope", default.scope),
        include=tuple(o.get("include", ())),
        exclude=tuple(o.get("exclude", ())),
        obey_robots=o.get("obey_robots", default.obey_robots),
        use_sitemaps=o.get("use_sitemaps", default.use_sitemaps),
        key_pages=tuple(o.get("key_pages", ())),
        per_host_concurrency=o.get("concurrency", default.per_host_concurrency),
        delay=o.get("delay", default.delay),
    )
    options = AuditOptions(
        crawl=crawl,
        driver=o.get("driver") or meta.get("driver") or "playwright",
        remote_url=o.get("remote_url"),
        executable=executable,
        timeout=o.get("timeout", 30.0),
        lang=o.get("lang"),
        screenshots_dir=o.get("screenshots_dir"),
    )
    return options, list(o.get("ignore", []))


def unfinished_round(store: Store) -> Round | None:
    latest = store.latest_round("web", status=None)
    return latest if latest and latest.status in UNFINISHED else None


def resume_state(store: Store, round_id: int) -> tuple[dict[str, list[str] | None], set[str]]:
    """Pages already in the round (page key -> links, None for errors) and sites already rolled up."""
    done: dict[str, list[str] | None] = {}
    sites: set[str] = set()
    for key in store.audited_keys(round_id):
        if key.startswith("site:"):
            sites.add(key)
        elif key.startswith("page:"):
            subject = store.get_subject(key)
            links = subject.attributes.get("links") if subject else None
            done[key] = None if subject and subject.attributes.get("error") else links
    return done, sites


def persist(store: Store, catalog: Catalog, round_id: int, event, reuse: Reuse | None = None) -> None:
    """One page (or one site roll-up) per transaction, so a killed run keeps every page it finished."""
    with store.transaction():
        store.upsert_subjects([event.subject])
        state = reuse.taken(event.subject.key) if reuse is not None else None
        if isinstance(event, PageAudited):
            store.replace_findings(round_id, event.subject.key, event.findings)
            if state is not None:  # what tells the next round whether this page changed
                store.put_page_reuse(round_id, event.subject.key, state)
        elif isinstance(event, PageFailed):
            # a failed flow's cause (web.error.login-*: "step 3 (click #submit): ...") is worded in each language
            message = nothing_audited_message(catalog, event.reason, {"url": event.subject.url, **event.values})
            store.record_error(
                round_id, event.subject.key, message, {"reason": event.reason, "url": event.subject.url, **event.values}
            )
        elif isinstance(event, SiteFinished):
            prefix = "page:" + origin(event.subject.url or "")
            suffix = profile_suffix(event.site.profile)
            # The store narrows to this origin's keys; the test here keeps 127.0.0.1 from taking 127.0.0.10's pages,
            # and a profile's site rolls up only its own pages (a URL has no fragment: `#` starts a profile suffix).
            pages = (
                f
                for f in store.findings(round_id, prefix=prefix)
                if (f.subject_key.partition("#")[0] == prefix or f.subject_key.startswith(prefix + "/"))
                and key_profile_suffix(f.subject_key) == suffix
            )
            store.replace_findings(round_id, event.subject.key, site_findings(event.subject.key, pages))
            if event.problem is not None:  # not one page audited: the tool could not do what it was asked
                reason, values = event.problem
                store.record_error(
                    round_id,
                    event.subject.key,
                    nothing_audited_message(catalog, reason, values),
                    {"reason": reason, "url": event.subject.url, **values},
                )


def nothing_audited_message(catalog: Catalog, reason: str, values: dict, lang: str | None = None) -> str:
    """Chinese / English (or `lang` only), with the start page's own failure worded in each language."""
    t = catalog.messages.t
    texts = []
    for each in (lang,) if lang else ("zh", "en"):
        cause = values.get("cause")
        cause_text = t(f"web.error.{cause}", each, **_fill(values)) if cause else ""
        texts.append(t(f"web.error.{reason}", each, **_fill({**values, "cause": cause_text})))
    return " / ".join(dict.fromkeys(texts))


def _fill(values: dict) -> dict:
    """Messages may name values a given failure lacks; fill them so formatting never raises."""
    blank = (
        "seconds",
        "status",
        "detail",
        "target",
        "content_type",
        "referrer",
        "site",
        "url",
        "cause",
        "flow",
        "state",
    )
    return {**dict.fromkeys(blank, ""), **values}


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
    reuse: bool = True,
) -> Round:
    """Audit `sites` into a new round (or continue the last unfinished one) and return the finished round.

    With `reuse`, a page unchanged since the last complete round keeps its findings (audit.web.reuse); either way
    each audited page's validators, DOM hash and digest are stored for the next round."""
    ignore = list(ignore)
    sites = merge_sites(sites)  # one origin is one site (one key): its start URLs crawl together
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
    pages = page_reuse(store, catalog, round_.id, options, ignore, reuse)
    auditor = Auditor(web_checks(catalog, ignore), options, done, reuse=pages)
    try:
        for event in auditor.run(sites):
            persist(store, catalog, round_.id, event, pages)
            if on_event:
                on_event(event)
    except BaseException:
        store.finish_round(round_.id, "interrupted", {"browser": auditor.browser_version})
        raise
    round_ = store.finish_round(round_.id, "complete", {"browser": auditor.browser_version})
    score_round(store, catalog, round_.id)
    update_ledger(store, catalog, round_.id)  # the problem ledger follows this round's pages
    return round_


def page_reuse(
    store: Store, catalog: Catalog, round_id: int, options: AuditOptions, ignore: Iterable[str], reuse: bool
) -> Reuse:
    """The reuse hook of a round: the pages of the last complete web round before it (none with reuse off)."""
    checks = web_checks(catalog, ignore)
    digest = run_digest(catalog.root, catalog.domain("web"), checks, options.lang, options.screenshots_dir)
    previous = store.latest_round("web", before=round_id) if reuse else None
    return Reuse(digest, earlier_pages(store, previous.id) if previous else {}, options.crawl)


@dataclass(frozen=True)
class Gate:
    fail_under: float | None = None
    fail_on: frozenset[Severity] = frozenset()
    accepted: frozenset[str] | None = None  # baseline keys
    review: bool = False  # --fail-on review: new "needs review" items cross the threshold too
    broken_links: bool = False  # --fail-on broken-links


@dataclass
class GateResult:
    exit_code: int
    reasons: list[str] = field(default_factory=list)
    new_failures: list[Finding] = field(default_factory=list)
    new_reviews: list[Finding] = field(default_factory=list)
    low_scores: list[tuple[str, float | None]] = field(default_factory=list)
    insufficient: list[str] = field(default_factory=list)  # sites not graded for want of data (待补充)
    errors: int = 0
    broken_links: int = 0
    pages: int = 0


def evaluate_gate(store: Store, catalog: Catalog, round_id: int, gate: Gate, lang: str = "zh") -> GateResult:
    """pa11y-style exit code: 1 when the tool could not audit what it was asked (a site with no audited page, a
    page that timed out or crashed), 2 when a threshold is crossed, else 0. Broken links are the site's findings."""
    t = catalog.messages.t
    errors = store.errors(round_id)
    broken = [e for e in errors if e.detail.get("reason") in SITE_FINDINGS]
    result = GateResult(EXIT_OK, errors=len(errors) - len(broken), broken_links=len(broken))
    page_keys = {f.subject_key for f in store.findings(round_id, prefix="page:")}
    result.pages = len(page_keys)
    for score in current_scores(store, catalog, round_id):
        if not score.subject_key.startswith("site:"):
            continue
        site = score.subject_key.removeprefix("site:")
        if score.insufficient:
            result.insufficient.append(site)
        if gate.fail_under is None:
            continue
        if score.insufficient:  # the threshold cannot be shown to be met: crossed, never passed
            result.low_scores.append((score.subject_key, None))
            reasons = t("report.sep.list", lang).join(
                t(f"report.reinspect.reason.{code}", lang, coverage=f"{score.coverage:.0%}") for code in score.reasons
            )
            result.reasons.append(t("web.gate.insufficient", lang, site=site, minimum=gate.fail_under, reasons=reasons))
        elif score.score is None or score.score < gate.fail_under:
            result.low_scores.append((score.subject_key, score.score))
            result.reasons.append(t("web.gate.fail-under", lang, site=site, score=score.score, minimum=gate.fail_under))
    if gate.fail_on or gate.review:
        accepted = set(gate.accepted) if gate.accepted is not None else None
        for finding in store.findings(round_id, prefix="page:"):
            check = catalog.checks.get(finding.check_id)
            if check is None or check.answer.get("information_only"):
                continue
            new = accepted is None or is_new(finding, accepted)
            if finding.outcome is Outcome.FAIL and effective_severity(finding, check) in gate.fail_on and new:
                result.new_failures.append(finding)
            elif finding.outcome is Outcome.REVIEW and gate.review and new:
                result.new_reviews.append(finding)
        if result.new_failures:
            names = ",".join(sorted(s.value for s in gate.fail_on))
            result.reasons.append(t("web.gate.fail-on", lang, count=len(result.new_failures), severities=names))
        if result.new_reviews:
            result.reasons.append(t("web.gate.review", lang, count=len(result.new_reviews)))
    if gate.broken_links and result.broken_links:
        result.reasons.append(t("web.gate.broken-links", lang, count=result.broken_links))
    site_problems = [e for e in errors if e.subject_key.startswith("site:")]
    flow_problems = [e for e in errors if e.detail.get("reason") == "flow-failed"]
    page_errors = result.errors - len(site_problems) - len(flow_problems)
    for problem in flow_problems:  # a flow that failed: its flow, step and why, never a silently missing state
        values = {k: v for k, v in problem.detail.items() if k != "reason"}
        line = nothing_audited_message(catalog, "flow-failed", values, lang)
        if line not in result.reasons:
            result.reasons.append(line)
    for problem in site_problems:  # a site of which not one page was audited, and why
        values = {k: v for k, v in problem.detail.items() if k != "reason"}
        result.reasons.append(nothing_audited_message(catalog, problem.detail.get("reason", ""), values, lang))
    if page_errors:
        result.reasons.append(t("web.cli.errors", lang, count=page_errors))
    if not result.pages and not site_problems:
        result.reasons.append(t("web.gate.nothing-audited", lang))
    if result.errors or not result.pages:
        result.exit_code = EXIT_ERROR
    elif result.reasons:
        result.exit_code = EXIT_THRESHOLD
    return result
