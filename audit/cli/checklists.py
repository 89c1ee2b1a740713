"""`a11y-audit checklists list|show|validate`: read the checks as data."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from audit.catalog import ChecklistError, load_catalog
from audit.cli.common import EXIT_ERROR, catalog_from


@click.group("checklists")
def command() -> None:
    """List, show and validate the checklists in checklists/."""


@command.command("list")
@click.option("--domain", type=click.Choice(["web", "facility"]), help="Only web or facility checklists.")
@click.pass_context
def list_checklists(ctx: click.Context, domain: str | None) -> None:
    """One line per checklist: id, domain, category, number of checks, title.

    \b
    Example:
        a11y-audit checklists list --domain facility
    """
    catalog = catalog_from(ctx)
    lang = ctx.obj["lang"]
    for checklist in sorted(catalog.checklists.values(), key=lambda c: (c.domain, c.id)):
        if domain and checklist.domain != domain:
            continue
        click.echo(
            f"{checklist.id:28} {checklist.domain:9} {checklist.category:12} {len(checklist.checks):3}  "
            f"{checklist.title.get(lang, checklist.title['zh'])}"
        )


@command.command("show")
@click.argument("checklist_id")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def show(ctx: click.Context, checklist_id: str, as_json: bool) -> None:
    """Every check of one checklist with severity, veto, clauses and how it is answered.

    \b
    Example:
        a11y-audit checklists show curb-ramps
    """
    catalog = catalog_from(ctx)
    lang = ctx.obj["lang"]
    checklist = catalog.checklists.get(checklist_id)
    if checklist is None:
        known = ", ".join(sorted(catalog.checklists))
        click.echo(
            f"错误：没有清单 {checklist_id!r}。可用：{known}\nError: no checklist {checklist_id!r}. Known: {known}",
            err=True,
        )
        sys.exit(EXIT_ERROR)
    if as_json:
        click.echo(json.dumps(_as_dict(checklist), ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{checklist.id} — {checklist.title.get(lang)} ({checklist.domain}, {checklist.category}, {checklist.path})"
    )
    for check in checklist.checks:
        veto = " VETO" if check.veto else ""
        clauses = "; ".join(c.label() for c in check.clauses) or "-"
        click.echo(
            f"  {check.id:36} {check.severity.value:9}{veto}  {check.text(lang)}\n"
            f"  {'':36} {clauses}\n  {'':36} answer: {json.dumps(dict(check.answer), ensure_ascii=False)}"
        )


@command.command("validate")
@click.argument("root", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
def validate(root: Path | None) -> None:
    """Validate every checklist file; print each problem with its file and item.

    \b
    Example:
        a11y-audit checklists validate ./my-province-checklists
    """
    from audit.catalog import default_root
    from audit.catalog.load import load_indicators
    from audit.catalog.regions import LEGACY_REGION, REGIONS_DIR
    from audit.circles import load_circles

    base = root or default_root()
    # Every province's own data (checklists/regions/<code>/), plus Hunan's files in the older layout.
    regions = sorted({p.name for p in (Path(base) / REGIONS_DIR).glob("*") if p.is_dir()} | {LEGACY_REGION})
    try:
        catalog = load_catalog(root)
        circles = [c for region in regions for c in load_circles(root, region)]
        for region in regions:
            load_indicators(base, region)
    except ChecklistError as exc:
        click.echo(f"无效 / invalid:\n{exc}", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(
        f"ok: {len(catalog.checklists)} checklists, {len(catalog.checks)} checks, "
        f"{len(catalog.indicators)} creation indicators, {len(circles)} service circles, "
        f"scoring {catalog.policy.version}"
    )


def _as_dict(checklist) -> dict:
    return {
        "id": checklist.id,
        "domain": checklist.domain,
        "category": checklist.category,
        "title": dict(checklist.title),
        "checks": [
            {
                "id": c.id,
                "title": dict(c.title),
                "severity": c.severity.value,
                "veto": c.veto,
                "level": c.level,
                "clauses": [{"standard": k.standard, "clause": k.clause, "verified": k.verified} for k in c.clauses],
                "answer": dict(c.answer),
            }
            for c in checklist.checks
        ],
    }
