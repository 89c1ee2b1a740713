"""The `a11y-audit` command: a thin click group; each subcommand lives in its own module."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from audit import __version__

# name -> module under audit.cli holding a click command called `command`
SUBCOMMANDS = {
    "web": "web",
    "facility": "facility",
    "map": "map",
    "report": "report",
    "serve": "serve",
    "checklists": "checklists",
    "areas": "areas",
    "rounds": "rounds",
    "ledger": "ledger",
    "review": "review",
    "demo": "demo",
}


class LazyGroup(click.Group):
    """Imports a subcommand's module only when it runs, so `--help` and small commands start fast."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in SUBCOMMANDS:
            return None
        return importlib.import_module(f"audit.cli.{SUBCOMMANDS[name]}").command

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        """Bad usage exits 1, not click's 2: exit 2 is reserved for "accessibility thresholds not met"."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except click.exceptions.Abort:
            click.echo("Aborted! / 已中止", err=True)
            sys.exit(1)
        except click.ClickException as exc:
            exc.show()
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="a11y-audit")
@click.option(
    "--db",
    envvar="A11Y_AUDIT_DB",
    default="a11y-audit.db",
    show_default=True,
    help="Store: a SQLite file path, or postgresql://… (env A11Y_AUDIT_DB).",
)
@click.option(
    "--checklists",
    "checklists_root",
    envvar="A11Y_AUDIT_CHECKLISTS",
    default=None,
    type=click.Path(file_okay=False),
    help="Checklist folder (default: the bundled checklists/).",
)
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    envvar="A11Y_AUDIT_LANG",
    default="zh",
    show_default=True,
    help="Language of reports, maps and messages.",
)
@click.option(
    "--region",
    envvar="A11Y_AUDIT_REGION",
    default=None,
    metavar="CODE",
    help="Province-level GB/T 2260 code the store covers, e.g. 440000 (env A11Y_AUDIT_REGION). "
    "Default: the region the store was loaded for by `areas load`, else 430000 (Hunan).",
)
@click.pass_context
def cli(ctx: click.Context, db: str, checklists_root: str | None, lang: str, region: str | None) -> None:
    """Accessibility audits of government portals and public facilities.

    \b
    Example:
        a11y-audit demo
        a11y-audit web https://www.hunan.gov.cn/ --fail-on critical,serious
        a11y-audit facility ingest toilets.xlsx
    """
    ctx.obj = {"db": db, "checklists": checklists_root, "lang": lang, "region": region}
