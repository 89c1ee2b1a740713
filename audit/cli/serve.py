"""`a11y-audit serve`: run the upload service (waitress), and manage its accounts (`serve users …`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from audit.cli.common import catalog_from, fail, region_from, store_from

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _t(ctx: click.Context, key: str, **values: object) -> str:
    return catalog_from(ctx).messages.t("service." + key, ctx.obj["lang"], **values)


@click.group("serve", invoke_without_command=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--db", "db_url", default=None, help="Store URL (default: the global --db).")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="Worker threads.")
@click.option(
    "--photos",
    "photos_dir",
    default="uploads/photos",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder where uploaded photos are kept (under names made from their content).",
)
@click.option("--maps", "maps_dir", default="maps", show_default=True, type=click.Path(file_okay=False))
@click.option("--reports", "reports_dir", default="reports", show_default=True, type=click.Path(file_okay=False))
@click.option("--max-rows", default=5000, show_default=True, type=click.IntRange(1), help="Rows per upload.")
@click.option("--max-mb", default=32, show_default=True, type=click.IntRange(1, 1024), help="Megabytes per upload.")
@click.option("--secure-cookies", is_flag=True, help="Send session cookies over HTTPS only (behind a TLS proxy).")
@click.option(
    "--login-limit-account",
    default="10 per 15 minutes",
    show_default=True,
    help="Failed sign-ins allowed for one user name before HTTP 429.",
)
@click.option(
    "--login-limit-address",
    default="30 per 15 minutes",
    show_default=True,
    help="Failed sign-ins allowed from one client address before HTTP 429.",
)
@click.option(
    "--throttle-storage",
    default="memory://",
    show_default=True,
    help="Where the throttle counts (memory:// per process; redis://host:6379 shared by several).",
)
@click.pass_context
def command(
    ctx: click.Context,
    host: str,
    port: int,
    db_url: str | None,
    threads: int,
    photos_dir: str,
    maps_dir: str,
    reports_dir: str,
    max_rows: int,
    max_mb: int,
    secure_cookies: bool,
    login_limit_account: str,
    login_limit_address: str,
    throttle_storage: str,
) -> None:
    """Serve the upload page and the HTTP API (docs/service.md).

    \b
    Example:
        a11y-audit serve users add admin --role admin
        a11y-audit serve users add li --role inspector --area 430104
        a11y-audit serve --port 8000
    """
    if db_url:
        ctx.obj["db"] = db_url
    if ctx.invoked_subcommand is not None:
        return
    from audit.service import ServiceConfig, create_app
    from audit.service.config import MiB
    from audit.service.server import make_server

    config = ServiceConfig(
        db=ctx.obj["db"],
        checklists=ctx.obj.get("checklists"),
        lang=ctx.obj["lang"],
        region=region_from(ctx),
        max_request_bytes=max_mb * MiB,
        max_file_bytes=min(10, max_mb) * MiB,
        max_rows=max_rows,
        photos_dir=Path(photos_dir),
        maps_dir=Path(maps_dir),
        reports_dir=Path(reports_dir),
        secure_cookies=secure_cookies,
        login_limit_account=login_limit_account,
        login_limit_address=login_limit_address,
        throttle_storage=throttle_storage,
    )
    try:
        app = create_app(config)
    except Exception as exc:  # noqa: BLE001 - a bad store URL or checklist data: say so, no traceback
        fail(f"无法启动上传服务：{exc}", f"cannot start the upload service: {exc}")
    from audit.service.accounts import Accounts

    if not Accounts(app.extensions["a11y"].stores.get()).all():
        click.echo(_t(ctx, "cli.no-users"), err=True)
    if host not in LOOPBACK:
        click.echo(_t(ctx, "cli.not-loopback", host=host), err=True)
    click.echo(_t(ctx, "cli.listening", host=host, port=port, db=config.db), err=True)
    make_server(app, config, host, port, threads).run()


@command.group("users")
def users() -> None:
    """Accounts: admins manage users, inspectors upload for their areas, viewers read."""


def _accounts(ctx: click.Context):
    from audit.service.accounts import Accounts

    return Accounts(store_from(ctx))


def _account_call(ctx: click.Context, call):
    from audit.service.accounts import AccountError

    try:
        return call()
    except AccountError as exc:
        catalog = catalog_from(ctx)
        fail(
            catalog.messages.t("service." + exc.key, "zh", **exc.values),
            catalog.messages.t("service." + exc.key, "en", **exc.values),
        )


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password / 密码", hide_input=True, confirmation_prompt=True)


@users.command("add")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice(["admin", "inspector", "viewer", "official", "unit"]),  # audit.service.accounts.ROLES
    required=True,
    help="official: assigns ledger problems in its areas; unit: a responsible unit that reports fixes.",
)
@click.option("--area", "areas", multiple=True, help="6-digit division code an inspector uploads for (repeatable).")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@click.pass_context
def users_add(ctx: click.Context, username: str, role: str, areas: tuple[str, ...], password_stdin: bool) -> None:
    """Add an account."""
    accounts = _accounts(ctx)
    user = _account_call(ctx, lambda: accounts.add(username, _password(password_stdin), role, areas))
    click.echo(_t(ctx, "cli.user-added", username=user.username, role=user.role, areas=", ".join(user.areas) or "-"))


@users.command("list")
@click.pass_context
def users_list(ctx: click.Context) -> None:
    """List accounts with their roles and areas."""
    for user in _accounts(ctx).all():
        state = "" if user.active else "  (disabled)"
        click.echo(f"{user.username}\t{user.role}\t{','.join(user.areas) or '-'}{state}")


@users.command("areas")
@click.argument("username")
@click.argument("areas", nargs=-1)
@click.pass_context
def users_areas(ctx: click.Context, username: str, areas: tuple[str, ...]) -> None:
    """Set the areas an inspector uploads for (replaces the previous ones)."""
    accounts = _accounts(ctx)
    _account_call(ctx, lambda: accounts.set_areas(username, areas))
    click.echo(_t(ctx, "cli.user-updated", username=username))


@users.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True)
@click.pass_context
def users_passwd(ctx: click.Context, username: str, password_stdin: bool) -> None:
    """Set a new password (ends that user's sessions and revokes their API tokens)."""
    accounts = _accounts(ctx)
    _account_call(ctx, lambda: accounts.set_password(username, _password(password_stdin)))
    click.echo(_t(ctx, "cli.user-updated", username=username))


@users.command("disable")
@click.argument("username")
@click.pass_context
def users_disable(ctx: click.Context, username: str) -> None:
    """Disable an account, end its sessions and revoke its tokens."""
    accounts = _accounts(ctx)
    _account_call(ctx, lambda: accounts.set_active(username, False))
    click.echo(_t(ctx, "cli.user-updated", username=username))


@users.command("enable")
@click.argument("username")
@click.pass_context
def users_enable(ctx: click.Context, username: str) -> None:
    """Enable a disabled account again."""
    accounts = _accounts(ctx)
    _account_call(ctx, lambda: accounts.set_active(username, True))
    click.echo(_t(ctx, "cli.user-updated", username=username))


@users.command("token")
@click.argument("username")
@click.option("--label", default="", help="What the token is for.")
@click.pass_context
def users_token(ctx: click.Context, username: str, label: str) -> None:
    """Make an API token (printed once; only its hash is stored)."""
    accounts = _accounts(ctx)
    token = _account_call(ctx, lambda: accounts.new_token(username, label))
    click.echo(_t(ctx, "cli.token", username=username), err=True)
    click.echo(token)


@users.command("revoke")
@click.argument("username")
@click.pass_context
def users_revoke(ctx: click.Context, username: str) -> None:
    """Revoke all API tokens of a user."""
    accounts = _accounts(ctx)
    count = _account_call(ctx, lambda: accounts.revoke_tokens(username))
    click.echo(_t(ctx, "cli.revoked", count=count))


@users.command("signout")
@click.argument("username")
@click.pass_context
def users_signout(ctx: click.Context, username: str) -> None:
    """Sign a user out everywhere: every session cookie issued so far stops working (tokens stay)."""
    accounts = _accounts(ctx)
    _account_call(ctx, lambda: accounts.end_sessions(username))
    click.echo(_t(ctx, "cli.signed-out", username=username))
