"""`a11y-audit web`: audit portals in CI — crawl, axe-core in Chromium, thresholds, baseline, CI outputs."""

from __future__ import annotations

import sys

import click

from audit.cli.common import EXIT_ERROR, catalog_from, store_from

FORMAT_NAMES = ("json", "junit", "sarif", "md", "html")
SEVERITIES = ("critical", "serious", "moderate", "minor")
FAIL_ON = (*SEVERITIES, "review", "broken-links")
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
        self.pages = 0
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
            line = t("web.cli.site-done", lang, site=event.site.label, pages=self.pages)
            self.pages = 0
        else:
            self.count += 1
            url = event.subject.url
            if isinstance(event, PageFailed) and event.reason == "broken-link":
                line = t("web.cli.page-broken", lang, n=self.count, url=url, status=event.values.get("status", ""))
            elif isinstance(event, PageFailed):
                line = t("web.cli.page-failed", lang, n=self.count, url=url, reason=event.reason)
            else:
                self.pages += 1
                failed = sum(f.outcome.value == "fail" for f in event.findings)
                review = sum(f.outcome.value == "review" for f in event.findings)
                line = t("web.cli.page-audited", lang, n=self.count, url=url, failed=failed, review=review)
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
    "--sites",
    "sites_file",
    type=click.Path(exists=True, dir_okay=False),
    help="File of portals: URL, division code, name (one per line).",
)
@click.option("--max-pages", default=50, show_default=True, help="Page budget per site.")
@click.option("--max-depth", default=3, show_default=True, help="Link depth from the start page.")
@click.option("--per-template", default=3, show_default=True, help="Pages sampled per page template (WCAG-EM).")
@click.option("--scope", type=click.Choice(["host", "domain"]), default="host", show_default=True)
@click.option("--include", multiple=True, help="Only URLs matching this regex (repeatable).")
@click.option("--exclude", multiple=True, help="Skip URLs matching this regex (repeatable).")
@click.option("--key-page", multiple=True, help="Always audit this URL (repeatable).")
@click.option("--ignore-robots", is_flag=True, help="Ignore robots.txt (only for your own site).")
@click.option("--no-sitemap", is_flag=True, help="Do not read sitemap.xml.")
@click.option("--concurrency", default=2, show_default=True, help="Browser tabs per host.")
@click.option("--delay", default=0.5, show_default=True, help="Seconds between requests of one tab.")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds per page.")
@click.option("--driver", type=click.Choice(["playwright", "selenium"]), default="playwright", show_default=True)
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
    "--no-builtins",
    is_flag=True,
    help="axe-core rules only: leave out the portal probes (focus, reflow, elder mode, toolbar).",
)
@click.option("--baseline", type=click.Path(dir_okay=False), help="JSON file of accepted findings.")
@click.option("--update-baseline", is_flag=True, help="Write the current failures into --baseline.")
@click.option("--format", "formats", default="json", show_default=True, help=f"Outputs: {','.join(FORMAT_NAMES)}.")
@click.option("--out", "out_dir", default="a11y-results", show_default=True, type=click.Path(file_okay=False))
@click.option("--resume", is_flag=True, help="Continue the last unfinished web round.")
@click.option("--label", help="A label for the round.")
@click.pass_context
def command(
    ctx: click.Context,
    urls,
    sites_file,
    max_pages,
    max_depth,
    per_template,
    scope,
    include,
    exclude,
    key_page,
    ignore_robots,
    no_sitemap,
    concurrency,
    delay,
    timeout,
    driver,
    remote_url,
    axe_lang,
    screenshots_dir,
    fail_under,
    fail_on,
    ignore_checks,
    no_builtins,
    baseline,
    update_baseline,
    formats,
    out_dir,
    resume,
    label,
) -> None:
    """Audit portals: crawl, run axe-core and the portal checks, write CI outputs.

    \b
    Exit codes: 0 audited and thresholds met, 2 audited and a threshold crossed, 1 the tool could not audit
    what was asked (nothing audited, a page that timed out or crashed, bad input, no browser).
    Broken links and "needs review" items are findings: --fail-on broken-links,review makes them count.
    Example:
        a11y-audit web https://www.example.gov.cn/ --fail-on critical,serious --format junit,sarif,md
    """
    from audit.model import Severity
    from audit.render.ci import build_report, write_outputs
    from audit.runs import current_scores
    from audit.runs.web import Gate, evaluate_gate, recorded_options, recorded_sites, run_web, unfinished_round
    from audit.web.auditor import AuditOptions, Site, merge_sites
    from audit.web.baseline import instance_states, read_baseline, write_baseline
    from audit.web.crawl import CrawlOptions

    lang = ctx.obj["lang"]
    catalog = catalog_from(ctx)
    m = catalog.messages

    def fail(key: str, **values) -> None:
        click.echo(m.both(key, **values), err=True)
        sys.exit(EXIT_ERROR)

    try:
        sites = [Site(u) for u in urls] + (read_sites(sites_file, m) if sites_file else [])
    except click.ClickException as exc:
        click.echo(exc.message, err=True)
        sys.exit(EXIT_ERROR)
    for site in sites:
        if not site.url.startswith(("http://", "https://")):
            fail("web.cli.bad-url", url=site.url)
    if not sites and not resume:
        fail("web.cli.no-urls")
    severities = [s.strip() for s in fail_on.split(",") if s.strip()]
    for value in severities:
        if value not in FAIL_ON:
            fail("web.cli.bad-severity", value=value)
    for check_id in ignore_checks:
        if check_id not in catalog.checks:
            fail("web.cli.unknown-check", check=check_id)
    if no_builtins:  # the same as --ignore for each probe check: recorded in the round's options.ignore
        from audit.runs.web import web_checks

        ignore_checks = tuple(
            dict.fromkeys([*ignore_checks, *(c.id for c in web_checks(catalog) if "builtin" in c.answer)])
        )
    wanted_formats = [f.strip() for f in formats.split(",") if f.strip()]
    for name in wanted_formats:
        if name not in FORMAT_NAMES:
            raise click.BadParameter(f"{name} (one of {', '.join(FORMAT_NAMES)})", param_hint="--format")
    accepted = None
    if baseline and not update_baseline:
        try:
            accepted = frozenset(read_baseline(baseline))
        except ValueError as exc:
            fail("web.cli.bad-baseline", file=baseline, problem=exc)

    store = store_from(ctx)
    previous = unfinished_round(store) if resume else None
    if resume and previous is None:
        fail("web.cli.no-resume")
    options = AuditOptions(
        crawl=CrawlOptions(
            max_pages=max_pages,
            max_depth=max_depth,
            per_template=per_template,
            scope=scope,
            include=tuple(include),
            exclude=tuple(exclude),
            obey_robots=not ignore_robots,
            use_sitemaps=not no_sitemap,
            key_pages=tuple(key_page),
            per_host_concurrency=concurrency,
            delay=delay,
        ),
        driver=driver,
        remote_url=remote_url,
        timeout=timeout,
        lang=axe_lang,
        screenshots_dir=screenshots_dir,
    )
    if previous is not None:  # go on as the round began: its scope, budget, patterns and ignores
        given = [name for name in RECORDED if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE]
        if given:
            options_text = ", ".join("--" + n.replace("_", "-") for n in given)
            click.echo(m.t("web.cli.resume-options", lang, round=previous.id, options=options_text), err=True)
        options, ignore_checks = recorded_options(previous.meta, executable=options.executable)
        sites = recorded_sites(previous.meta) or sites
    sites = merge_sites(sites)
    progress = Progress(options.crawl.max_pages * len(sites), lang, m)
    try:
        round_ = run_web(
            store, catalog, sites, options, resume=resume, ignore=ignore_checks, label=label, on_event=progress
        )
    except KeyboardInterrupt:
        progress.stop()
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the browser could not start, the store failed: a clear message, exit 1
        progress.stop()
        fail("web.cli.failed", detail=f"{type(exc).__name__}: {exc}")
    progress.stop()

    if update_baseline and baseline:
        count = write_baseline(baseline, store.findings(round_.id, prefix="page:"))
        click.echo(m.t("web.cli.baseline-written", lang, count=count, file=baseline), err=True)
        accepted = frozenset(read_baseline(baseline))
    gate = evaluate_gate(
        store,
        catalog,
        round_.id,
        Gate(
            fail_under,
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
            "fail_under": fail_under,
            "fail_on": severities,
            "new_failures": len(gate.new_failures),
            "new_reviews": len(gate.new_reviews),
            "baseline": baseline,
        },
        lang,
        baseline_states=(lambda finding: instance_states(finding, accepted)) if accepted is not None else None,
    )
    written = write_outputs(report, wanted_formats, out_dir)
    pages = sum(1 for p in report["pages"])
    click.echo(
        m.t(
            "web.cli.summary",
            lang,
            round=round_.id,
            pages=pages,
            errors=len(report["errors"]),
            sites=len(report["sites"]),
        )
    )
    for site in report["sites"]:
        click.echo(
            m.t(
                "web.cli.site-line" if site["name"] and site["name"] != site["url"] else "web.cli.site-line-url",
                lang,
                site=site["name"],
                url=site["url"],
                score=site["score"] if site["score"] is not None else "–",
                grade=site["grade"] or "–",
            )
        )
    summary = report["summary"]
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
    for name, path in written.items():
        click.echo(f"  {name}: {path}")
    click.echo(
        m.t("web.cli.passed", lang)
        if gate.exit_code == 0
        else m.t("web.cli.threshold", lang, reason="; ".join(gate.reasons))
    )
    store.close()
    sys.exit(gate.exit_code)
