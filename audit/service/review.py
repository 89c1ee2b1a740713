"""Human review in the service: the queue, one item with its screenshot and verdict form, the conformance report
and its signature (pages: session and CSRF), and the same as JSON, XLSX and JSON-LD (API: bearer token)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)

from audit.render.conformance import report_fragment, report_page, to_jsonld
from audit.runs.conformance import evaluation
from audit.runs.review import Decision, QueueItem, ReviewError, build_queue, decide, now_iso
from audit.runs.review_capture import round_folder
from audit.runs.review_sheet import SheetError, export_queue, import_verdicts
from audit.service.auth import check_csrf, current_user, require

review_pages = Blueprint("review", __name__, url_prefix="/review")
review_api = Blueprint("review_api", __name__, url_prefix="/api/review")
ITEM = re.compile(r"^[0-9a-f]{20}$")
SHOT = re.compile(r"^[0-9a-f]{20}\.png$")
NOTE_MAX = 2000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ID = 2**62


def _state():
    return current_app.extensions["a11y"]


def _lang(api: bool = False) -> str:
    lang = request.values.get("lang") if api else session.get("lang")
    return lang if lang in ("zh", "en") else _state().config.lang


def _round(round_id: int):
    if round_id > MAX_ID:
        abort(404, description=f"no round {round_id}")
    try:
        return _state().stores.get().get_round(round_id)
    except KeyError:
        abort(404, description=f"no round {round_id}")


def may_decide(user, item: QueueItem) -> bool:
    """Web items: admins. Facility items: admins and the inspectors whose areas hold the facility."""
    if user is None:
        return False
    if item.source == "facility":
        return user.covers(item.subject.area_code)
    return user.is_admin


def _visible(user, items: list[QueueItem]) -> list[QueueItem]:
    """An inspector sees the facility items of their own areas; admins and viewers see everything."""
    if user.role != "inspector":
        return items
    return [i for i in items if i.source == "facility" and user.covers(i.subject.area_code)]


def _queue(round_id: int, site_key: str | None = None) -> list[QueueItem]:
    state = _state()
    return _visible(current_user(), build_queue(state.stores.get(), state.catalog, round_id, site_key=site_key))


def _sites(round_id: int) -> list[str]:
    return sorted(k for k in _state().stores.get().audited_keys(round_id) if k.startswith("site:"))


def _site_arg(round_id: int, api: bool = False) -> str:
    sites = _sites(round_id)
    site = request.values.get("site") or (sites[0] if len(sites) == 1 else "")
    if site not in sites:
        abort(
            404, description=_state().catalog.messages.t("review.error.no-site", _lang(api), round=round_id, site=site)
        )
    return site


def _counts(items: list[QueueItem]) -> dict[str, int]:
    return {s: sum(1 for i in items if i.state == s) for s in ("pending", "stale", "decided", "carried")}


def _error_text(exc: ReviewError, api: bool) -> str:
    return _state().catalog.messages.t(exc.key, _lang(api), **exc.values)


# -- pages -------------------------------------------------------------------------------------------------------
@review_pages.context_processor
def review_text():
    """`rt`: this part's messages (review.*), beside the service's own `t` (service.*)."""
    lang = _lang()
    return {"rt": lambda key, **values: _state().catalog.messages.t(key, lang, **values)}


@review_pages.get("/")
@require()
def rounds():
    store = _state().stores.get()
    return render_template("review_rounds.html", rounds=[r for r in store.rounds() if r.status == "complete"][:50])


@review_pages.get("/<int:round_id>/")
@require()
def queue(round_id: int):
    round_ = _round(round_id)
    items = _queue(round_id)
    show = request.args.get("show", "open")
    shown = items if show == "all" else [i for i in items if not i.counts]
    return render_template(
        "review_queue.html",
        round=round_,
        items=shown,
        counts=_counts(items),
        show=show,
        sites=_sites(round_id) if round_.kind == "web" else [],
        saved=request.args.get("saved"),
    )


def _find(round_id: int, item_id: str) -> QueueItem:
    if not ITEM.match(item_id):
        abort(404)
    item = next((i for i in _queue(round_id) if i.id == item_id), None)
    if item is None:
        abort(404)
    return item


@review_pages.get("/<int:round_id>/items/<item_id>")
@require()
def item_page(round_id: int, item_id: str, error: str | None = None, status: int = 200):
    round_ = _round(round_id)
    item = _find(round_id, item_id)
    capture = _state().stores.get().captures(round_id).get(item.subject.key) if round_.kind == "web" else None
    boxes = []
    if capture and item.finding is not None:
        boxes = [capture.boxes[e["selector"]] for e in item.finding.evidence if e.get("selector") in capture.boxes]
    return render_template(
        "review_item.html",
        round=round_,
        item=item,
        capture=capture,
        boxes=boxes,
        may_decide=may_decide(current_user(), item),
        error=error,
    ), status


@review_pages.post("/<int:round_id>/items/<item_id>")
@require()
def item_decide(round_id: int, item_id: str):
    check_csrf()
    _round(round_id)
    item = _find(round_id, item_id)
    if not may_decide(current_user(), item):
        abort(403)
    state = _state()
    note = request.form.get("note", "")[:NOTE_MAX]
    try:
        decide(
            state.stores.get(),
            state.catalog,
            round_id,
            [Decision(item.id, request.form.get("outcome", ""), note)],
            current_user().username,
        )
    except ReviewError as exc:
        return item_page(round_id, item_id, error=_error_text(exc, False), status=422)
    following = [i for i in _queue(round_id) if not i.counts]
    target = (
        url_for("review.item_page", round_id=round_id, item_id=following[0].id, saved=item.id)
        if following
        else url_for("review.queue", round_id=round_id, saved=item.id)
    )
    return redirect(target, code=303)


@review_pages.get("/<int:round_id>/shots/<name>")
@require()
def shot(round_id: int, name: str):
    if not SHOT.match(name):
        abort(404)
    folder = round_folder(Path(_state().config.reports_dir) / "review", round_id)
    return send_from_directory(folder.resolve(), name, mimetype="image/png")


@review_pages.get("/<int:round_id>/report")
@require()
def report(round_id: int):
    round_ = _round(round_id)
    if round_.kind != "web":
        abort(404)
    site = _site_arg(round_id)
    state = _state()
    data = evaluation(state.stores.get(), state.catalog, round_id, site)
    return render_template(
        "review_report.html",
        round=round_,
        site=site,
        data=data,
        body=report_fragment(data, state.catalog.messages, _lang(), level=2),
        may_sign=current_user().is_admin,
        signed=request.args.get("signed"),
        must_confirm=False,
    )


@review_pages.post("/<int:round_id>/report/sign")
@require(lambda u: u.is_admin)
def sign(round_id: int):
    check_csrf()
    round_ = _round(round_id)
    if round_.kind != "web":
        abort(404)
    site = _site_arg(round_id)
    state = _state()
    store = state.stores.get()
    if request.form.get("confirm") != "yes":
        data = evaluation(store, state.catalog, round_id, site)
        body = report_fragment(data, state.catalog.messages, _lang(), level=2)
        return render_template(
            "review_report.html",
            round=round_,
            site=site,
            data=data,
            body=body,
            may_sign=True,
            signed=None,
            must_confirm=True,
        ), 422
    statement = evaluation(store, state.catalog, round_id, site)["statement"]
    remarks = request.form.get("remarks", "")[:NOTE_MAX]
    store.sign_statement(
        round_id, site, current_user().username, now_iso(), {"remarks": remarks, "state": statement["state"]}
    )
    return redirect(url_for("review.report", round_id=round_id, site=site, signed="1") + "#statement-h", code=303)


def _report_download(round_id: int, fmt: str, api: bool):
    round_ = _round(round_id)
    if round_.kind != "web":
        abort(404)
    site = _site_arg(round_id, api)
    state = _state()
    data = evaluation(state.stores.get(), state.catalog, round_id, site)
    lang = _lang(api)
    stem = f"conformance-round-{round_id}"
    if fmt == "html":
        response = Response(report_page(data, state.catalog.messages, lang), mimetype="text/html")
        response.headers["Content-Disposition"] = f'attachment; filename="{stem}.html"'
        return response
    if fmt == "jsonld":
        body = json.dumps(to_jsonld(data, state.catalog.messages, lang), ensure_ascii=False, indent=2)
        response = Response(body, mimetype="application/ld+json")
        response.headers["Content-Disposition"] = f'attachment; filename="{stem}.jsonld"'
        return response
    return jsonify(data)


@review_pages.get("/<int:round_id>/report.<fmt>")
@require()
def report_file(round_id: int, fmt: str):
    if fmt not in ("html", "jsonld"):
        abort(404)
    return _report_download(round_id, fmt, api=False)


def _xlsx_response(round_id: int, api: bool):
    _round(round_id)
    state = _state()
    folder = Path(state.config.reports_dir) / "review"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"queue-round-{round_id}-{current_user().id}.xlsx"
    export_queue(state.stores.get(), state.catalog, round_id, path, _lang(api))
    return send_from_directory(
        folder.resolve(), path.name, mimetype=XLSX, as_attachment=True, download_name=f"review-round-{round_id}.xlsx"
    )


@review_pages.get("/<int:round_id>/queue.xlsx")
@require()
def queue_xlsx(round_id: int):
    return _xlsx_response(round_id, api=False)


@review_pages.post("/<int:round_id>/import")
@require(lambda u: u.is_admin)
def import_sheet(round_id: int):
    check_csrf()
    round_ = _round(round_id)
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        abort(400)
    state = _state()
    try:
        count = import_verdicts(
            state.stores.get(),
            state.catalog,
            round_id,
            sent.read(),
            Path(sent.filename).name[:100],
            current_user().username,
        )
    except SheetError as exc:
        items = _queue(round_id)
        return render_template(
            "review_queue.html",
            round=round_,
            items=[i for i in items if not i.counts],
            counts=_counts(items),
            show="open",
            sites=_sites(round_id) if round_.kind == "web" else [],
            saved=None,
            problems=exc.messages(state.catalog),
        ), 422
    return redirect(url_for("review.queue", round_id=round_id, imported=count), code=303)


# -- API ---------------------------------------------------------------------------------------------------------
def item_json(item: QueueItem) -> dict:
    verdict = item.verdict
    previous = item.resolution.previous
    return {
        "item": item.id,
        "round_id": item.round_id,
        "subject_key": item.subject.key,
        "subject_name": item.subject.name,
        "url": item.subject.url,
        "check_id": item.check.id,
        "title": dict(item.check.title),
        "how": dict(item.check.help),
        "source": item.source,
        "state": item.state,
        "fingerprint": item.fingerprint,
        "evidence": [dict(e) for e in item.finding.evidence] if item.finding else [],
        "verdict": None
        if verdict is None
        else {
            "outcome": verdict.outcome.value,
            "note": verdict.note,
            "author": verdict.author,
            "decided_at": verdict.decided_at,
            "carried_from": verdict.carried_from,
        },
        "previous_round": previous.round_id if previous else None,
    }


@review_api.get("/<int:round_id>/queue")
@require(api=True)
def api_queue(round_id: int):
    _round(round_id)
    return jsonify([item_json(i) for i in _queue(round_id)])


@review_api.post("/<int:round_id>/verdicts")
@require(api=True)
def api_verdicts(round_id: int):
    _round(round_id)
    body = request.get_json(silent=True)
    rows = body.get("verdicts") if isinstance(body, dict) else None
    if not isinstance(rows, list) or not rows or len(rows) > 5000:
        abort(400, description='expected {"verdicts": [{"item": ..., "outcome": "pass|fail|n/a", "note": ...}]}')
    state = _state()
    items = {i.id: i for i in build_queue(state.stores.get(), state.catalog, round_id)}  # all: 403, not "unknown"
    decisions = []
    for row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("item"), str) or not isinstance(row.get("outcome"), str):
            abort(400, description="each verdict needs item and outcome strings")
        item = items.get(row["item"])
        if item is not None and not may_decide(current_user(), item):
            abort(403)
        note = row.get("note", "")
        decisions.append(Decision(row["item"], row["outcome"], note[:NOTE_MAX] if isinstance(note, str) else ""))
    try:
        recorded = decide(state.stores.get(), state.catalog, round_id, decisions, current_user().username)
    except ReviewError as exc:
        return jsonify({"error": "bad-verdict", "message": _error_text(exc, True)}), 422
    return jsonify({"recorded": len(recorded)}), 201


@review_api.get("/<int:round_id>/queue.xlsx")
@require(api=True)
def api_queue_xlsx(round_id: int):
    return _xlsx_response(round_id, api=True)


@review_api.post("/<int:round_id>/verdicts.xlsx")
@require(lambda u: u.is_admin, api=True)
def api_import(round_id: int):
    _round(round_id)
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        abort(400, description="expected a multipart file field named file")
    state = _state()
    try:
        count = import_verdicts(
            state.stores.get(),
            state.catalog,
            round_id,
            sent.read(),
            Path(sent.filename).name[:100],
            current_user().username,
        )
    except SheetError as exc:
        problems = [
            {"message": m, "file": p.file, "row": p.row, "field": p.field, "value": p.value, "expected": p.expected}
            for m, p in zip(exc.messages(state.catalog), exc.problems, strict=False)
        ] or [{"message": exc.messages(state.catalog)[0]}]
        return jsonify({"error": "rejected", "message": problems[0]["message"], "problems": problems}), 422
    return jsonify({"recorded": count}), 201


@review_api.get("/<int:round_id>/report")
@require(api=True)
def api_report(round_id: int):
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "jsonld", "html"):
        abort(400, description="format must be json, jsonld or html")
    return _report_download(round_id, fmt, api=True)
