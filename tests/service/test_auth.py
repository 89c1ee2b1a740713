"""Sessions end when they should (logout, password change, disabling, sign-out everywhere); passwords and tokens."""

from __future__ import annotations

import base64
import hashlib
import secrets

import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.service.accounts import Accounts, password_method
from tests.service.conftest import PASSWORD, bearer, csrf_of

COOKIE = "a11y_session"


def _accounts(app) -> Accounts:
    return Accounts(app.extensions["a11y"].stores.get())


def _stored_hash(app, username: str) -> str:
    return app.extensions["a11y"].stores.get().account(username=username).password_hash


def _copy_of(app, client):
    """Another client holding the same session cookie (what someone who copied it would have)."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return thief


def test_logout_ends_a_copied_session_cookie_at_once(app, signed_in):
    client = signed_in("yuelu")
    thief = _copy_of(app, client)
    form = thief.get("/upload")
    assert form.status_code == 200  # the copy works while the session lives
    token = csrf_of(form.data)

    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    replay = thief.post("/upload", data={"csrf_token": token, "checklist": "accessible-toilets"})
    assert replay.status_code == 302 and replay.headers["Location"].endswith("/login")
    assert thief.get("/upload").status_code == 302


def test_the_cookie_carries_no_part_of_the_password_hash(app, signed_in):
    client = signed_in("yuelu")
    data = app.session_interface.get_signing_serializer(app).loads(client.get_cookie(COOKIE).value)
    stored = _stored_hash(app, "yuelu")
    salt_and_digest = stored.split("$", 1)[1]
    for value in data.values():
        text = str(value)
        assert len(text) < 6 or text not in salt_and_digest, f"cookie value {text!r} is part of the password hash"
    assert set(data) >= {"uid", "epoch"}


@pytest.mark.parametrize(
    "end",
    [
        lambda a: a.set_password("yuelu", "a-new-password-1"),
        lambda a: a.set_active("yuelu", False),
        lambda a: a.end_sessions("yuelu"),
    ],
    ids=["password-change", "disabled", "sign-out-everywhere"],
)
def test_password_change_disabling_and_sign_out_everywhere_end_sessions(app, signed_in, end):
    client = signed_in("yuelu")
    other = signed_in("xiangtan")
    assert client.get("/upload").status_code == 200
    end(_accounts(app))
    assert client.get("/upload").status_code == 302
    assert other.get("/upload").status_code == 200  # only that user's sessions end


def test_signing_in_again_after_logout_works(app, signed_in):
    client = signed_in("yuelu")
    client.post("/logout", data={"csrf_token": csrf_of(client.get("/upload").data)})
    assert signed_in("yuelu").get("/upload").status_code == 200


def test_a_password_change_revokes_api_tokens(app, tokens):
    assert app.test_client().get("/api/me", headers=bearer(tokens["yuelu"])).status_code == 200
    _accounts(app).set_password("yuelu", "a-new-password-1")
    assert app.test_client().get("/api/me", headers=bearer(tokens["yuelu"])).status_code == 401
    assert app.test_client().get("/api/me", headers=bearer(tokens["xiangtan"])).status_code == 200


def test_disabling_revokes_api_tokens(app, tokens):
    _accounts(app).set_active("yuelu", False)
    _accounts(app).set_active("yuelu", True)
    assert app.test_client().get("/api/me", headers=bearer(tokens["yuelu"])).status_code == 401


def test_passwords_are_werkzeug_scrypt_hashes(app):
    stored = _stored_hash(app, "yuelu")
    assert stored.startswith(password_method() + "$") and stored.startswith("scrypt:")


def _legacy_hash(password: str) -> str:
    """The format stored before werkzeug.security: scrypt$N$r$p$salt$digest, base64."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**10, r=8, p=1, dklen=32)
    return f"scrypt${2**10}$8$1${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def _login(app, username: str, password: str):
    client = app.test_client()
    token = csrf_of(client.get("/login").data)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def test_an_old_format_hash_still_verifies_and_is_rehashed_at_the_next_login(app):
    legacy = _legacy_hash(PASSWORD)
    store = app.extensions["a11y"].stores.get()
    store.set_password_hash(store.account(username="yuelu").id, legacy)
    assert _login(app, "yuelu", "wrong-password").status_code == 401
    assert _stored_hash(app, "yuelu") == legacy  # a wrong password changes nothing

    assert _login(app, "yuelu", PASSWORD).status_code == 303
    rehashed = _stored_hash(app, "yuelu")
    assert rehashed.startswith(password_method() + "$")
    assert _login(app, "yuelu", PASSWORD).status_code == 303  # the new hash verifies
    assert _login(app, "yuelu", "wrong-password").status_code == 401


def test_an_unknown_user_costs_a_real_password_check(app, monkeypatch):
    """User names are not told apart by timing: an unknown one is checked against a dummy hash of today's cost."""
    import audit.service.accounts as accounts_module

    checked = []
    real = accounts_module.check_password_hash
    monkeypatch.setattr(accounts_module, "check_password_hash", lambda h, p: checked.append(h) or real(h, p))
    assert _accounts(app).authenticate("nobody-here", PASSWORD) is None
    assert _accounts(app).authenticate("yuelu", "wrong-password") is None
    assert len(checked) == 2 and all(h.startswith(password_method() + "$") for h in checked)


def test_cli_passwd_and_signout_end_sessions_and_passwd_revokes_tokens(app, signed_in, tokens, config):
    runner = CliRunner()
    client = signed_in("yuelu")
    result = runner.invoke(cli, ["--db", config.db, "serve", "users", "signout", "yuelu"])
    assert result.exit_code == 0, result.output
    assert client.get("/upload").status_code == 302
    assert app.test_client().get("/api/me", headers=bearer(tokens["yuelu"])).status_code == 200  # tokens stay

    client = signed_in("yuelu")
    result = runner.invoke(
        cli, ["--db", config.db, "serve", "users", "passwd", "yuelu", "--password-stdin"], input="another-pass-2\n"
    )
    assert result.exit_code == 0, result.output
    assert client.get("/upload").status_code == 302
    assert app.test_client().get("/api/me", headers=bearer(tokens["yuelu"])).status_code == 401
    assert _login(app, "yuelu", "another-pass-2").status_code == 303


def test_an_account_from_before_session_epochs_gets_one_at_its_next_sign_in(app, signed_in):
    client = signed_in("yuelu")
    store = app.extensions["a11y"].stores.get()
    store.set_session_epoch(store.account(username="yuelu").id, "")  # as an account made before epochs
    assert client.get("/upload").status_code == 302  # an empty epoch never matches
    assert signed_in("yuelu").get("/upload").status_code == 200
    assert _accounts(app).get("yuelu").session_epoch
