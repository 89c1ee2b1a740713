"""`a11y-audit rounds list|rescore`: the dated audit runs kept in the store."""

from __future__ import annotations

import json

import click

from audit.cli.common import catalog_from, fail, store_from
from audit.runs import score_round


@click.group("rounds")
def command() -> None:
    """List audit rounds and rescore them with the current scoring policy."""


@command.command("list")
@click.option("--kind", type=click.Choice(["web", "facility"]), help="Only rounds of one kind.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def list_rounds(ctx: click.Context, kind: str | None, as_json: bool) -> None:
    """One line per round: id, kind, label, status, start, subjects audited.

    \b
    Example:
        a11y-audit rounds list --kind facility
    """
    store = store_from(ctx)
    rows = [
        {
            "id": r.id,
            "kind": r.kind,
            "label": r.label,
            "status": r.status,
            "started_at": r.started_at,
            "finished_at": r.finished_at,
            "subjects": len(store.audited_keys(r.id)),
            "meta": dict(r.meta),
        }
        for r in store.rounds(kind)
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("没有轮次 / no rounds yet")
    for row in rows:
        click.echo(
            f"{row['id']:4} {row['kind']:8} {row['label'] or '-':12} {row['status']:11} "
            f"{row['started_at']}  {row['subjects']} subjects"
        )


@command.command("rescore")
@click.argument("round_ids", nargs=-1, type=int)
@click.pass_context
def rescore(ctx: click.Context, round_ids: tuple[int, ...]) -> None:
    """Score rounds again from their stored findings (after editing checklists/scoring.yaml).

    \b
    Example:
        a11y-audit rounds rescore 3 4
    """
    catalog, store = catalog_from(ctx), store_from(ctx)
    targets = round_ids or tuple(r.id for r in store.rounds())
    for round_id in targets:
        try:
            store.get_round(round_id)
        except KeyError:
            fail(f"没有编号为 {round_id} 的轮次", f"there is no round {round_id}")
        count = score_round(store, catalog, round_id)
        click.echo(f"round {round_id}: {count} subjects scored with {catalog.policy.version}")
