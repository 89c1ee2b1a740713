"""Who may withdraw which upload, and why one cannot be withdrawn now: one rule for the API and the pages."""

from __future__ import annotations

from collections.abc import Iterable

from audit.catalog import Catalog
from audit.runs.facility import NotWithdrawable, withdraw_obstacle
from audit.service.accounts import User
from audit.service.text import t
from audit.store import Store, UploadRecord

HIDDEN, FORBIDDEN = 404, 403
# a closed campaign and a second withdrawal conflict with the upload's state; an upload never accepted has nothing
STATUS = {"not-accepted": 422, "already": 409, "closed": 409}


def refusal(user: User, owner_id: int | None, subjects: Iterable[str]) -> int | None:
    """None when `user` may withdraw an upload of `owner_id` holding `subjects`; else the HTTP status refusing it.

    Admins: any upload. Inspectors: their own, with every facility in their areas (403 otherwise); another
    inspector's upload is answered 404, so its existence is not confirmed. Anyone else: 403.
    """
    if user.is_admin:
        return None
    if not user.may_upload():
        return FORBIDDEN
    if owner_id != user.id:
        return HIDDEN
    if not all(user.covers(county_of(key)) for key in subjects):
        return FORBIDDEN
    return None


def county_of(key: str) -> str | None:
    """facility:<checklist>:<county>:<id> -> the county ('-': outside every county)."""
    parts = key.split(":", 3)
    return parts[2] if len(parts) == 4 and parts[2] != "-" else None


def status_of(exc: NotWithdrawable) -> int:
    return STATUS.get(exc.reason, 409)


def reason_text(catalog: Catalog, exc: NotWithdrawable, lang: str) -> str:
    values = {"id": exc.upload_id, "at": exc.at, "label": exc.campaign.label if exc.campaign else ""}
    return t(catalog, f"withdraw.{exc.reason}", lang, **values)


def withdrawable_now(store: Store, user: User, records: Iterable[UploadRecord]) -> set[int]:
    """The ids among `records` that `user` may withdraw now (for the links on the home page)."""
    return {
        r.id for r in records if refusal(user, r.user_id, r.subjects) is None and withdraw_obstacle(store, r) is None
    }
