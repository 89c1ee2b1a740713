"""Recorded schema migrations: numbered SQL files applied once each, in order, inside a transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib import resources


def migration_files(dialect: str) -> list[tuple[str, str]]:
    """(name, sql) for every `NNNN_name.sql` of a dialect, in order."""
    folder = resources.files("audit.store") / "migrations" / dialect
    files = sorted((f.name, f.read_text(encoding="utf-8")) for f in folder.iterdir() if f.name.endswith(".sql"))
    return [(name.removesuffix(".sql"), sql) for name, sql in files]


def pending(applied: Iterable[str], available: list[tuple[str, str]]) -> list[tuple[str, str]]:
    done = set(applied)
    return [(name, sql) for name, sql in available if name not in done]


def apply_all(applied: Iterable[str], dialect: str, run: Callable[[str, str], None]) -> list[str]:
    """Run each pending migration through `run(name, sql)`; returns the names applied."""
    todo = pending(applied, migration_files(dialect))
    for name, sql in todo:
        run(name, sql)
    return [name for name, _ in todo]
