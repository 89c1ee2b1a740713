"""Helpers shared by the subcommands: opening the store and catalog, and failing in both languages."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from audit.catalog import Catalog, ChecklistError, Messages, default_root, load_catalog
from audit.store import Store, open_store

EXIT_OK, EXIT_ERROR, EXIT_THRESHOLD = 0, 1, 2


def fail(message_zh: str, message_en: str, code: int = EXIT_ERROR) -> NoReturn:
    """Print an error in Chinese and English on stderr and exit with `code`."""
    click.echo(f"错误：{message_zh}\nError: {message_en}", err=True)
    sys.exit(code)


def catalog_from(ctx: click.Context) -> Catalog:
    """The checklists, with the configured region's own creation indicators when it has them."""
    region = region_from(ctx)
    try:
        return load_catalog(ctx.obj.get("checklists"), region)
    except ChecklistError as exc:
        fail(f"清单数据有误：\n{exc}", f"checklist data is invalid:\n{exc}")


def store_from(ctx: click.Context) -> Store:
    try:
        return open_store(ctx.obj["db"])
    except Exception as exc:  # noqa: BLE001 - any backend's error (SQLite, PostgreSQL, a bad URL): its message
        # names the cause, and a traceback would not help a user here
        fail(f"无法打开数据库 {ctx.obj['db']}：{exc}", f"cannot open the store {ctx.obj['db']}: {exc}")


def messages_from(ctx: click.Context) -> Messages:
    # Only the message files: a broken checklist elsewhere must not stop area look-ups or region checks.
    return Messages.load(Path(ctx.obj.get("checklists") or default_root()))


def fail_with(ctx: click.Context, key: str, **values: object) -> NoReturn:
    """`fail` with a message of checklists/messages in both languages."""
    messages = messages_from(ctx)
    fail(messages.t(key, "zh", **values), messages.t(key, "en", **values))


def region_from(ctx: click.Context, store: Store | None = None) -> str:
    """The configured region, a province code: --region / A11Y_AUDIT_REGION, else the one the store was loaded
    for (`areas load`), else Hunan. A store loaded for another province refuses an explicit region, since its
    facilities and accounts are filed under that province's counties."""
    from audit.areas import DEFAULT_REGION, UnknownRegion, check_region, get_area, valid_region_list

    if ctx.obj.get("resolved_region"):
        return ctx.obj["resolved_region"]
    asked = ctx.obj.get("region")
    if asked:
        try:
            asked = check_region(asked)
        except UnknownRegion as exc:
            fail_with(ctx, "areas.unknown-region", code=exc.code, valid=valid_region_list())
    stored = stored_region(ctx, store)
    if asked and stored and asked != stored:
        area = get_area(stored)
        values = {"store": ctx.obj["db"], "stored": stored, "stored_name": area.name if area else stored}
        fail_with(ctx, "areas.region-mismatch", wanted=asked, **values)
    ctx.obj["resolved_region"] = asked or stored or DEFAULT_REGION
    return ctx.obj["resolved_region"]


def stored_region(ctx: click.Context, store: Store | None = None) -> str | None:
    """The region of the store (its province-level area), None before `areas load`. A SQLite file that does
    not exist yet is not created just to find out."""
    from audit.areas import store_region

    if store is not None:
        return store_region(store)
    db = str(ctx.obj["db"])
    if not db.startswith(("postgresql://", "postgres://")):
        path = db.removeprefix("sqlite:///").removeprefix("sqlite://")
        if path in ("", ":memory:") or not Path(path).exists():
            return None
    opened = store_from(ctx)
    try:
        return store_region(opened)
    finally:
        opened.close()
