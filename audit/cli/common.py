"""Helpers shared by the subcommands: opening the store and catalog, and failing in both languages."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from audit.catalog import Catalog, ChecklistError, load_catalog
from audit.store import Store, open_store

EXIT_OK, EXIT_ERROR, EXIT_THRESHOLD = 0, 1, 2


def fail(message_zh: str, message_en: str, code: int = EXIT_ERROR) -> NoReturn:
    """Print an error in Chinese and English on stderr and exit with `code`."""
    click.echo(f"错误：{message_zh}\nError: {message_en}", err=True)
    sys.exit(code)


def catalog_from(ctx: click.Context) -> Catalog:
    try:
        return load_catalog(ctx.obj.get("checklists"))
    except ChecklistError as exc:
        fail(f"清单数据有误：\n{exc}", f"checklist data is invalid:\n{exc}")


def store_from(ctx: click.Context) -> Store:
    try:
        return open_store(ctx.obj["db"])
    except Exception as exc:  # noqa: BLE001 - any backend's error (SQLite, PostgreSQL, a bad URL): its message
        # names the cause, and a traceback would not help a user here
        fail(f"无法打开数据库 {ctx.obj['db']}：{exc}", f"cannot open the store {ctx.obj['db']}: {exc}")
