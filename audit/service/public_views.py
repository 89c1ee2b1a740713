"""Public reports in the service: the resident's form and status page (no account: the only pages besides
/login that need no session) and the officials' moderation queue (signed in, their areas only)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)

from audit.areas.lookup import county_index
from audit.service.auth import check_csrf, current_user, require
from audit.service.public_reports import (
    Conflict,
    Draft,
    FieldError,
    Forbidden,
    accept,
    facility_kinds,
    get_for,
    may_moderate,
    may_use_queue,
    nearby_facilities,
    parse_ref,
    queue,
    reject,
    start_review,
    submit,
)
from audit.service.safety import Upload, display_name
from audit.service.text import t
from audit.store.public_sql import OPEN_STATES, REPORT_STATES

public = Blueprint("public", __name__)
LEAFLET = Path(__file__).resolve().parents[1] / "render" / "map" / "static" / "leaflet"
LEAFLET_FILES = {"leaflet.js", "leaflet.css", "images/layers.png", "images/layers-2x.png"}


def _state():
    return current_app.extensions["a11y"]


def _text(key: str, **values: object) -> str:
    return t(_state().catalog, key, session.get("lang") or _state().config.lang, **values)


def _tiles_origin() -> str:
    tiles = _state().config.public_map_tiles
    parts = urlsplit(tiles)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme == "https" and parts.netloc else ""


def _page_csp() -> str:
    # the page's own CSP: the app's, plus the base map's tile server for images
    origin = _tiles_origin()
    images = f"img-src 'self' data: {origin}".strip()
    return (
        f"default-src 'self'; {images}; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"
    )


def _map_view() -> dict:
    west, south, east, north = county_index().bounds
    return {
        "lat": round((south + north) / 2, 5),
        "lon": round((west + east) / 2, 5),
        "tiles": _state().config.public_map_tiles if _tiles_origin() else "",
    }


def _form(draft: Draft, errors: list[FieldError], status: int):
    messages = [(e.field, _text(e.key, **e.values)) for e in errors]
    response = current_app.make_response(
        (
            render_template(
                "public_report.html",
                kinds=facility_kinds(_state().catalog),
                draft=draft,
                errors=messages,
                by_field={f: m for f, m in reversed(messages)},
                view=_map_view(),
                photo_mb=_state().config.public_photo_bytes // 1024 // 1024,
            ),
            status,
        )
    )
    response.headers["Content-Security-Policy"] = _page_csp()
    return response


# -- the resident's pages (no account) -------------------------------------------------------------
@public.get("/report")
def report_form():
    return _form(Draft(), [], 200)


@public.post("/report")
def report_submit():
    """Rate-limited per client address (audit/service/throttle.py installs the limit on this view)."""
    check_csrf()
    draft = Draft.from_form(request.form)
    sent = request.files.get("photo")
    photo = Upload(display_name(sent.filename, "photo"), sent.read()) if sent is not None and sent.filename else None
    state = _state()
    store = state.stores.get()
    config = state.config
    errors, report = submit(
        store, state.catalog, draft, photo, config.photos_dir, config.public_photo_bytes, config.region_for(store)
    )
    if errors:
        return _form(draft, errors, 422)
    return redirect(url_for("public.report_status", ref=report.ref, new=1), code=303)


@public.get("/report/lookup")
def report_lookup():
    """The look-up form on the report page: a typed reference, tidied, to its status page."""
    parsed = parse_ref(request.args.get("ref", "")[:40])
    if parsed is None:
        abort(404)
    return redirect(url_for("public.report_status", ref=parsed), code=303)


@public.get("/report/<ref>")
def report_status(ref: str):
    parsed = parse_ref(ref)
    store = _state().stores.get()
    report = store.public_report(parsed) if parsed else None
    if report is None:
        abort(404)
    problem = store.problem(report.problem_id) if report.problem_id else None
    return render_template(
        "public_status.html",
        report=report,
        problem=problem,
        new=request.args.get("new") == "1",
        lt=lambda key: _state().catalog.messages.t(key, session.get("lang") or _state().config.lang),
    )


@public.get("/report/leaflet/<path:name>")
def leaflet(name: str):
    """The map page's vendored Leaflet (audit/render/map/static), so the form loads nothing from elsewhere."""
    if name not in LEAFLET_FILES:
        abort(404)
    return send_from_directory(LEAFLET, name, max_age=86400)


# -- moderation (officials in their areas, admins) -------------------------------------------------
@public.get("/moderation/")
@require(may_use_queue)
def moderation_queue():
    chosen = request.args.get("state") or "open"
    if chosen not in (*REPORT_STATES, "open", "all"):
        abort(400)
    states = list(OPEN_STATES) if chosen == "open" else None if chosen == "all" else [chosen]
    reports = queue(_state().stores.get(), current_user(), states)
    filters = ["open", *REPORT_STATES, "all"]
    return render_template("moderation.html", reports=reports, chosen=chosen, filters=filters)


def _report_or_abort(ref: str):
    try:
        report = get_for(_state().stores.get(), current_user(), ref)
    except Forbidden:
        abort(403)
    if report is None:
        abort(404)
    return report


def _moderation_page(report, errors: list[FieldError] = (), status: int = 200, done: str = ""):
    state = _state()
    store = state.stores.get()
    checklist = state.catalog.checklists.get(report.checklist)
    messages = [(e.field, _text(e.key, **e.values)) for e in errors]
    return render_template(
        "moderation_report.html",
        report=report,
        checklist=checklist,
        facilities=nearby_facilities(store, report) if report.state in OPEN_STATES else [],
        problem=store.problem(report.problem_id) if report.problem_id else None,
        errors=messages,
        by_field={f: m for f, m in reversed(messages)},
        form=request.form if request.method == "POST" else {},
        done=done,
    ), status


@public.get("/moderation/<ref>")
@require(may_use_queue)
def moderation_report(ref: str):
    return _moderation_page(_report_or_abort(ref))


@public.post("/moderation/<ref>/<action>")
@require(may_use_queue)
def moderate(ref: str, action: str):
    if action not in ("review", "accept", "reject"):
        abort(404)
    check_csrf()
    report = _report_or_abort(ref)
    store, form = _state().stores.get(), request.form
    if not may_moderate(current_user(), report):
        abort(403)
    try:
        if action == "review":
            start_review(store, current_user(), report)
            errors = []
        elif action == "reject":
            errors = reject(store, current_user(), report, form.get("reason", ""))
        else:
            errors, _problem = accept(
                store,
                _state().catalog,
                current_user(),
                report,
                form.get("check", ""),
                form.get("subject", ""),
                form.get("name", ""),
            )
    except Conflict:
        return _moderation_page(store.public_report(report.ref), [FieldError("state", "public.error.decided")], 409)
    if errors:
        return _moderation_page(report, errors, 422)
    return _moderation_page(store.public_report(report.ref), done="public.done." + action)
