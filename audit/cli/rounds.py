"""`a11y-audit rounds list|rescore|open|close|reopen|withdraw`: the dated audit runs kept in the store, and
facility campaigns (a facility round open to uploads for an area and a period until closed)."""

from __future__ import annotations

import json

import click

from audit.cli.common import catalog_from, fail, store_from
from audit.runs import score_round
from audit.runs.circles import store_circles
from audit.store import Round, Store


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
            "area_code": r.area_code,
            "period": [r.period_start, r.period_end] if r.period_start else None,
            "state": r.state,
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
            f"{row['started_at']}  {row['subjects']} subjects{_campaign_text(row)}"
        )


def _campaign_text(row: dict) -> str:
    if not row["state"]:
        return ""
    period = " – ".join(row["period"]) if row["period"] else "-"
    return f"  [{row['state']} {row['area_code'] or 'all areas'} {period}]"


def _campaign(store: Store, round_id: int) -> Round:
    try:
        found = store.get_round(round_id)
    except KeyError:
        fail(f"没有编号为 {round_id} 的轮次", f"there is no round {round_id}")
    if found.state is None:
        fail(f"轮次 {round_id} 不是设施检查轮次", f"round {round_id} is not a facility campaign")
    return found


@command.command("open")
@click.option("--period", required=True, help="The quarter it covers, e.g. 2025q3.")
@click.option("--area", "area_code", help="A 6-digit division code (default: every area).")
@click.option("--label", help="Its name (default: the period, and the area if one is given).")
@click.pass_context
def open_campaign(ctx: click.Context, period: str, area_code: str | None, label: str | None) -> None:
    """Open a facility campaign: uploads for its period whose rows lie in its area join it.

    \b
    Example:
        a11y-audit rounds open --period 2025q3 --area 430100
    """
    from audit.runs.facility import quarter_period

    dates = quarter_period(period)
    if dates is None:
        fail(
            f"期间应为季度，如 2025q3，而不是「{period}」", f"the period must be a quarter like 2025q3, not {period!r}"
        )
    if area_code is not None and not (len(area_code) == 6 and area_code.isdigit()):
        fail(f"地区应为6位行政区划代码，而不是「{area_code}」", f"the area must be a 6-digit code, not {area_code!r}")
    name = label or " ".join(p for p in (period, area_code) if p)
    try:
        campaign = store_from(ctx).open_campaign(name, area_code, *dates)
    except ValueError:
        fail("该地区和期间已有开放的检查轮次", "an open campaign for that area and period already exists")
    click.echo(f"round {campaign.id}: {campaign.label} open ({campaign.period_start} – {campaign.period_end})")


@command.command("close")
@click.argument("round_id", type=int)
@click.pass_context
def close_campaign(ctx: click.Context, round_id: int) -> None:
    """Close a campaign: it is frozen, and its uploads are refused until it is reopened."""
    store = store_from(ctx)
    _campaign(store, round_id)
    campaign = store.set_campaign_state(round_id, "closed")
    click.echo(f"round {campaign.id}: {campaign.label} closed")


@command.command("reopen")
@click.argument("round_id", type=int)
@click.pass_context
def reopen_campaign(ctx: click.Context, round_id: int) -> None:
    """Reopen a closed campaign (if no other campaign is open for its area and period)."""
    store = store_from(ctx)
    _campaign(store, round_id)
    try:
        campaign = store.set_campaign_state(round_id, "open")
    except ValueError:
        fail("该地区和期间已有另一个开放的检查轮次", "another campaign is open for that area and period")
    click.echo(f"round {campaign.id}: {campaign.label} open")


@command.command("withdraw")
@click.argument("upload_id", type=int)
@click.option("--by", default="cli", show_default=True, help="Who withdraws it (kept in the upload log).")
@click.pass_context
def withdraw_upload(ctx: click.Context, upload_id: int, by: str) -> None:
    """Withdraw a service upload from its open campaign: kept in the upload log, out of the scores.

    \b
    Example:
        a11y-audit rounds withdraw 42 --by admin
    """
    from audit.runs.facility import NotWithdrawable, withdraw

    catalog, store = catalog_from(ctx), store_from(ctx)
    try:
        keys = withdraw(store, catalog, upload_id, by)
    except NotWithdrawable as exc:
        key = f"service.withdraw.{exc.reason}"
        values = {"id": upload_id, "at": exc.at, "label": exc.campaign.label if exc.campaign else ""}
        fail(catalog.messages.t(key, "zh", **values), catalog.messages.t(key, "en", **values))
    round_id = store.upload(upload_id).round_id
    click.echo(catalog.messages.t("service.withdraw.done", "en", id=upload_id, count=len(keys), round=round_id))


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
        store_circles(store, catalog, round_id)  # circle findings read the facilities' scores: keep them in step
        click.echo(f"round {round_id}: {count} subjects scored with {catalog.policy.version}")
