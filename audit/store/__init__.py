"""Persistence behind one interface: `open_store(url)` gives SQLite by default, PostGIS by URL."""

from __future__ import annotations

import os
from pathlib import Path

from audit.store.base import (
    AccountRecord,
    Area,
    PhotoRecord,
    Round,
    Store,
    SubjectError,
    SubmissionRecord,
    UploadRecord,
)

ENV_DB = "A11Y_AUDIT_DB"
DEFAULT_DB = "a11y-audit.db"


def default_url() -> str:
    """$A11Y_AUDIT_DB, else a SQLite file in the working directory."""
    return os.environ.get(ENV_DB) or DEFAULT_DB


def open_store(url: str | Path | None = None) -> Store:
    """'path/to/file.db', 'sqlite:///path', ':memory:' or 'postgresql://…'."""
    text = str(url or default_url())
    if text.startswith(("postgresql://", "postgres://")):
        try:
            from audit.store.postgis import PostgisStore
        except ImportError as exc:
            raise RuntimeError(
                "PostGIS support needs `pip install a11y-audit[postgis]` / 需要安装 PostGIS 支持"
            ) from exc
        return PostgisStore(text)
    from audit.store.sqlite import SqliteStore

    return SqliteStore(text.removeprefix("sqlite:///").removeprefix("sqlite://") or ":memory:")


__all__ = [
    "ENV_DB",
    "AccountRecord",
    "Area",
    "PhotoRecord",
    "Round",
    "Store",
    "SubjectError",
    "SubmissionRecord",
    "UploadRecord",
    "default_url",
    "open_store",
]
