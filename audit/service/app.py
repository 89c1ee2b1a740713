"""The Flask application: configuration, language, security headers and error pages for both faces."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, abort, jsonify, make_response, redirect, render_template, request, session, url_for
from werkzeug.exceptions import HTTPException

from audit.catalog import Catalog, load_catalog
from audit.service.accounts import Accounts
from audit.service.api import api
from audit.service.auth import csrf_token, current_user
from audit.service.config import ServiceConfig
from audit.service.pages import pages
from audit.service.public_views import public
from audit.service.review import review_api, review_pages
from audit.service.server import REFUSED
from audit.service.stores import StorePool
from audit.service.text import t
from audit.service.throttle import install_throttle

# our own pages load nothing from elsewhere
PAGE_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"
# generated maps and reports are single files with inline script and style, and maps show tiles from https servers
OUTPUT_CSP = (
    "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)
OUTPUT_FILES = ("/maps/", "/reports/")
# API errors whose werkzeug text (English only) is replaced by ours; other aborts carry their own description
API_MESSAGES = {405: "error.method-not-allowed", 413: "error.too-large-limit", 500: "error.other"}


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
    app.register_blueprint(review_pages)  # /review/ and /api/review/: human review (audit/service/review.py)
    app.register_blueprint(review_api)
    app.register_blueprint(public)  # /report (no account) and /moderation/ (audit/service/public_views.py)
    _install_hooks(app, state)
    install_throttle(app, config, lambda key, **values: t(state.catalog, key, _lang(state), **values))
    return app


def _lang(state: AppState) -> str:
    return session.get("lang") or state.config.lang


def _install_hooks(app: Flask, state: AppState) -> None:
    @app.before_request
    def refused_by_the_server():
        if request.environ.get(REFUSED):  # waitress refused it (audit/service/server.py); answered here in our shape
            abort(request.environ[REFUSED])

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
        if not request.path.startswith(OUTPUT_FILES) or request.path in OUTPUT_FILES:  # listings are our pages
            # a page may send its own (the public report form adds its base map's tile server for images)
            response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
            response.headers["X-Frame-Options"] = "DENY"
        elif response.mimetype in ("text/html", "image/svg+xml"):  # a PDF viewer is broken by a CSP; HTML needs one
            response.headers["Content-Security-Policy"] = OUTPUT_CSP
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
        else:
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
        if response.mimetype == "text/html":
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 500
        values = {"mb": state.config.max_request_bytes // 1024 // 1024, "method": request.method}
        if request.path.startswith("/api/"):
            # ?lang only: reading the form of a request refused for its size would refuse it again
            lang = request.args.get("lang") if request.args.get("lang") in ("zh", "en") else state.config.lang
            own = code in API_MESSAGES and exc.description == type(exc).description
            message = t(state.catalog, API_MESSAGES[code], lang, **values) if own else exc.description or ""
            response = make_response(_error(code, (exc.name or "error").lower().replace(" ", "-"), message))
        elif code == 401:
            return redirect(url_for("pages.login"))
        else:
            key = PAGE_MESSAGES.get(code, "error.other")
            response = make_response(render_template("error.html", code=code, key=key, values=values), code)
        # what the exception says in headers (Allow on 405, Retry-After on 429, WWW-Authenticate) is kept
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.teardown_appcontext
    def end_request(_exc):
        return None


PAGE_MESSAGES = {
    400: "error.bad-request",
    403: "error.forbidden",
    404: "error.not-found",
    405: "error.method-not-allowed",
    413: "error.too-large-limit",
}


def _error(status: int, code: str, message: str):
    return jsonify({"error": code, "message": message}), status
