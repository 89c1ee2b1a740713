"""Withdrawing an upload from the HTML pages: a confirmation page and its CSRF-protected form (issue 11)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, session, url_for

from audit.runs.facility import NotWithdrawable, withdraw, withdraw_obstacle
from audit.service.auth import check_csrf, current_user, require
from audit.service.text import t
from audit.service.withdrawals import HIDDEN, reason_text, refusal, status_of
from audit.store import UploadRecord

withdraw_pages = Blueprint("withdraw", __name__, url_prefix="/uploads")
MAX_ID = 2**62
DONE = "withdrawn"  # the flash category the home page shows as a status message


def _state():
    return current_app.extensions["a11y"]


def _lang() -> str:
    return session.get("lang") or _state().config.lang


def _record_or_refuse(upload_id: int) -> tuple[UploadRecord, int | None]:
    """The upload and the status refusing this user (None: allowed); another inspector's upload is a 404."""
    record = _state().stores.get().upload(upload_id) if upload_id <= MAX_ID else None
    refused = HIDDEN if record is None else refusal(current_user(), record.user_id, record.subjects)
    if refused == HIDDEN:
        abort(404)
    return record, refused


@withdraw_pages.get("/<int:upload_id>/withdraw")
@require(lambda u: u.may_upload())
def confirm(upload_id: int):
    record, refused = _record_or_refuse(upload_id)
    if refused is not None:
        return _page(record, t(_state().catalog, "withdraw.forbidden", _lang()), refused)
    blocked = withdraw_obstacle(_state().stores.get(), record)
    if blocked is not None:
        return _page(record, reason_text(_state().catalog, blocked, _lang()), 200)
    return _page(record)


@withdraw_pages.post("/<int:upload_id>/withdraw")
@require(lambda u: u.may_upload())
def act(upload_id: int):
    check_csrf()
    record, refused = _record_or_refuse(upload_id)
    state, lang = _state(), _lang()
    if refused is not None:
        return _page(record, t(state.catalog, "withdraw.forbidden", lang), refused)
    try:
        keys = withdraw(state.stores.get(), state.catalog, upload_id, current_user().username)
    except NotWithdrawable as exc:
        return _page(record, reason_text(state.catalog, exc, lang), status_of(exc))
    flash(t(state.catalog, "withdraw.done", lang, id=upload_id, count=len(keys), round=record.round_id), DONE)
    return redirect(url_for("pages.home"), code=303)


def _page(record: UploadRecord, refused: str | None = None, status: int = 200):
    """The confirmation page; with `refused` it says why the upload cannot be withdrawn and offers no button."""
    store, catalog, lang = _state().stores.get(), _state().catalog, _lang()
    campaign = store.get_round(record.round_id) if record.round_id is not None else None
    checklist = catalog.checklists.get(record.checklist)
    title = (checklist.title.get(lang) or checklist.title.get("zh")) if checklist else record.checklist
    return render_template(
        "withdraw.html",
        upload=record,
        campaign=campaign,
        checklist_title=title,
        refused=refused,
    ), status
