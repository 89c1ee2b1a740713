"""Plain SQL on the store's own connection for the service's tables, the same text on SQLite and PostGIS."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from audit.store import Store


class ServiceSql:
    """Statements are written with `?` placeholders; PostGIS gets them as `%s`.

    The service tables are the service's own (migrations 03NN), so they are reached through the store's
    connection rather than the Store protocol, inside `store.transaction()` when they must be atomic
    with facility data.
    """

    def __init__(self, store: Store):
        self.store = store
        self.postgres = type(store).__name__ == "PostgisStore"

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.postgres else sql

    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        with self.store._lock:  # one statement at a time on the shared connection
            cursor = self.store.db.execute(self._sql(sql), tuple(params))
            return [dict(row) for row in cursor.fetchall()]

    def one(self, sql: str, params: Iterable[Any] = ()) -> dict[str, Any] | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run a statement; returns the number of rows it changed."""
        with self.store._lock:
            return self.store.db.execute(self._sql(sql), tuple(params)).rowcount

    def insert(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run an INSERT into a table with an `id` key; returns the new id."""
        with self.store._lock:
            if self.postgres:
                return self.store.db.execute(self._sql(sql) + " RETURNING id", tuple(params)).fetchone()["id"]
            return self.store.db.execute(sql, tuple(params)).lastrowid
