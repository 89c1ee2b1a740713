"""`a11y-audit ledger list|export`: the problem ledger (问题台账) by area and state, on screen or as a file."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import click

from audit.cli.common import catalog_from, fail, store_from
from audit.model.problems import STATES
from audit.render.ledger import FORMATS, export, records, select

AREA = re.compile(r"^\d{6}$")


def _problems(ctx: click.Context, area: str | None, statuses: tuple[str, ...]):
    if area and not AREA.match(area):
        fail(f"地区“{area}”应为 6 位行政区划代码", f"area {area!r} must be a 6-digit division code")
    return select(store_from(ctx), area, statuses or None)


def _filters(command):
    command = click.option("--area", help="A 6-digit division code: that area and everything in it.")(command)
    return click.option(
        "--status",
        "statuses",
        multiple=True,
        type=click.Choice(STATES),
        help="Only problems in this state (repeatable; default: every state).",
    )(command)


@click.group("ledger")
def command() -> None:
    """The problem ledger: every failed check as a problem followed across rounds until verified."""


@command.command("list")
@_filters
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def list_problems(ctx: click.Context, area: str | None, statuses: tuple[str, ...], as_json: bool) -> None:
    """One line per problem, overdue first, then by severity and age.

    \b
    Example:
        a11y-audit ledger list --area 430104 --status open --status reopened
    """
    catalog, lang = catalog_from(ctx), ctx.obj["lang"]
    rows = records(_problems(ctx, area, statuses), catalog, lang, date.today())
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    if not rows:
        click.echo(catalog.messages.t("ledger.cli.none", lang))
    for r in rows:
        overdue = " !" if r["overdue"] else ""
        click.echo(
            f"{r['reference']}  {r['status_text']}{overdue}  {r['severity']:8} {r['area'] or '-':6}  "
            f"{r['subject']}  {r['check']}  {r['age']}d  {r['unit'] or ''} {r['deadline'] or ''}".rstrip()
        )


@command.command("export")
@_filters
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="xlsx", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File to write.")
@click.pass_context
def export_problems(ctx: click.Context, area: str | None, statuses: tuple[str, ...], fmt: str, output: Path) -> None:
    """Write the ledger as JSON, CSV or XLSX (text cells guarded against spreadsheet formulas).

    \b
    Example:
        a11y-audit ledger export --area 430100 --format xlsx -o ledger.xlsx
    """
    catalog, lang = catalog_from(ctx), ctx.obj["lang"]
    count = export(_problems(ctx, area, statuses), catalog, fmt, output, lang)
    click.echo(catalog.messages.t("ledger.cli.written", lang, count=count, path=output))
