"""The JSON API (bearer tokens): submissions in, rounds, subjects, scores and uploads out."""

from __future__ import annotations

from dataclasses import asdict
from itertools import islice

from flask import Blueprint, abort, current_app, jsonify, request

from audit.model import Category
from audit.runs import current_scores
from audit.runs.facility import NotWithdrawable, withdraw
from audit.service.auth import current_user, require
from audit.service.ledger_views import ledger_api
from audit.service.openapi import spec
from audit.service.records import UploadLog
from audit.service.safety import Upload, display_name
from audit.service.submissions import process
from audit.service.text import t
from audit.service.withdrawals import HIDDEN, reason_text, refusal, status_of

api = Blueprint("api", __name__, url_prefix="/api")
api.register_blueprint(ledger_api)  # /api/ledger/: the problem ledger (audit/service/ledger_views.py)
MAX_LIMIT = 1000
MAX_ID = 2**62


def _state():
    return current_app.extensions["a11y"]


def _lang() -> str:
    lang = request.values.get("lang", _state().config.lang)
    return lang if lang in ("zh", "en") else _state().config.lang


def _page() -> tuple[int, int]:
    try:
        limit = int(request.args.get("limit", 100))
        offset = int(request.args.get("offset", 0))
    except ValueError:
        abort(400, description="limit and offset must be integers")
    if not (1 <= limit <= MAX_LIMIT and 0 <= offset <= 10**9):
        abort(400, description=f"limit must be 1..{MAX_LIMIT}, offset >= 0")
    return limit, offset


def _round_id(raw: int):
    store = _state().stores.get()
    if raw > MAX_ID:  # larger than any database integer: cannot exist
        abort(404, description=f"no round {raw}")
    try:
        return store.get_round(raw)
    except KeyError:
        abort(404, description=f"no round {raw}")


def _round_json(r) -> dict:
    return {
        "id": r.id,
        "kind": r.kind,
        "label": r.label,
        "status": r.status,
        "started_at": r.started_at,
        "finished_at": r.finished_at,
        "meta": dict(r.meta),
        "area_code": r.area_code,
        "period_start": r.period_start,
        "period_end": r.period_end,
        "state": r.state,
    }


def subject_json(s) -> dict:
    return {
        "key": s.key,
        "kind": s.kind,
        "category": s.category.value,
        "name": s.name,
        "area_code": s.area_code,
        "url": s.url,
        "geometry": s.geometry,
        "attributes": dict(s.attributes),
    }


def score_json(s) -> dict:
    return {
        **asdict(s),
        "counts": dict(s.counts),
        "failed_checks": list(s.failed_checks),
        "blocking_checks": list(s.blocking_checks),
    }


@api.get("/openapi.json")
def openapi():
    return jsonify(spec())


@api.get("/me")
@require()
def me():
    user = current_user()
    return jsonify({"username": user.username, "role": user.role, "areas": list(user.areas)})


@api.get("/checklists")
@require()
def checklists():
    catalog = _state().catalog
    return jsonify(
        [
            {"id": c.id, "title": dict(c.title), "category": c.category, "version": c.version}
            for c in sorted(catalog.domain("facility"), key=lambda c: c.id)
        ]
    )


@api.post("/submissions")
@require(lambda u: u.may_upload())
def submit():
    files = [
        Upload(display_name(f.filename, f"file-{i + 1}"), f.read())
        for i, f in enumerate(request.files.getlist("files"))
        if f.filename or f.content_length
    ]
    photos = [
        Upload(display_name(f.filename, f"photo-{i + 1}"), f.read())
        for i, f in enumerate(request.files.getlist("photos"))
        if f.filename or f.content_length
    ]
    partial = request.form.get("partial", "false").lower() in ("1", "true", "yes", "on")
    state = _state()
    outcome = process(
        state.stores.get(),
        state.catalog,
        state.config,
        current_user(),
        "api",
        request.form.get("checklist", ""),
        files,
        photos,
        _lang(),
        partial,
        campaign=request.form.get("campaign", "")[:200],
    )
    body = {
        "upload_id": outcome.upload_id,
        "result": outcome.result,
        "round_id": outcome.round_id,
        "problems": [p.as_dict() for p in outcome.problems],
        "facilities": outcome.facilities,
    }
    return jsonify(body), outcome.status


@api.get("/uploads/<int:upload_id>")
@require()
def upload(upload_id: int):
    user = current_user()
    record = UploadLog(_state().stores.get()).get(upload_id) if upload_id <= MAX_ID else None
    if record is None or (user.role == "inspector" and record["user_id"] != user.id):
        abort(404, description="no such upload")  # another inspector's upload is not even confirmed to exist
    return jsonify(record)


@api.post("/uploads/<int:upload_id>/withdraw")
@require(lambda u: u.may_upload())
def withdraw_upload(upload_id: int):
    """Inspectors withdraw their own uploads in their areas, admins any; only from an open campaign."""
    user, state = current_user(), _state()
    store, catalog, lang = state.stores.get(), state.catalog, _lang()
    record = store.upload(upload_id) if upload_id <= MAX_ID else None
    refused = HIDDEN if record is None else refusal(user, record.user_id, record.subjects)
    if refused == HIDDEN:
        abort(404, description="no such upload")  # as GET: another inspector's upload is not confirmed to exist
    if refused is not None:
        return jsonify({"error": "forbidden", "message": t(catalog, "withdraw.forbidden", lang)}), refused
    try:
        keys = withdraw(store, catalog, upload_id, user.username)
    except NotWithdrawable as exc:
        body = {"error": f"withdraw-{exc.reason}", "message": reason_text(catalog, exc, lang)}  # the API's ERROR shape
        return jsonify(body), status_of(exc)
    message = t(catalog, "withdraw.done", lang, id=upload_id, count=len(keys), round=record.round_id)
    return jsonify({"upload_id": upload_id, "round_id": record.round_id, "withdrawn": keys, "message": message})


@api.get("/rounds")
@require()
def rounds():
    kind = request.args.get("kind")
    if kind not in (None, "web", "facility"):
        abort(400, description="kind must be web or facility")
    return jsonify([_round_json(r) for r in _state().stores.get().rounds(kind)])


@api.get("/rounds/<int:round_id>")
@require()
def round_detail(round_id: int):
    return jsonify(_round_json(_round_id(round_id)))


@api.get("/rounds/<int:round_id>/scores")
@require()
def round_scores(round_id: int):
    limit, offset = _page()
    _round_id(round_id)
    state = _state()
    scores = current_scores(state.stores.get(), state.catalog, round_id)
    return jsonify(
        {"round_id": round_id, "total": len(scores), "scores": [score_json(s) for s in scores[offset : offset + limit]]}
    )


@api.get("/subjects")
@require()
def subjects():
    limit, offset = _page()
    area, category = request.args.get("area"), request.args.get("category")
    if area is not None and not (len(area) == 6 and area.isdigit()):
        abort(400, description="area must be a 6-digit division code")
    if category is not None and category not in {c.value for c in Category}:
        abort(400, description="unknown category")
    found = _state().stores.get().subjects(area=area, category=category)
    return jsonify([subject_json(s) for s in islice(found, offset, offset + limit)])


@api.get("/subject")
@require()
def subject():
    key = request.args.get("key", "")
    found = _state().stores.get().get_subject(key) if key else None
    if found is None:
        abort(404, description="no such subject")
    return jsonify(subject_json(found))
