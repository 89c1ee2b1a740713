"""Store fixtures: `any_store` runs a test on SQLite and on a real PostGIS (A11Y_AUDIT_TEST_PG)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest

from audit.store import open_store

PG_ENV = "A11Y_AUDIT_TEST_PG"


def postgis_server_url() -> str:
    """The server that `scripts/ci/postgis.sh` started; the test is skipped without one."""
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f'no PostGIS server: run `eval "$(scripts/ci/postgis.sh)"` to set {PG_ENV}')
    return url


@contextmanager
def fresh_schema(server_url: str) -> Iterator[str]:
    """A URL whose search_path starts with a new empty schema, dropped afterwards.

    A schema per test is much faster than a database per test, and migrations run in it from zero
    (PostGIS itself stays installed in `public`, which follows on the path).
    """
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in server_url else "?"
    options = quote(f"-csearch_path={schema},public", safe="")
    try:
        yield f"{server_url}{separator}options={options}"
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture
def postgis_url() -> Iterator[str]:
    """URL of an empty PostGIS schema for one test."""
    with fresh_schema(postgis_server_url()) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgis", marks=pytest.mark.postgis)])
def any_store(request, tmp_path):
    """A fresh, migrated store of each backend: the whole store suite runs on both."""
    if request.param == "sqlite":
        store = open_store(tmp_path / "store.db")
        yield store
        store.close()
        return
    with fresh_schema(postgis_server_url()) as url:
        store = open_store(url)
        yield store
        store.close()


@pytest.fixture
def any_store_url(request, tmp_path):
    """Like `any_store` but the URL only, for tests that open the store themselves (reopen, two processes)."""
    # parametrised by the test module through `pytest.mark.parametrize("any_store_url", [...], indirect=True)`
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield str(tmp_path / "store.db")
        return
    with fresh_schema(postgis_server_url()) as url:
        yield url
