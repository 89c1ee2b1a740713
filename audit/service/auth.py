"""Who is asking: a session cookie for the pages, a bearer token for the API; CSRF tokens for forms."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, g, request, session

from audit.service.accounts import Accounts, User

CSRF_FIELD = "csrf_token"


def accounts() -> Accounts:
    return Accounts(current_app.extensions["a11y"].stores.get())


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def current_user() -> User | None:
    """The signed-in user of this request, looked up once (the API uses tokens, the pages sessions)."""
    if "user" not in g:
        g.user = None
        if request.path.startswith("/api/"):
            token = bearer_token()
            g.user = accounts().by_token(token) if token else None
        elif isinstance(session.get("uid"), int):
            user = accounts().by_id(session["uid"])
            # a password change or disabling ends the session: it carries the hash generation it began with
            g.user = user if user and user.active and session.get("gen") == generation(user) else None
    return g.user


def generation(user: User) -> str:
    row = accounts().sql.one("SELECT password_hash FROM service_users WHERE id = ?", (user.id,))
    return row["password_hash"][-12:] if row else ""


def sign_in(user: User) -> None:
    session.clear()  # a fresh session on login: no fixation of an earlier one
    session["uid"] = user.id
    session["gen"] = generation(user)
    session[CSRF_FIELD] = secrets.token_urlsafe(32)
    session.permanent = True


def csrf_token() -> str:
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return session[CSRF_FIELD]


def check_csrf() -> None:
    sent = request.form.get(CSRF_FIELD, "")
    expected = session.get(CSRF_FIELD, "")
    if not expected or not hmac.compare_digest(str(sent), str(expected)):
        abort(400, description="csrf")


def require(role_check: Callable[[User], bool] = lambda u: True, api: bool = False):
    """Decorator: 401 when not signed in (pages redirect to login), 403 when the role does not allow it."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = current_user()
            if user is None:
                abort(401)
            if not role_check(user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate
