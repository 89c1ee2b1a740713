"""`a11y-audit demo`: run everything on bundled sample data and say where the results went."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from audit.cli.common import EXIT_ERROR


def _invoke(args: Sequence[str]) -> int:
    """Run one command line in this process, exactly as a user would type it; returns its exit code."""
    from audit.cli import cli

    try:
        cli.main(list(args), prog_name="a11y-audit")
    except SystemExit as exc:  # the group always exits, with the code of the exit-code contract
        return int(exc.code or 0)
    return 0


@click.command("demo")
@click.option(
    "--db",
    "db",
    default="demo.db",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The demo's own database (recreated on every run).",
)
@click.option("--maps", default="maps", show_default=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--reports", default="reports", show_default=True, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def command(ctx: click.Context, db: Path, maps: Path, reports: Path) -> None:
    """Run the whole pipeline on bundled sample data, then print where the maps and reports are.

    It loads Hunan's areas, imports two rounds of sample field checklists (Changsha, Shaoshan, Wulingyuan,
    Mangshan), serves three sample government portals on 127.0.0.1 and audits them in two rounds, then
    writes maps and progress reports comparing the rounds.

    \b
    Example:
        a11y-audit demo
        a11y-audit --lang en demo --db /tmp/demo.db
    """
    from audit.demo.run import DemoPlan, run_demo

    plan = DemoPlan(db=db, maps=maps, reports=reports, lang=ctx.obj["lang"])
    code = run_demo(_invoke, plan, click.echo)
    click.echo("")
    for title, seconds, step_code in plan.steps:
        click.echo(f"  {seconds:6.1f} s  exit {step_code}  {title}")
    if code:
        click.echo(f"\n演示未完成 / the demo stopped early (exit {code})", err=True)
        sys.exit(code if code != 2 else EXIT_ERROR)
    click.echo("\n结果 / results:")
    for label, path in (("数据库 / store", db), ("地图 / maps", maps), ("报告 / reports", reports)):
        click.echo(f"  {label}: {path.resolve()}")
    for path in sorted(maps.glob("*.html")) + sorted(reports.rglob("*.*")):
        if path.suffix in (".html", ".pdf", ".xlsx", ".md", ".json", ".xml", ".sarif"):
            click.echo(f"    {path}")
