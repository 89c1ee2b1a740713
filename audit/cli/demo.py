"""`a11y-audit demo`: run everything that exists on the bundled sample data and say where results went."""

from __future__ import annotations

import click

from audit.cli.common import catalog_from


@click.command("demo")
@click.pass_context
def command(ctx: click.Context) -> None:
    """Run the whole pipeline on bundled sample data (a sample portal on 127.0.0.1, sample checklists)."""
    catalog = catalog_from(ctx)
    click.echo(f"checklists: {len(catalog.checklists)} loaded, {len(catalog.checks)} checks")
