"""`a11y-audit report`: city-creation progress reports (HTML, PDF, XLSX) for the province, a city or a county."""

from __future__ import annotations

import re
from pathlib import Path

import click

from audit.cli.common import catalog_from, fail, store_from

FORMATS = ("html", "pdf", "xlsx")


def _formats(value: str, messages) -> list[str]:
    chosen = [f.strip().lower() for f in value.split(",") if f.strip()]
    for name in chosen:
        if name not in FORMATS:
            fail(
                messages.t("report.cli.bad-format", "zh", value=name),
                messages.t("report.cli.bad-format", "en", value=name),
            )
    return list(dict.fromkeys(chosen)) or ["html"]


def _base_path(out: str | None, area: str | None, today: str) -> Path:
    """`--out` may name a directory (default reports/) or a file whose stem names every format's file.

    `area` is the code the report covers: the one asked for, else the province its data lies in."""
    name = f"report-{area or 'all'}-{today}"
    if not out:
        return Path("reports") / name
    path = Path(out)
    return path.with_suffix("") if path.suffix.lower().lstrip(".") in FORMATS else path / name


def _pdf_launcher():
    """The project's Chromium and launch arguments; render must not import the web auditor, so it is passed in."""
    from audit.render.report.pdf import chromium_launcher
    from audit.web.chromium import LAUNCH_ARGS, find_chromium

    return chromium_launcher(find_chromium(), LAUNCH_ARGS)


@click.command("report")
@click.option(
    "--area",
    default=None,
    help="6-digit division code (GB/T 2260): province, city or county. Default: everything stored.",
)
@click.option(
    "--round",
    "rounds",
    multiple=True,
    metavar="R",
    help="Round id or label to report (repeat for web and facility). Default: the latest complete round of each kind.",
)
@click.option(
    "--compare",
    "compare",
    multiple=True,
    metavar="R0",
    help="Round id or label to compare with (repeat per kind). Default: the complete round before, of the same kind.",
)
@click.option("--format", "formats", default="html", show_default=True, help="Comma-separated: html,pdf,xlsx.")
@click.option(
    "--out",
    default=None,
    help="Output directory (default reports/) or a file name whose stem is used for every format.",
)
@click.option(
    "--lang", type=click.Choice(["zh", "en"]), default=None, help="Report language (default: the global --lang, zh)."
)
@click.pass_context
def command(
    ctx: click.Context,
    area: str | None,
    rounds: tuple[str, ...],
    compare: tuple[str, ...],
    formats: str,
    out: str | None,
    lang: str | None,
) -> None:
    """Write a progress report: creation indicators, categories, portals, service circles, progress, rectification list.

    \b
    Examples:
        a11y-audit report --area 430100 --format html,pdf,xlsx
        a11y-audit report --round 2024-autumn --compare 2023-autumn --lang en --out reports/changsha.html
    """
    from datetime import date

    from audit.render.report import RoundNotFound, build_report, select_rounds, write_html, write_xlsx
    from audit.runs import current_scores

    catalog = catalog_from(ctx)
    messages = catalog.messages
    lang = lang or ctx.obj.get("lang") or "zh"
    if area is not None and not re.fullmatch(r"\d{6}", area):
        fail(messages.t("report.cli.bad-area", "zh", value=area), messages.t("report.cli.bad-area", "en", value=area))
    chosen = _formats(formats, messages)
    store = store_from(ctx)
    try:
        pairs = select_rounds(store, rounds, compare)
    except RoundNotFound as exc:
        fail(messages.t(exc.key, "zh", **exc.values), messages.t(exc.key, "en", **exc.values))
    if not pairs:
        fail(messages.t("report.cli.no-rounds", "zh"), messages.t("report.cli.no-rounds", "en"))
    for pair in pairs:  # fill the score cache for every round the report reads
        for round_ in (pair.current, pair.previous):
            if round_ is not None:
                current_scores(store, catalog, round_.id)
    today = date.today()
    report = build_report(store, catalog, pairs, area, lang, today=today)
    base = _base_path(out, report.area_code, today.isoformat())
    written = []
    if "html" in chosen or "pdf" in chosen:  # the PDF is printed from the HTML file
        html = write_html(report, base.with_suffix(".html"))
        if "html" in chosen:
            written.append(("html", html))
        if "pdf" in chosen:
            written.append(("pdf", _print_pdf(html, base.with_suffix(".pdf"), messages)))
            if "html" not in chosen:
                html.unlink()
    if "xlsx" in chosen:
        written.append(("xlsx", write_xlsx(report, base.with_suffix(".xlsx"))))
    for name, path in written:
        click.echo(messages.t("report.cli.written", lang, format=name.upper(), path=path))


def _print_pdf(html: Path, pdf: Path, messages) -> Path:
    from playwright.sync_api import Error as PlaywrightError

    from audit.render.report.pdf import write_pdf

    try:
        return write_pdf(html, pdf, _pdf_launcher())
    except (PlaywrightError, OSError) as exc:  # its message names the missing browser or the crash
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        fail(
            messages.t("report.cli.no-chromium", "zh", detail=detail),
            messages.t("report.cli.no-chromium", "en", detail=detail),
        )
