"""Progress for long commands: a rich bar on a terminal, a few plain lines in CI logs and pipes."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click


@contextmanager
def progress(total: int, description: str, plain_steps: int = 10) -> Iterator[Callable[[int], None]]:
    """Yields `advance(n)`. Plain mode prints about `plain_steps` lines, never one per item."""
    if total <= 0:
        yield lambda n: None
        return
    if sys.stderr.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, transient=True) as bar:
            task = bar.add_task(description, total=total)
            yield lambda n: bar.advance(task, n)
        return
    done, next_report = 0, total / plain_steps

    def advance(n: int) -> None:
        nonlocal done, next_report
        done += n
        if done >= next_report or done >= total:
            click.echo(f"{description}: {done}/{total}", err=True)
            next_report = done + total / plain_steps

    yield advance
