"""`a11y-audit review queue|capture|export|import|decide|report|sign`: human review of a round and a site's
conformance report, for evaluators at the command line or working offline in a spreadsheet."""

from __future__ import annotations

import json
from pathlib import Path

import click

from audit.cli.common import catalog_from, fail, store_from
from audit.render.conformance import report_page, to_jsonld
from audit.runs.conformance import evaluation
from audit.runs.review import Decision, ReviewError, build_queue, decide, now_iso
from audit.runs.review_capture import capture_pages
from audit.runs.review_sheet import SheetError, export_queue, import_verdicts

MAX_SHEET_BYTES = 20 * 1024 * 1024


def _round(ctx: click.Context, round_id: int | None, kind: str | None = None):
    store = store_from(ctx)
    if round_id is None:
        latest = store.latest_round(kind or "web")
        if latest is None:
            fail("还没有已完成的检测轮次", "there is no complete round yet")
        return store, latest
    try:
        round_ = store.get_round(round_id)
    except (KeyError, LookupError):
        fail(f"没有第 {round_id} 轮", f"there is no round {round_id}")
    if kind and round_.kind != kind:
        catalog = catalog_from(ctx)
        fail(
            catalog.messages.t("review.error.not-web", "zh", round=round_id),
            catalog.messages.t("review.error.not-web", "en", round=round_id),
        )
    return store, round_


def _site(store, round_id: int, site: str | None) -> str:
    sites = sorted(k for k in store.audited_keys(round_id) if k.startswith("site:"))
    if site is None and len(sites) == 1:
        return sites[0]
    key = site if site is None or site.startswith("site:") else f"site:{site.rstrip('/')}"
    if key not in sites:
        fail(
            f"第 {round_id} 轮没有站点 {site}；可选：{', '.join(sites) or '无'}",
            f"round {round_id} has no site {site}; choose one of: {', '.join(sites) or 'none'}",
        )
    return key


def _round_option(command):
    return click.option("--round", "round_id", type=int, help="Round id (default: the latest complete web round).")(
        command
    )


@click.group("review")
def command() -> None:
    """Human review: judge what the audit could not decide, then report a site's conformance."""


@command.command("queue")
@_round_option
@click.option("--site", help="Only this site (its origin, or site:<origin>).")
@click.option("--open", "only_open", is_flag=True, help="Only items not yet reviewed or needing re-review.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def queue(ctx: click.Context, round_id: int | None, site: str | None, only_open: bool, as_json: bool) -> None:
    """List the round's review items, those not yet reviewed first.

    \b
    Example:
        a11y-audit review queue --open
    """
    catalog, lang = catalog_from(ctx), ctx.obj["lang"]
    store, round_ = _round(ctx, round_id)
    site_key = _site(store, round_.id, site) if site else None
    items = build_queue(store, catalog, round_.id, site_key=site_key)
    if only_open:
        items = [i for i in items if not i.counts]
    rows = [
        {
            "item": i.id,
            "subject": i.subject.key,
            "check": i.check.id,
            "title": i.check.text(lang),
            "source": i.source,
            "state": i.state,
            "verdict": i.verdict.outcome.value if i.verdict else None,
            "author": i.verdict.author if i.verdict else None,
            "carried_from": i.verdict.carried_from if i.verdict else None,
        }
        for i in items
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(catalog.messages.t("review.queue.empty", lang))
    for r in rows:
        state = catalog.messages.t(f"review.state.{r['state']}", lang, round=r["carried_from"] or "")
        click.echo(f"{r['item']}  {state}  {r['check']}  {r['subject']}  {r['verdict'] or ''}".rstrip())


@command.command("capture")
@_round_option
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("reports/review"), show_default=True
)
@click.pass_context
def capture(ctx: click.Context, round_id: int | None, out: Path) -> None:
    """Screenshot every audited page of a web round, with the boxes of elements under review, for reviewers."""
    catalog, lang = catalog_from(ctx), ctx.obj["lang"]
    store, round_ = _round(ctx, round_id, "web")
    count = capture_pages(store, catalog, round_.id, out)
    click.echo(catalog.messages.t("review.cli.captured", lang, count=count, path=out / f"round-{round_.id}"))


@command.command("export")
@_round_option
@click.option("--site", help="Only this site.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.pass_context
def export(ctx: click.Context, round_id: int | None, site: str | None, output: Path) -> None:
    """Write the queue as XLSX to judge offline (fill the Verdict column, then `review import`)."""
    catalog, lang = catalog_from(ctx), ctx.obj["lang"]
    store, round_ = _round(ctx, round_id, None)
    site_key = _site(store, round_.id, site) if site else None
    count = export_queue(store, catalog, round_.id, output, lang, site_key)
    click.echo(catalog.messages.t("review.cli.exported", lang, count=count, path=output))


@command.command("import")
@_round_option
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--author", required=True, help="Who judged (recorded with every verdict).")
@click.pass_context
def import_(ctx: click.Context, round_id: int | None, workbook: Path, author: str) -> None:
    """Record the verdicts of a filled workbook; any bad row refuses the whole file (file, row, field named)."""
    catalog, lang = catalog_from(ctx), ctx.obj["lang"]
    store, round_ = _round(ctx, round_id, None)
    if workbook.stat().st_size > MAX_SHEET_BYTES:
        fail(f"{workbook.name} 超过 20 MB", f"{workbook.name} is larger than 20 MB")
    try:
        count = import_verdicts(store, catalog, round_.id, workbook.read_bytes(), workbook.name, author[:64])
    except SheetError as exc:
        lines = exc.messages(catalog)
        click.echo("\n".join(lines), err=True)
        raise SystemExit(1) from None
    click.echo(catalog.messages.t("review.import.done", lang, count=count, file=workbook.name))


@command.command("decide")
@_round_option
@click.argument("item")
@click.argument("outcome", type=click.Choice(["pass", "fail", "n/a"]))
@click.option("--note", default="", help="Why (kept with the verdict).")
@click.option("--author", required=True)
@click.pass_context
def decide_one(ctx: click.Context, round_id: int | None, item: str, outcome: str, note: str, author: str) -> None:
    """Record one verdict for an item of `review queue`."""
    catalog, lang = catalog_from(ctx), ctx.obj["lang"]
    store, round_ = _round(ctx, round_id, None)
    try:
        decide(store, catalog, round_.id, [Decision(item, outcome, note[:2000])], author[:64])
    except ReviewError as exc:
        t = catalog.messages.t
        fail(t(exc.key, "zh", **exc.values), t(exc.key, "en", **exc.values))
    click.echo(
        catalog.messages.t("review.cli.decided", lang, outcome=catalog.messages.t(f"review.outcome.{outcome}", lang))
    )


@command.command("report")
@_round_option
@click.option("--site", help="The site (required when the round audited several).")
@click.option("--format", "fmt", type=click.Choice(["html", "jsonld"]), default="html", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.pass_context
def report(ctx: click.Context, round_id: int | None, site: str | None, fmt: str, output: Path) -> None:
    """A site's conformance report: HTML to read, or JSON-LD for W3C's WCAG-EM Report Tool.

    \b
    Example:
        a11y-audit review report --site https://www.hunan.gov.cn --format jsonld -o hunan.jsonld
    """
    catalog, lang = catalog_from(ctx), ctx.obj["lang"]
    store, round_ = _round(ctx, round_id, "web")
    data = evaluation(store, catalog, round_.id, _site(store, round_.id, site))
    output.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "html":
        output.write_text(report_page(data, catalog.messages, lang), encoding="utf-8")
    else:
        output.write_text(json.dumps(to_jsonld(data, catalog.messages, lang), ensure_ascii=False, indent=2), "utf-8")
    click.echo(catalog.messages.t("review.cli.written", lang, path=output))


@command.command("sign")
@_round_option
@click.option("--site", help="The site (required when the round audited several).")
@click.option("--signer", required=True, help="The evaluator's name as it appears on the report.")
@click.option("--remarks", default="", help="The evaluator's remarks, printed with the statement.")
@click.pass_context
def sign(ctx: click.Context, round_id: int | None, site: str | None, signer: str, remarks: str) -> None:
    """Sign the site's conformance statement as it stands (the report prints who signed and when)."""
    catalog, lang = catalog_from(ctx), ctx.obj["lang"]
    store, round_ = _round(ctx, round_id, "web")
    site_key = _site(store, round_.id, site)
    state = evaluation(store, catalog, round_.id, site_key)["statement"]["state"]
    store.sign_statement(round_.id, site_key, signer[:64], now_iso(), {"remarks": remarks[:2000], "state": state})
    click.echo(catalog.messages.t("review.cli.signed", lang, round=round_.id, site=site_key.removeprefix("site:")))
