"""The record of every upload: written 'received' first (its own commit), then finished with the result."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict

from audit.service.accounts import User, now_iso
from audit.store import Store, UploadRecord
from audit.store.base import UPLOAD_RESULTS

RESULTS = UPLOAD_RESULTS


class UploadLog:
    """The service's view of the store's upload log; records are plain dicts, as the API returns them."""

    def __init__(self, store: Store):
        self.store = store

    def received(self, user: User, channel: str, checklist: str, files: Iterable[dict]) -> int:
        """Record an upload as it arrives, committed at once: even a server killed next leaves this trace."""
        return self.store.log_upload(user.id, user.username, now_iso(), channel, checklist, list(files))

    def finish(
        self,
        upload_id: int,
        result: str,
        round_id: int | None = None,
        subjects: Iterable[str] = (),
        problems: Iterable[dict] = (),
    ) -> None:
        """Set the result; call inside the same transaction as the data it describes."""
        self.store.finish_upload(upload_id, result, now_iso(), round_id, subjects, problems)

    def get(self, upload_id: int) -> dict | None:
        record = self.store.upload(upload_id)
        return _plain(record) if record else None

    def recent(self, user: User | None = None, limit: int = 100, offset: int = 0) -> list[dict]:
        return [_plain(r) for r in self.store.uploads(user.id if user else None, limit, offset)]


def _plain(record: UploadRecord) -> dict:
    return asdict(record)
