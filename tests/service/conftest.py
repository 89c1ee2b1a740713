"""Service fixtures: an app on a real store, accounts of each role, a signed-in browser-like client."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from audit.service import ServiceConfig, create_app
from audit.service.accounts import Accounts

FIXTURES = Path(__file__).parent / "fixtures"
PASSWORD = "correct-horse-9"
# a tiny valid JPEG header is enough: photos are recognised by their first bytes
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture
def config(tmp_path) -> ServiceConfig:
    return ServiceConfig(
        db=str(tmp_path / "service.db"),
        photos_dir=tmp_path / "photos",
        maps_dir=tmp_path / "maps",
        reports_dir=tmp_path / "reports",
        max_rows=50,
        max_request_bytes=2 * 1024 * 1024,
        max_file_bytes=1024 * 1024,
    )


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """scrypt at full cost is slow on purpose; tests keep the algorithm and lower N (stored in each hash)."""
    monkeypatch.setattr("audit.service.accounts.SCRYPT_N", 2**10)


@pytest.fixture
def app(config, catalog):
    app = create_app(config, catalog)
    accounts = Accounts(app.extensions["a11y"].stores.get())
    accounts.add("admin", PASSWORD, "admin")
    accounts.add("yuelu", PASSWORD, "inspector", ("430104",))  # Changsha, Yuelu district
    accounts.add("xiangtan", PASSWORD, "inspector", ("430300",))  # a whole city
    accounts.add("viewer", PASSWORD, "viewer")
    yield app
    app.extensions["a11y"].stores.close()


@pytest.fixture
def tokens(app) -> dict[str, str]:
    accounts = Accounts(app.extensions["a11y"].stores.get())
    return {name: accounts.new_token(name) for name in ("admin", "yuelu", "xiangtan", "viewer")}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def csrf_of(html: bytes) -> str:
    return re.search(rb'name="csrf_token" value="([^"]+)"', html).group(1).decode()


@pytest.fixture
def signed_in(app):
    """Factory: a test client signed in through the login form as `username`."""

    def sign_in(username: str):
        client = app.test_client()
        token = csrf_of(client.get("/login").data)
        response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 303, response.data
        return client

    return sign_in


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()
