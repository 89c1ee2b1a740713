"""Documentation does not drift: every command is in the README, every module has a docstring."""

from __future__ import annotations

import ast
from pathlib import Path

import click

from audit.cli import SUBCOMMANDS, cli

REPO = Path(__file__).resolve().parents[1]


def test_every_top_level_command_is_in_the_readme_table():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in SUBCOMMANDS:
        assert f"`a11y-audit {name}" in readme, f"README does not document `a11y-audit {name}`"


def test_the_readme_starts_with_the_two_commands_ci_runs():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```")[1]
    assert "./dev demo" in first_block and "./dev test" in first_block
    assert "./dev test" in (REPO / ".ci" / "run").read_text()


def _leaf_commands(group: click.Group, ctx: click.Context, prefix: str = ""):
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            yield from _leaf_commands(command, ctx, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}", command


def test_every_command_has_help():
    ctx = click.Context(cli)
    for name, command in _leaf_commands(cli, ctx):
        assert (command.help or "").strip(), f"`a11y-audit {name}` has no help text"


def test_every_module_has_a_docstring():
    missing = []
    for path in sorted((REPO / "audit").rglob("*.py")):
        if "vendor" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if not ast.get_docstring(tree) and path.stat().st_size > 0:
            missing.append(str(path.relative_to(REPO)))
    assert not missing, f"modules without a one-line docstring: {missing}"


def test_the_cli_reference_is_generated_from_the_commands_as_they_are():
    """docs/cli.md is cog output from audit.cli: an option added, renamed or re-worded without `cog -r` fails."""
    import subprocess
    import sys

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cogapp",
            "--check",
            "--diff",
            "--check-fail-msg",
            "run: cog -r docs/cli.md",
            "docs/cli.md",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_readme_links_the_cli_reference():
    assert "(docs/cli.md)" in (REPO / "README.md").read_text(encoding="utf-8")
