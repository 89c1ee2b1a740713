"""The record of every upload: written 'received' first (its own commit), then finished with the result."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from audit.service.accounts import User, now_iso
from audit.service.sql import ServiceSql
from audit.store import Store

RESULTS = ("received", "accepted", "rejected", "refused", "failed")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


class UploadLog:
    def __init__(self, store: Store):
        self.sql = ServiceSql(store)

    def received(self, user: User, channel: str, checklist: str, files: Iterable[dict]) -> int:
        """Record an upload as it arrives, committed at once: even a server killed next leaves this trace."""
        return self.sql.insert(
            "INSERT INTO service_uploads (user_id, username, received_at, channel, checklist, files) VALUES (?, ?, ?, ?, ?, ?)",
            (user.id, user.username, now_iso(), channel, checklist, _json(list(files))),
        )

    def finish(
        self,
        upload_id: int,
        result: str,
        round_id: int | None = None,
        subjects: Iterable[str] = (),
        problems: Iterable[dict] = (),
    ) -> None:
        """Set the result; call inside the same transaction as the data it describes."""
        assert result in RESULTS[1:]
        self.sql.execute(
            "UPDATE service_uploads SET result = ?, finished_at = ?, round_id = ?, subjects = ?, problems = ? WHERE id = ?",
            (result, now_iso(), round_id, _json(list(subjects)), _json(list(problems)[:200]), upload_id),
        )

    def get(self, upload_id: int) -> dict | None:
        row = self.sql.one("SELECT * FROM service_uploads WHERE id = ?", (upload_id,))
        return _decoded(row) if row else None

    def recent(self, user: User | None = None, limit: int = 100, offset: int = 0) -> list[dict]:
        where, params = ("WHERE user_id = ?", [user.id]) if user else ("", [])
        rows = self.sql.rows(
            f"SELECT * FROM service_uploads {where} ORDER BY id DESC LIMIT ? OFFSET ?", params + [limit, offset]
        )
        return [_decoded(r) for r in rows]


def _decoded(row: dict) -> dict:
    return {**row, **{k: json.loads(row[k]) for k in ("files", "subjects", "problems")}}
