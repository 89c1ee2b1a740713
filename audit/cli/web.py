"""`a11y-audit web`: audit portals in CI — crawl, axe-core in Chromium, thresholds, baseline, CI outputs."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

import click

from audit.cli.common import EXIT_ERROR, catalog_from, store_from
from audit.cli.web_config import CONFIG_NAME
from audit.cli.web_options import DEFAULTS, WebOptions
from audit.web.settings import PROFILES

FORMAT_NAMES = ("json", "junit", "sarif", "md", "html")
SEVERITIES = ("critical", "serious", "moderate", "minor")
FAIL_ON = (*SEVERITIES, "review", "broken-links")
PROFILE_NAMES = tuple(PROFILES)
PATH_KEYS = ("sites-file", "baseline", "screenshots", "out")  # file keys naming paths
# Options a resumed round takes from its own record (the crawl it started must go on as it began).
RECORDED = (
    "max_pages",
    "max_depth",
    "per_template",
    "scope",
    "include",
    "exclude",
    "key_page",
    "ignore_robots",
    "no_sitemap",
    "concurrency",
    "delay",
    "timeout",
    "driver",
    "remote_url",
    "axe_lang",
    "screenshots_dir",
    "ignore_checks",
    "no_builtins",
    "profiles",
)


def read_sites(path: str, messages) -> list:
    """The sites of a sites.txt; every bad line is reported (file, row, problem) in Chinese and English."""
    from audit.web.sites import read_sites as parse

    sites, problems = parse(path)
    if problems:
        raise click.ClickException(
            "\n".join(messages.both("web.cli.bad-sites", file=path, row=p.row, problem=p.problem) for p in problems)
        )
    return sites


class Progress:
    """A rich progress bar on a terminal; plain lines (one per page) in CI logs and pipes, in the user's language."""

    def __init__(self, total: int, lang: str, messages):
        self.lang = lang
        self.t = messages.t
        self.count = 0
        self.pages: dict[str, int] = {}  # site key -> pages audited: a Grid round crawls many sites at once
        self.bar = None
        if sys.stderr.isatty():
            from rich.progress import Progress as RichProgress

            self.bar = RichProgress(transient=True)
            self.task = self.bar.add_task("a11y-audit", total=total)
            self.bar.start()

    def __call__(self, event) -> None:
        from audit.web.auditor import PageFailed, SiteFinished

        t, lang = self.t, self.lang
        if isinstance(event, SiteFinished):
            line = t("web.cli.site-done", lang, site=event.site.label, pages=self.pages.pop(event.site.key, 0))
        else:
            self.count += 1
            url = event.subject.url
            flow = event.subject.attributes.get("flow")
            if flow:  # a flow's state: the same URL may be several entries
                url = f"{url} [{flow['name']} › {flow['state']}]"
            if isinstance(event, PageFailed) and event.reason == "broken-link":
                line = t("web.cli.page-broken", lang, n=self.count, url=url, status=event.values.get("status", ""))
            elif isinstance(event, PageFailed):
                line = t("web.cli.page-failed", lang, n=self.count, url=url, reason=event.reason)
            else:
                self.pages[event.site.key] = self.pages.get(event.site.key, 0) + 1
                failed = sum(f.outcome.value == "fail" for f in event.findings)
                review = sum(f.outcome.value == "review" for f in event.findings)
                line = t("web.cli.page-audited", lang, n=self.count, url=url, failed=failed, review=review)
                if event.subject.attributes.get("reused"):  # findings kept from the last round, and why
                    line += t(
                        "web.cli.page-reused", lang, why=t(f"web.reuse.{event.subject.attributes['reused']}", lang)
                    )
        if self.bar:
            self.bar.advance(self.task)
            self.bar.console.print(line, highlight=False, markup=False)
        else:
            click.echo(line, err=True)

    def stop(self) -> None:
        if self.bar:
            self.bar.stop()


@click.command("web")
@click.argument("urls", nargs=-1)
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    help=f"Config file (default: {CONFIG_NAME}, else [tool.a11y-audit] in pyproject.toml, in this folder).",
)
@click.option("--no-config", is_flag=True, help="Read no config file.")
@click.option(
    "--profile",
    "profiles",
    default=",".join(DEFAULTS.profiles),
    show_default=True,
    help=f"Browser profiles: {','.join(PROFILE_NAMES)} (a page seen in two profiles is two entries).",
)
@click.option(
    "--sites",
    "sites_file",
    type=click.Path(exists=True, dir_okay=False),
    help="File of portals: URL, division code, name (one per line).",
)
@click.option(
    "--max-pages",
    type=click.IntRange(min=1),
    default=DEFAULTS.max_pages,
    show_default=True,
    help="Page budget per site.",
)
@click.option(
    "--max-depth",
    type=click.IntRange(min=0),
    default=DEFAULTS.max_depth,
    show_default=True,
    help="Link depth from the start page.",
)
@click.option(
    "--per-template",
    type=click.IntRange(min=1),
    default=DEFAULTS.per_template,
    show_default=True,
    help="Pages sampled per page template (WCAG-EM).",
)
@click.option("--scope", type=click.Choice(["host", "domain"]), default=DEFAULTS.scope, show_default=True)
@click.option("--include", multiple=True, help="Only URLs matching this regex (repeatable).")
@click.option("--exclude", multiple=True, help="Skip URLs matching this regex (repeatable).")
@click.option("--key-page", multiple=True, help="Always audit this URL (repeatable).")
@click.option("--ignore-robots", is_flag=True, help="Ignore robots.txt (only for your own site).")
@click.option("--no-sitemap", is_flag=True, help="Do not read sitemap.xml.")
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=DEFAULTS.concurrency,
    show_default=True,
    help="Browser tabs per host.",
)
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    default=DEFAULTS.delay,
    show_default=True,
    help="Seconds between requests of one tab.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULTS.timeout,
    show_default=True,
    help="Seconds per page.",
)
@click.option("--driver", type=click.Choice(["playwright", "selenium"]), default=DEFAULTS.driver, show_default=True)
@click.option("--remote-url", help="W3C WebDriver / Selenium Grid URL (with --driver selenium).")
@click.option(
    "--axe-lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    help="Language of axe-core messages (default: the page's own language).",
)
@click.option(
    "--screenshots",
    "screenshots_dir",
    type=click.Path(file_okay=False),
    help="Save element screenshots of critical/serious failures here.",
)
@click.option("--fail-under", type=float, help="Exit 2 if a site scores under this.")
@click.option("--fail-on", default="", help="Exit 2 on new failures of these severities, e.g. critical,serious.")
@click.option("--ignore", "ignore_checks", multiple=True, help="Check id to leave out (repeatable).")
@click.option(
    "--only",
    "only_checks",
    multiple=True,
    help="Check id to run, leaving out every other (repeatable); e.g. a quick smoke audit of one rule.",
)
@click.option(
    "--no-builtins",
    is_flag=True,
    help="axe-core rules only: leave out the portal probes (focus, reflow, elder mode, toolbar).",
)
@click.option(
    "--no-reuse",
    is_flag=True,
    help="Audit every page afresh (default: a page unchanged since the last round keeps its findings).",
)
@click.option("--baseline", type=click.Path(dir_okay=False), help="JSON file of accepted findings.")
@click.option("--update-baseline", is_flag=True, help="Write the current failures into --baseline.")
@click.option(
    "--format",
    "formats",
    default=",".join(DEFAULTS.formats),
    show_default=True,
    help=f"Outputs: {','.join(FORMAT_NAMES)}.",
)
@click.option("--out", "out_dir", default=DEFAULTS.out_dir, show_default=True, type=click.Path(file_okay=False))
@click.option("--resume", is_flag=True, help="Continue the last unfinished web round.")
@click.option("--label", help="A label for the round.")
@click.pass_context
def command(ctx: click.Context, **_params) -> None:
    """Audit portals: crawl, run axe-core and the portal checks, write CI outputs.

    \b
    With no URL, the sites come from the config file (a11y-audit.toml, or [tool.a11y-audit] in pyproject.toml,
    in this folder): every option below, and per-site scope selectors, wait conditions and profiles. A flag given
    here overrides the file. See docs/web.md.
    Exit codes: 0 audited and thresholds met, 2 audited and a threshold crossed, 1 the tool could not audit
    what was asked (nothing audited, a page that timed out or crashed, bad input, no browser).
    Broken links and "needs review" items are findings: --fail-on broken-links,review makes them count.
    Example:
        a11y-audit web https://www.example.gov.cn/ --fail-on critical,serious --format junit,sarif,md
    """
    lang = ctx.obj["lang"]
    catalog = catalog_from(ctx)
    m = catalog.messages
    config = _config(ctx, m, lang)
    options = WebOptions.resolve(ctx, _file_options(config))
    sites = _sites(options, config, m)
    ignore_checks = _check_options(options, catalog)
    accepted = None
    if options.baseline and not options.update_baseline:
        from audit.web.baseline import read_baseline

        try:
            accepted = frozenset(read_baseline(options.baseline))
        except ValueError as exc:
            _fail(m, "web.cli.bad-baseline", file=options.baseline, problem=exc)
    store = store_from(ctx)
    round_, accepted = _audit(ctx, store, catalog, options, sites, ignore_checks, accepted)
    _report(store, catalog, round_, options, accepted, lang)


def _fail(m, key: str, **values) -> NoReturn:
    click.echo(m.both(key, **values), err=True)
    sys.exit(EXIT_ERROR)


def _config(ctx: click.Context, m, lang: str):
    """The config file: --config, else the one found in this folder; None with --no-config or none found."""
    from audit.cli.web_config import ConfigError, discover, load

    if ctx.params["no_config"]:
        return None
    path = Path(ctx.params["config"]) if ctx.params["config"] else discover(Path.cwd())
    if path is None:
        return None
    if not path.is_file():
        _fail(m, "web.config.not-found", file=path)
    try:
        config = load(path)
    except ConfigError as exc:
        click.echo("\n".join(p.both(m) for p in exc.problems), err=True)
        sys.exit(EXIT_ERROR)
    click.echo(m.t("web.config.reading", lang, file=path), err=True)
    return config


def _file_options(config) -> dict:
    """The file's options; its paths are relative to the file's folder, not to where the command runs."""
    if config is None:
        return {}
    values = dict(config.options)
    for key in PATH_KEYS:
        if key in values:
            values[key] = str(config.path.parent / values[key])
    return values


def _sites(options: WebOptions, config, m) -> list:
    """The command line's URLs and --sites file, else the config file's sites; each in every profile asked for."""
    from audit.cli.web_config import config_sites
    from audit.web.auditor import Site

    for profile in options.profiles:
        if profile not in PROFILE_NAMES:
            _fail(m, "web.cli.bad-profile", value=profile, profiles=", ".join(PROFILE_NAMES))
    if options.sites_file and not Path(options.sites_file).is_file():
        _fail(m, "web.config.not-found", file=options.sites_file)
    try:
        given = [Site(u) for u in options.urls] + (read_sites(options.sites_file, m) if options.sites_file else [])
    except click.ClickException as exc:
        click.echo(exc.message, err=True)
        sys.exit(EXIT_ERROR)
    for site in given:
        if not site.url.startswith(("http://", "https://")):
            _fail(m, "web.cli.bad-url", url=site.url)
    sites = [replace(s, profile=p) for s in given for p in options.profiles]
    if not sites and config is not None:
        sites = config_sites(config, options.profiles)
    if not sites and not options.resume:
        _fail(m, "web.cli.no-urls")
    for site in sites:
        if options.driver == "selenium" and site.settings.flows:  # the flow runner drives Playwright only, for now
            _fail(m, "web.cli.flows-selenium", site=site.label)
    return sites


def _check_options(options: WebOptions, catalog) -> tuple[str, ...]:
    """Check the values click cannot (severities, formats, check ids); the checks to leave out."""
    m = catalog.messages
    for value in options.fail_on:
        if value not in FAIL_ON:
            _fail(m, "web.cli.bad-severity", value=value)
    for name in options.formats:
        if name not in FORMAT_NAMES:
            raise click.BadParameter(f"{name} (one of {', '.join(FORMAT_NAMES)})", param_hint="--format")
    from audit.runs.web import web_checks

    checks = web_checks(catalog)
    web = [c.id for c in checks]
    for check_id in (*options.ignore_checks, *options.only_checks):
        if check_id not in catalog.checks or (check_id in options.only_checks and check_id not in web):
            _fail(m, "web.cli.unknown-check", check=check_id)
    ignore_checks = list(options.ignore_checks)
    if options.no_builtins:  # the same as --ignore for each probe check: recorded in the round's options.ignore
        ignore_checks += [c.id for c in checks if "builtin" in c.answer]
    if options.only_checks:  # the same as --ignore for every other check, so a resumed round runs the same ones
        ignore_checks += [c for c in web if c not in options.only_checks]
    return tuple(dict.fromkeys(ignore_checks))


def audit_options(options: WebOptions):
    """The auditor's options from the command's."""
    from audit.web.auditor import AuditOptions
    from audit.web.crawl import CrawlOptions

    return AuditOptions(
        crawl=CrawlOptions(
            max_pages=options.max_pages,
            max_depth=options.max_depth,
            per_template=options.per_template,
            scope=options.scope,
            include=tuple(options.include),
            exclude=tuple(options.exclude),
            obey_robots=not options.ignore_robots,
            use_sitemaps=not options.no_sitemap,
            key_pages=tuple(options.key_page),
            per_host_concurrency=options.concurrency,
            delay=options.delay,
        ),
        driver=options.driver,
        remote_url=options.remote_url,
        timeout=options.timeout,
        lang=options.axe_lang,
        screenshots_dir=options.screenshots_dir,
    )


def _with_auth(recorded: list, given: list, meta: dict, m) -> list:
    """A resumed round's sites with their auth from the config file again (secrets are never recorded); a site
    that was audited logged in and has no auth now is an error, never a crawl of its login page."""
    auth = {s.key: s.settings.auth for s in given if s.settings.auth is not None}
    flows = {s.key: s.settings.flows for s in given if s.settings.flows}  # step values may be secrets: not recorded
    logged_in = {
        ((s.get("start_urls") or [s.get("url")])[0], s.get("profile") or "desktop")
        for s in meta.get("sites", [])
        if (s.get("settings") or {}).get("logged_in")
    }
    sites = []
    for site in recorded:
        if site.key in flows:
            site = replace(site, settings=replace(site.settings, flows=flows[site.key]))
        if site.key in auth:
            site = replace(site, settings=replace(site.settings, auth=auth[site.key]))
        elif (site.url, site.profile) in logged_in:
            _fail(m, "web.cli.resume-auth", site=site.label)
        sites.append(site)
    return sites


def _audit(ctx, store, catalog, options: WebOptions, sites: list, ignore_checks, accepted):
    """Run (or resume) the round with a progress display; the finished round and the baseline's keys."""
    from audit.runs.web import recorded_options, recorded_sites, run_web, unfinished_round
    from audit.web.auditor import merge_sites
    from audit.web.baseline import read_baseline, write_baseline

    m, lang = catalog.messages, ctx.obj["lang"]
    previous = unfinished_round(store) if options.resume else None
    if options.resume and previous is None:
        _fail(m, "web.cli.no-resume")
    audit = audit_options(options)
    if previous is not None:  # go on as the round began: its scope, budget, patterns and ignores
        given = [name for name in RECORDED if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE]
        if given:
            options_text = ", ".join("--" + n.replace("_", "-") for n in given)
            click.echo(m.t("web.cli.resume-options", lang, round=previous.id, options=options_text), err=True)
        audit, ignore_checks = recorded_options(previous.meta, executable=audit.executable)
        sites = _with_auth(recorded_sites(previous.meta), sites, previous.meta, m) or sites
    sites = merge_sites(sites)
    progress = Progress(audit.crawl.max_pages * len(sites), lang, m)
    try:
        round_ = run_web(
            store,
            catalog,
            sites,
            audit,
            resume=options.resume,
            ignore=ignore_checks,
            label=options.label,
            on_event=progress,
            reuse=not options.no_reuse,
        )
    except KeyboardInterrupt:
        progress.stop()
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the browser could not start, the store failed: a clear message, exit 1
        progress.stop()
        _fail(m, "web.cli.failed", detail=f"{type(exc).__name__}: {exc}")
    progress.stop()
    if options.update_baseline and options.baseline:
        count = write_baseline(options.baseline, store.findings(round_.id, prefix="page:"))
        click.echo(m.t("web.cli.baseline-written", lang, count=count, file=options.baseline), err=True)
        accepted = frozenset(read_baseline(options.baseline))
    return round_, accepted


def _report(store, catalog, round_, options: WebOptions, accepted, lang: str) -> NoReturn:
    """Gate the round, write the outputs, print the summary and exit with the gate's code."""
    from audit.model import Severity
    from audit.render.ci import build_report, write_outputs
    from audit.runs import current_scores
    from audit.runs.web import Gate, evaluate_gate
    from audit.web.baseline import instance_states

    m = catalog.messages
    severities = list(options.fail_on)
    gate = evaluate_gate(
        store,
        catalog,
        round_.id,
        Gate(
            options.fail_under,
            frozenset(Severity(s) for s in severities if s in SEVERITIES),
            accepted,
            review="review" in severities,
            broken_links="broken-links" in severities,
        ),
        lang,
    )
    scores = current_scores(store, catalog, round_.id)
    report = build_report(
        store,
        catalog,
        round_.id,
        scores,
        {
            "exit_code": gate.exit_code,
            "reasons": gate.reasons,
            "fail_under": options.fail_under,
            "fail_on": severities,
            "new_failures": len(gate.new_failures),
            "new_reviews": len(gate.new_reviews),
            "baseline": options.baseline,
            "verdict": gate_verdict(gate.exit_code, gate.insufficient),
            "insufficient": list(gate.insufficient),
        },
        lang,
        baseline_states=(lambda finding: instance_states(finding, accepted)) if accepted is not None else None,
    )
    written = write_outputs(report, list(options.formats), options.out_dir)
    _print_summary(m, lang, round_, report, written)
    click.echo(_verdict_line(m, lang, gate))
    store.close()
    sys.exit(gate.exit_code)


def gate_verdict(exit_code: int, insufficient: list[str]) -> str:
    """passed only when audited with no threshold crossed and every site graded: 待补充 never reads as passed."""
    if exit_code == EXIT_ERROR:
        return "error"
    if exit_code != 0:
        return "failed"
    return "insufficient" if insufficient else "passed"


def _verdict_line(m, lang: str, gate) -> str:
    if gate.exit_code != 0:
        return m.t("web.cli.threshold", lang, reason="; ".join(gate.reasons))
    if gate.insufficient:
        return m.t("web.cli.not-graded", lang, count=len(gate.insufficient), sites=", ".join(gate.insufficient))
    return m.t("web.cli.passed", lang)


def _site_line(m, lang: str, site: dict) -> str:
    named = site["name"] and site["name"] != site["url"]
    url = site["url"] if site.get("profile", "desktop") == "desktop" else f"{site['url']} [{site['profile']}]"
    if site.get("state") == "insufficient":
        key = "web.cli.site-line-insufficient" if named else "web.cli.site-line-url-insufficient"
        return m.t(key, lang, site=site["name"], url=url, reasons=site.get("reason_text") or "")
    return m.t(
        "web.cli.site-line" if named else "web.cli.site-line-url",
        lang,
        site=site["name"],
        url=url,
        score=site["score"] if site["score"] is not None else "–",
        grade=site["grade"] or "–",
    )


def _print_summary(m, lang: str, round_, report: dict, written: dict) -> None:
    click.echo(
        m.t(
            "web.cli.summary",
            lang,
            round=round_.id,
            pages=len(report["pages"]),
            errors=len(report["errors"]),
            sites=len(report["sites"]),
        )
    )
    for site in report["sites"]:
        click.echo(_site_line(m, lang, site))
    summary = report["summary"]
    if summary.get("insufficient_pages"):
        click.echo(m.t("web.cli.insufficient-pages", lang, count=summary["insufficient_pages"]))
    click.echo(
        m.t(
            "web.cli.counts",
            lang,
            failures=summary["failures"],
            new=summary["new"],
            known=summary["known"],
            reviews=summary["reviews"],
            broken=summary["broken_links"],
        )
    )
    if summary.get("out_of_scope"):
        click.echo(m.t("web.cli.out-of-scope", lang, count=summary["out_of_scope"]))
    if summary.get("reused"):
        click.echo(m.t("web.cli.reused", lang, count=summary["reused"], **summary["reused_by"]))
    for name, path in written.items():
        click.echo(f"  {name}: {path}")
