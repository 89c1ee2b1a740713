"""Password and token guessing is throttled: failed attempts per account and per address, then 429 + Retry-After."""

from __future__ import annotations

import dataclasses
import logging
import time

import pytest

from audit.service import create_app
from audit.service.accounts import Accounts
from tests.service.conftest import PASSWORD, bearer, csrf_of


@pytest.fixture
def make_app(config, catalog):
    """Factory: an app with throttle settings changed from the defaults, and the usual accounts."""
    made = []

    def make(**limits):
        app = create_app(dataclasses.replace(config, **limits), catalog)
        accounts = Accounts(app.extensions["a11y"].stores.get())
        for name in ("yuelu", "xiangtan", "changsha"):
            if accounts.get(name) is None:
                accounts.add(name, PASSWORD, "inspector", ("430104",))
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["a11y"].stores.close()


class Browser:
    """A test client at one client address, with the login form's CSRF token."""

    def __init__(self, app, address: str, lang: str | None = None):
        self.client = app.test_client()
        self.address = address
        self.token = csrf_of(self.client.get("/login" + (f"?lang={lang}" if lang else "")).data)

    def login(self, username: str, password: str):
        return self.client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": self.token},
            environ_base={"REMOTE_ADDR": self.address},
        )


def test_ten_wrong_passwords_then_429_with_retry_after_and_others_still_sign_in(make_app, caplog):
    app = make_app()  # the defaults: 10 failed per account, 30 per address, per 15 minutes
    attacker = Browser(app, "203.0.113.7")
    caplog.set_level(logging.INFO, logger="audit.service.auth")
    assert [attacker.login("yuelu", f"guess-{i}").status_code for i in range(10)] == [401] * 10

    refused = attacker.login("yuelu", PASSWORD)  # even the right password: the account is throttled
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60 + 1  # the window, rounded up to whole seconds
    page = refused.get_data(as_text=True)
    assert "失败的尝试次数过多" in page and "<html" in page
    assert Browser(app, "198.51.100.2").login("yuelu", PASSWORD).status_code == 429  # per account, any address

    assert Browser(app, "198.51.100.2").login("xiangtan", PASSWORD).status_code == 303
    assert any("throttled account" in r.getMessage() and "'yuelu'" in r.getMessage() for r in caplog.records)
    assert all("guess-" not in r.getMessage() and PASSWORD not in r.getMessage() for r in caplog.records)


def test_the_429_page_speaks_english_when_asked(make_app):
    app = make_app(login_limit_account="1 per 15 minutes")
    browser = Browser(app, "203.0.113.8", lang="en")
    assert browser.login("yuelu", "wrong-one").status_code == 401
    refused = browser.login("yuelu", "wrong-two")
    assert refused.status_code == 429 and "Too many failed attempts" in refused.get_data(as_text=True)


def test_successful_sign_ins_never_count(make_app):
    app = make_app(login_limit_account="3 per 15 minutes", login_limit_address="3 per 15 minutes")
    assert [Browser(app, "192.0.2.1").login("yuelu", PASSWORD).status_code for _ in range(8)] == [303] * 8


def test_one_address_trying_many_accounts_is_throttled(make_app):
    app = make_app(login_limit_address="4 per 15 minutes")
    sprayer = Browser(app, "203.0.113.9")
    assert [sprayer.login(f"user{i}", "password1").status_code for i in range(4)] == [401] * 4
    assert sprayer.login("changsha", PASSWORD).status_code == 429
    assert Browser(app, "192.0.2.20").login("changsha", PASSWORD).status_code == 303


def test_the_limit_resets_after_its_window(make_app):
    app = make_app(login_limit_account="3 per 2 seconds")
    browser = Browser(app, "203.0.113.10")
    assert [browser.login("yuelu", "nope-nope").status_code for _ in range(3)] == [401] * 3
    refused = browser.login("yuelu", PASSWORD)
    assert refused.status_code == 429
    time.sleep(int(refused.headers["Retry-After"]) + 0.2)
    assert browser.login("yuelu", PASSWORD).status_code == 303


def test_wrong_api_tokens_are_throttled_with_a_json_429(make_app):
    app = make_app(token_limit_address="3 per 15 minutes")
    good = Accounts(app.extensions["a11y"].stores.get()).new_token("yuelu")
    client = app.test_client()
    guesser = {"REMOTE_ADDR": "203.0.113.11"}
    for _ in range(5):  # no token at all is not a guess
        assert client.get("/api/me", environ_base=guesser).status_code == 401
    for i in range(3):
        assert client.get("/api/me", headers=bearer(f"a11y_guess{i}"), environ_base=guesser).status_code == 401
    refused = client.get("/api/me", headers=bearer("a11y_guess9"), environ_base=guesser)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    body = refused.get_json()
    assert set(body) == {"error", "message"} and body["error"] == "too-many-requests"
    assert "失败的尝试次数过多" in body["message"]
    ok = client.get("/api/me", headers=bearer(good), environ_base={"REMOTE_ADDR": "192.0.2.30"})
    assert ok.status_code == 200
