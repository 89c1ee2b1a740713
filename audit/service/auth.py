"""Who is asking: a session cookie (user id + session epoch) for the pages, a bearer token for the API; CSRF."""

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
        elif isinstance(session.get("uid"), int) and isinstance(session.get("epoch"), str):
            user = accounts().by_id(session["uid"])
            # logout, a password change, disabling or "sign out everywhere" rotate the epoch: older cookies fail
            if user and user.active and _same(session["epoch"], user.session_epoch):
                g.user = user
    return g.user


def _same(sent: str, stored: str) -> bool:
    return bool(stored) and hmac.compare_digest(sent.encode(), stored.encode())


def sign_in(user: User) -> None:
    session.clear()  # a fresh session on login: no fixation of an earlier one
    session["uid"] = user.id
    session["epoch"] = accounts().session_epoch(user.id)
    session[CSRF_FIELD] = secrets.token_urlsafe(32)
    session.permanent = True


def sign_out() -> None:
    """End the signed-in user's sessions everywhere (a copied cookie stops working too), and this cookie."""
    user = current_user()
    if user is not None:
        accounts().rotate_epoch(user.id)
    lang = session.get("lang")
    session.clear()
    g.pop("user", None)
    if lang:
        session["lang"] = lang


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
