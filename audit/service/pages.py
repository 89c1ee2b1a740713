"""The HTML pages (session sign-in, CSRF-protected forms): upload, results, rounds, maps and reports."""

from __future__ import annotations

import logging
from pathlib import Path

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

from audit.runs import current_scores
from audit.service.auth import accounts, check_csrf, current_user, require, sign_in, sign_out
from audit.service.ledger_views import ledger_pages
from audit.service.safety import Upload, display_name
from audit.service.submissions import may_join, process
from audit.service.withdraw_views import withdraw_pages
from audit.service.withdrawals import withdrawable_now

pages = Blueprint("pages", __name__)
pages.register_blueprint(ledger_pages)  # /ledger/: the problem ledger (audit/service/ledger_views.py)
pages.register_blueprint(withdraw_pages)  # /uploads/<id>/withdraw: withdrawing an upload (withdraw_views.py)
log = logging.getLogger("audit.service.auth")
OUTPUT_SUFFIXES = {
    ".html",
    ".htm",
    ".css",
    ".js",
    ".json",
    ".geojson",
    ".png",
    ".jpg",
    ".svg",
    ".pdf",
    ".csv",
    ".xlsx",
    ".md",
    ".txt",
    ".woff",
    ".woff2",
}

LISTED_SUFFIXES = {".html", ".pdf", ".md", ".xlsx"}
DOWNLOADS = {".xlsx", ".csv"}


def _state():
    return current_app.extensions["a11y"]


@pages.get("/")
def home():
    user = current_user()
    if user is None:
        return redirect(url_for("pages.login"))
    store = _state().stores.get()
    uploads = store.uploads(None if user.is_admin or user.role == "viewer" else user.id, limit=20)
    return render_template("home.html", uploads=uploads, withdrawable=withdrawable_now(store, user, uploads))


@pages.route("/login", methods=["GET", "POST"])
def login():
    """Sign-in form; failed POSTs are counted by the throttle (audit/service/throttle.py) through their 401."""
    failed = False
    if request.method == "POST":
        check_csrf()
        username = request.form.get("username", "")[:64]
        user = accounts().authenticate(username, request.form.get("password", "")[:1024])
        if user is not None:
            lang = session.get("lang")
            sign_in(user)
            if lang:
                session["lang"] = lang
            log.info("signed in: %r from %s", user.username, request.remote_addr)
            return redirect(url_for("pages.upload_form" if user.may_upload() else "pages.home"), code=303)
        log.info("failed sign-in: user name %r from %s", username, request.remote_addr)
        failed = True
    return render_template("login.html", failed=failed), (401 if failed else 200)


@pages.post("/logout")
def logout():
    """Sign out: ends this user's sessions on every device, so a copied cookie stops working too."""
    check_csrf()
    sign_out()
    return redirect(url_for("pages.login"), code=303)


@pages.get("/upload")
@require(lambda u: u.may_upload())
def upload_form():
    return render_template(
        "upload.html", checklists=_facility_checklists(), outcome=None, chosen=None, **_campaign_choice("")
    )


@pages.post("/upload")
@require(lambda u: u.may_upload())
def upload_submit():
    check_csrf()
    files = [
        Upload(display_name(f.filename, f"file-{i + 1}"), f.read())
        for i, f in enumerate(request.files.getlist("files"))
        if f.filename
    ]
    photos = [
        Upload(display_name(f.filename, f"photo-{i + 1}"), f.read())
        for i, f in enumerate(request.files.getlist("photos"))
        if f.filename
    ]
    chosen = request.form.get("checklist", "")
    state = _state()
    outcome = process(
        state.stores.get(),
        state.catalog,
        state.config,
        current_user(),
        "form",
        chosen,
        files,
        photos,
        _lang(),
        partial=request.form.get("partial") == "on",
        campaign=request.form.get("campaign", "")[:200],
    )
    choice = _campaign_choice(request.form.get("campaign", ""))
    return render_template(
        "upload.html", checklists=_facility_checklists(), outcome=outcome, chosen=chosen, **choice
    ), outcome.status


def _campaign_choice(chosen: str) -> dict:
    """The open campaigns this uploader may join (their areas overlap), for the form's choice."""
    user = current_user()
    open_ = [c for c in _state().stores.get().campaigns(state="open") if may_join(user, c.area_code)]
    return {"campaigns": open_, "chosen_campaign": chosen}


@pages.get("/rounds")
@require()
def rounds():
    return render_template("rounds.html", rounds=list(reversed(_state().stores.get().rounds())))


@pages.get("/rounds/<int:round_id>")
@require()
def round_page(round_id: int):
    store = _state().stores.get()
    try:
        chosen = store.get_round(round_id)
    except KeyError:
        abort(404)
    scores = current_scores(store, _state().catalog, round_id)
    names = {s.key: s for s in store.subjects(keys=[s.subject_key for s in scores])}
    return render_template("round.html", round=chosen, scores=scores, subjects=names)


@pages.get("/maps/", defaults={"name": ""})
@pages.get("/maps/<path:name>")
@require()
def maps(name: str):
    return _output(Path(_state().config.maps_dir), name, "maps")


@pages.get("/reports/", defaults={"name": ""})
@pages.get("/reports/<path:name>")
@require()
def reports(name: str):
    return _output(Path(_state().config.reports_dir), name, "reports")


def _output(folder: Path, name: str, kind: str):
    """A generated file from maps/ or reports/ (send_from_directory refuses anything outside the folder)."""
    if not name:
        listing = (
            sorted(
                p.relative_to(folder).as_posix()
                for p in folder.rglob("*")
                if p.is_file() and p.suffix.lower() in LISTED_SUFFIXES
            )
            if folder.is_dir()
            else []
        )
        return render_template("outputs.html", kind=kind, files=listing)
    if Path(name).suffix.lower() not in OUTPUT_SUFFIXES:
        abort(404)
    # a spreadsheet is saved, not opened by the browser
    return send_from_directory(folder.resolve(), name, as_attachment=Path(name).suffix.lower() in DOWNLOADS)


def _facility_checklists():
    return sorted(_state().catalog.domain("facility"), key=lambda c: c.id)


def _lang() -> str:
    return session.get("lang") or _state().config.lang
