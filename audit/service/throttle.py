"""Throttling of password and token guessing (Flask-Limiter): failed attempts per account and per address, 429."""

from __future__ import annotations

import logging
import math
import time

from flask import Flask, jsonify, render_template, request
from flask.wrappers import Response
from flask_limiter import Limiter, RequestLimit
from flask_limiter.errors import RateLimitExceeded

from audit.service.auth import bearer_token
from audit.service.config import ServiceConfig

log = logging.getLogger("audit.service.auth")
USERNAME_FIELD = "username"


def install_throttle(app: Flask, config: ServiceConfig, message) -> Limiter:
    """Limits on the login form (per address, per user name) and on API token checks (per address).

    `message(key, **values)` gives a text of service.yaml in the request's language.
    """
    limiter = Limiter(
        key_func=_address_key,
        app=app,
        storage_uri=config.throttle_storage,
        strategy="fixed-window",
        headers_enabled=False,  # Retry-After is set on the 429 below; X-RateLimit-* would help a guesser pace itself
        default_limits=[],
    )
    # deducted only when the response says the password was wrong, so successful sign-ins never lock anyone out
    failed_login = lambda response: response.status_code == 401
    login = app.view_functions["pages.login"]
    by_address = limiter.limit(
        config.login_limit_address,
        key_func=_address_key,
        methods=["POST"],
        deduct_when=failed_login,
        on_breach=_log_breach("address"),
    )
    by_account = limiter.limit(
        config.login_limit_account,
        key_func=_account_key,
        methods=["POST"],
        deduct_when=failed_login,
        on_breach=_log_breach("account"),
    )
    # this app's view only (the blueprint is shared by every app in the process); both limits are checked
    # once, before the view runs
    app.view_functions["pages.login"] = by_address(by_account(login))
    limiter.limit(
        config.token_limit_address,
        key_func=_address_key,
        deduct_when=_wrong_token,
        on_breach=_log_breach("token"),
        scope="api-token",
    )(app.blueprints["api"])

    # public reports (no account): every submission counts, per client address
    app.view_functions["public.report_submit"] = limiter.limit(
        config.public_report_limit,
        key_func=_address_key,
        methods=["POST"],
        on_breach=_log_breach("public-report"),
        scope="public-report",
    )(app.view_functions["public.report_submit"])

    @app.errorhandler(RateLimitExceeded)
    def throttled(_exc: RateLimitExceeded):
        current = limiter.current_limit
        seconds = max(1, math.ceil(current.reset_at - time.time())) if current else 60
        key = "public.too-many" if request.path.startswith("/report") else "throttle.too-many"
        text = message(key, minutes=max(1, math.ceil(seconds / 60)))
        if request.path.startswith("/api/"):
            response = jsonify({"error": "too-many-requests", "message": text})
        else:
            response = Response(render_template("throttled.html", text=text), mimetype="text/html")
        response.status_code = 429
        response.headers["Retry-After"] = str(seconds)
        return response

    return limiter


def _address_key() -> str:
    return "address:" + (request.remote_addr or "unknown")


def _account_key() -> str:
    # the name as the login view reads it, so every spelling that reaches one account counts against it
    return "account:" + request.form.get(USERNAME_FIELD, "")[:64]


def _wrong_token(response: Response) -> bool:
    """An API request that presented a bearer token and was refused as unauthenticated."""
    return response.status_code == 401 and bearer_token() is not None


def _log_breach(kind: str):
    def record(limit: RequestLimit) -> None:
        # never the password; the attempted name is logged quoted, as the client sent it (truncated)
        attempted = request.form.get(USERNAME_FIELD, "")[:64] if kind in ("address", "account") else ""
        log.warning(
            "throttled %s: limit %s, address %s, user name %r, path %s",
            kind,
            limit.limit,
            request.remote_addr,
            attempted,
            request.path,
        )

    return record
