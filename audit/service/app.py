"""The Flask application: configuration, language, security headers and error pages for both faces."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, jsonify, redirect, render_template, request, session, url_for
from werkzeug.exceptions import HTTPException

from audit.catalog import Catalog, load_catalog
from audit.service.accounts import Accounts
from audit.service.api import api
from audit.service.auth import csrf_token, current_user
from audit.service.config import ServiceConfig
from audit.service.pages import pages
from audit.service.stores import StorePool
from audit.service.text import t
from audit.service.throttle import install_throttle

# our own pages load nothing from elsewhere; generated maps may use tile servers and CDNs, so they get none
PAGE_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"


@dataclass
class AppState:
    config: ServiceConfig
    catalog: Catalog
    stores: StorePool


def create_app(config: ServiceConfig, catalog: Catalog | None = None) -> Flask:
    """The app; `catalog` may be given when already loaded (tests, one process serving several apps)."""
    app = Flask(__name__)
    stores = StorePool(config.db)
    state = AppState(config, catalog or load_catalog(config.checklists), stores)
    app.extensions["a11y"] = state
    app.config.update(
        SECRET_KEY=Accounts(stores.get()).setting("session_key", lambda: secrets.token_hex(32)),
        MAX_CONTENT_LENGTH=config.max_request_bytes,
        MAX_FORM_MEMORY_SIZE=1024 * 1024,  # text fields; files are counted by MAX_CONTENT_LENGTH
        MAX_FORM_PARTS=config.max_files + config.max_photos + 20,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.secure_cookies,
        SESSION_COOKIE_NAME="a11y_session",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        JSON_AS_ASCII=False,
    )
    app.json.ensure_ascii = False
    app.register_blueprint(api)
    app.register_blueprint(pages)
    _install_hooks(app, state)
    install_throttle(app, config, lambda key, **values: t(state.catalog, key, _lang(state), **values))
    return app


def _lang(state: AppState) -> str:
    return session.get("lang") or state.config.lang


def _install_hooks(app: Flask, state: AppState) -> None:
    @app.before_request
    def reject_nul_and_choose_language():
        # NUL cannot be stored in PostgreSQL text; no legitimate field carries it
        if any("\x00" in v for v in list(request.args.values()) + list(request.args.keys())):
            return _error(400, "bad-request", "NUL character in the query")
        if not request.path.startswith("/api/") and request.args.get("lang") in ("zh", "en"):
            session["lang"] = request.args["lang"]
        return None

    @app.context_processor
    def helpers():
        lang = _lang(state)
        return {
            "t": lambda key, **values: t(state.catalog, key, lang, **values),
            "lang": lang,
            "limits": {"rows": state.config.max_rows, "mb": state.config.max_request_bytes // 1024 // 1024},
            "csrf_token": csrf_token,
            "user": current_user(),
            "other_lang": "en" if lang == "zh" else "zh",
        }

    @app.after_request
    def security_headers(response):
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        if not request.path.startswith(("/maps/", "/reports/")):
            response.headers["Content-Security-Policy"] = PAGE_CSP
            response.headers["X-Frame-Options"] = "DENY"
        if response.mimetype == "text/html":
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if request.path.startswith("/api/"):
            return _error(exc.code or 500, (exc.name or "error").lower().replace(" ", "-"), exc.description or "")
        if exc.code == 401:
            return redirect(url_for("pages.login"))
        key = {400: "error.bad-request", 403: "error.forbidden", 404: "error.not-found", 413: "error.too-large"}.get(
            exc.code or 500, "error.other"
        )
        return render_template("error.html", code=exc.code, key=key), exc.code or 500

    @app.teardown_appcontext
    def end_request(_exc):
        return None


def _error(status: int, code: str, message: str):
    return jsonify({"error": code, "message": message}), status
