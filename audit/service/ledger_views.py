"""The problem ledger in the service: HTML pages (session, CSRF) and JSON routes (bearer token) over ledger_actions."""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, abort, current_app, jsonify, render_template, request, send_from_directory, session

from audit.model.problems import STATES, LedgerError, Problem
from audit.render.report.places import value_text
from audit.service.auth import check_csrf, current_user, require
from audit.service.ledger_actions import (
    CONFLICTS,
    SAFE_PHOTO,
    Forbidden,
    Ledger,
    may_assign,
    may_rectify,
    may_review,
    units_for,
    visible,
)
from audit.service.safety import UnsafeFile, Upload, display_name
from audit.service.text import t

ledger_pages = Blueprint("ledger", __name__, url_prefix="/ledger")
ledger_api = Blueprint("ledger_api", __name__, url_prefix="/ledger")
AREA = re.compile(r"^\d{6}$")
MAX_LIMIT = 1000


def _state():
    return current_app.extensions["a11y"]


def _ledger() -> Ledger:
    state = _state()
    return Ledger(state.stores.get(), state.config.photos_dir)


def _lang(api: bool) -> str:
    lang = request.values.get("lang") if api else session.get("lang")
    return lang if lang in ("zh", "en") else _state().config.lang


def _filters(api: bool) -> tuple[str | None, list[str] | None]:
    area = request.args.get("area") or None
    status = request.args.get("status") or None
    if area is not None and not AREA.match(area):
        _refuse(api, 400, "ledger.error.bad-area", area=area)
    if status is not None and status not in STATES:
        _refuse(api, 400, "ledger.error.bad-status", status=status, states=", ".join(STATES))
    return area, [status] if status else None


def _refuse(api: bool, code: int, key: str, **values: object):
    abort(code, description=_state().catalog.messages.t(key, _lang(api), **values))


def _problem_or_abort(problem_id: str, api: bool) -> Problem:
    try:
        problem = _ledger().get(current_user(), problem_id)
    except Forbidden:
        abort(403)
    if problem is None:
        abort(404, description="no such problem")
    return problem


def problem_json(problem: Problem, today: date | None = None) -> dict:
    today = today or date.today()
    return {
        "id": problem.id,
        "reference": problem.reference,
        "subject_key": problem.subject_key,
        "subject_name": problem.subject_name,
        "check_id": problem.check_id,
        "severity": problem.severity,
        "status": problem.status,
        "area_code": problem.area_code,
        "first_seen": problem.first_seen,
        "last_seen": problem.last_seen,
        "first_round": problem.first_round,
        "last_round": problem.last_round,
        "age_days": problem.age_days(today),
        "overdue": problem.is_overdue(today),
        "measured": problem.measured,
        "required": problem.required,
        "photo": problem.photo,
        "unit": problem.unit,
        "deadline": problem.deadline,
        "rectified_note": problem.rectified_note,
        "rectified_photo": problem.rectified_photo,
        "closed_at": problem.closed_at,
    }


def event_json(event) -> dict:
    return {
        "at": event.at,
        "by": event.by,
        "from": event.from_status,
        "to": event.to_status,
        "note": event.note,
        "photo": event.photo,
        "round_id": event.round_id,
    }


def _photo_upload() -> Upload | None:
    sent = request.files.get("photo")
    if sent is None or not (sent.filename or sent.content_length):
        return None
    return Upload(display_name(sent.filename, "photo"), sent.read())


def _act(action: str, problem: Problem) -> Problem:
    """Run one action with the request's fields; LedgerError, UnsafeFile and Forbidden propagate."""
    ledger, user, form = _ledger(), current_user(), request.form
    if action == "assign":
        return ledger.assign(user, problem, form.get("unit", ""), form.get("deadline", ""), form.get("note", ""))
    if action == "rectify":
        return ledger.rectify(user, problem, form.get("note", ""), _photo_upload())
    return ledger.review(user, problem, form.get("decision", ""), form.get("note", ""))


def _message(exc: LedgerError | UnsafeFile, lang: str) -> str:
    catalog = _state().catalog
    if isinstance(exc, UnsafeFile):
        return t(catalog, exc.key, lang, **exc.values)
    return catalog.messages.t(exc.key, lang, **exc.values)


def _render(template: str, **context):
    """Our templates, with the ledger's own texts (`lt`), check titles and stored values shown as text."""
    catalog, lang = _state().catalog, _lang(api=False)

    def check_title(check_id: str) -> str:
        check = catalog.checks.get(check_id)
        return (check.title.get(lang) or check.title.get("zh")) if check else check_id

    return render_template(
        template,
        lt=lambda key, **values: catalog.messages.t(key, lang, **values),
        check_title=check_title,
        shown=value_text,
        **context,
    )


# -- pages ------------------------------------------------------------------------------------------
@ledger_pages.get("/")
@require()
def index():
    area, statuses = _filters(api=False)
    problems = visible(_state().stores.get(), current_user(), area, statuses)
    return _render(
        "ledger.html",
        problems=problems,
        states=STATES,
        area=area or "",
        status=(statuses or [""])[0],
        today=date.today(),
    )


@ledger_pages.get("/<problem_id>")
@require()
def detail(problem_id: str):
    return _detail(_problem_or_abort(problem_id, api=False))


def _detail(problem: Problem, message: str | None = None, failed: bool = False, status: int = 200):
    user, store = current_user(), _state().stores.get()
    rights = {
        "assign": may_assign(user, problem) and problem.status in ("open", "assigned", "reopened"),
        "rectify": may_rectify(user, problem) and problem.status in ("assigned", "reopened") and bool(problem.unit),
        "review": may_review(user, problem) and problem.status == "rectified",
    }
    return _render(
        "ledger_problem.html",
        problem=problem,
        history=_ledger().history(problem),
        rights=rights,
        units=units_for(store, problem) if rights["assign"] else [],
        message=message,
        failed=failed,
        today=date.today(),
    ), status


@ledger_pages.post("/<problem_id>/<action>")
@require()
def act(problem_id: str, action: str):
    if action not in ("assign", "rectify", "review"):
        abort(404)
    check_csrf()
    problem = _problem_or_abort(problem_id, api=False)
    lang = _lang(api=False)
    try:
        changed = _act(action, problem)
    except Forbidden:
        abort(403)
    except (LedgerError, UnsafeFile) as exc:
        code = 409 if getattr(exc, "key", "") in CONFLICTS else 422
        reason = _message(exc, lang)
        return _detail(problem, t(_state().catalog, "ledger.refused", lang, reason=reason), True, code)
    status_text = _state().catalog.messages.t(f"ledger.status.{changed.status}", lang)
    return _detail(changed, t(_state().catalog, "ledger.done", lang, status=status_text))


@ledger_pages.get("/photos/<name>")
@require()
def photo(name: str):
    """A stored photo (the inspector's or a unit's), by its content-derived name only."""
    if not SAFE_PHOTO.match(name):
        abort(404)
    return send_from_directory(_state().config.photos_dir.resolve(), name)


# -- API --------------------------------------------------------------------------------------------
@ledger_api.get("/problems")
@require()
def api_list():
    try:
        limit = int(request.args.get("limit", 100))
        offset = int(request.args.get("offset", 0))
    except ValueError:
        abort(400, description="limit and offset must be integers")
    if not (1 <= limit <= MAX_LIMIT and 0 <= offset <= 10**9):
        abort(400, description=f"limit must be 1..{MAX_LIMIT}, offset >= 0")
    area, statuses = _filters(api=True)
    problems = visible(_state().stores.get(), current_user(), area, statuses)
    today = date.today()
    return jsonify(
        {"total": len(problems), "problems": [problem_json(p, today) for p in problems[offset : offset + limit]]}
    )


@ledger_api.get("/problems/<problem_id>")
@require()
def api_detail(problem_id: str):
    problem = _problem_or_abort(problem_id, api=True)
    return jsonify({**problem_json(problem), "history": [event_json(e) for e in _ledger().history(problem)]})


@ledger_api.post("/problems/<problem_id>/<action>")
@require()
def api_act(problem_id: str, action: str):
    if action not in ("assign", "rectify", "review"):
        abort(404)
    problem = _problem_or_abort(problem_id, api=True)
    try:
        changed = _act(action, problem)
    except Forbidden:
        abort(403)
    except (LedgerError, UnsafeFile) as exc:
        code = 409 if getattr(exc, "key", "") in CONFLICTS else 422
        return jsonify({"error": "conflict" if code == 409 else "invalid", "message": _message(exc, _lang(True))}), code
    return jsonify(problem_json(changed))
