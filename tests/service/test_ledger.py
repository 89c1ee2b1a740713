"""The problem ledger in the service, with real requests: an official assigns a problem of their area to a
unit, the unit reports the fix with a photo, an inspector verifies it; outside one's areas is 403; the JSON
API does the same; the problems come from a real upload."""

from __future__ import annotations

import io

import pytest

from audit.service.accounts import Accounts
from tests.service.conftest import JPEG, PASSWORD, bearer, csrf_of, fixture_bytes
from tests.service.test_uploads import submit

DOOR = "toilet-door-width"


@pytest.fixture
def ledger_app(app, tokens):
    """The service with officials and units, and problems opened by a real upload in Yuelu (430104)."""
    accounts = Accounts(app.extensions["a11y"].stores.get())
    accounts.add("yl-official", PASSWORD, "official", ("430104",))
    accounts.add("xt-official", PASSWORD, "official", ("430300",))
    accounts.add("yl-unit", PASSWORD, "unit", ("430104",))
    accounts.add("xt-unit", PASSWORD, "unit", ("430300",))
    uploaded = submit(
        app.test_client(), tokens["yuelu"], [("toilets.csv", fixture_bytes("toilets.csv"))], [("door1.jpg", JPEG)]
    )
    assert uploaded.status_code == 201, uploaded.json
    return app


def door_problem(app):
    store = app.extensions["a11y"].stores.get()
    [problem] = [p for p in store.problems() if p.check_id == DOOR]
    return problem


def post(client, path: str, **fields):
    token = csrf_of(client.get(path.rsplit("/", 1)[0]).data)
    return client.post(path, data={"csrf_token": token, **fields}, content_type="multipart/form-data")


def test_assign_rectify_verify_through_the_pages(ledger_app, signed_in):
    problem = door_problem(ledger_app)
    assert problem.status == "open" and problem.area_code.startswith("430104")
    official = signed_in("yl-official")
    listing = official.get("/ledger/")
    assert listing.status_code == 200 and problem.reference.encode() in listing.data
    page = official.get(f"/ledger/{problem.id}")
    assert b'name="unit"' in page.data and b"yl-unit" in page.data and b"xt-unit" not in page.data

    assigned = post(official, f"/ledger/{problem.id}/assign", unit="yl-unit", deadline="2030-06-30", note="限期整改")
    assert assigned.status_code == 200 and door_problem(ledger_app).status == "assigned"
    assert door_problem(ledger_app).unit == "yl-unit"

    unit = signed_in("yl-unit")
    assert problem.reference.encode() in unit.get("/ledger/").data  # a unit sees what it was given
    no_photo = post(unit, f"/ledger/{problem.id}/rectify", note="门已加宽")
    assert no_photo.status_code == 422 and door_problem(ledger_app).status == "assigned"
    fixed = post(unit, f"/ledger/{problem.id}/rectify", note="门已加宽至 900 mm", photo=(io.BytesIO(JPEG), "after.jpg"))
    assert fixed.status_code == 200, fixed.data
    rectified = door_problem(ledger_app)
    assert rectified.status == "rectified" and rectified.rectified_photo.endswith(".jpg")
    assert official.get(f"/ledger/photos/{rectified.rectified_photo}").data == JPEG

    inspector = signed_in("yuelu")
    verified = post(inspector, f"/ledger/{problem.id}/review", decision="verify", note="现场复核合格")
    assert verified.status_code == 200 and door_problem(ledger_app).status == "verified"
    history = inspector.get(f"/ledger/{problem.id}").data.decode()
    for who in ("yl-official", "yl-unit", "yuelu", "限期整改", "现场复核合格"):
        assert who in history


def test_an_official_cannot_assign_outside_their_areas(ledger_app, signed_in):
    problem = door_problem(ledger_app)
    other = signed_in("xt-official")
    assert other.get(f"/ledger/{problem.id}").status_code == 403
    assert problem.reference.encode() not in other.get("/ledger/").data
    refused = post(other, f"/ledger/{problem.id}/assign", unit="xt-unit", deadline="2030-06-30")
    assert refused.status_code == 403 and door_problem(ledger_app).status == "open"


def test_roles_other_than_the_right_one_are_refused(ledger_app, signed_in):
    problem = door_problem(ledger_app)
    official = signed_in("yl-official")
    assert post(official, f"/ledger/{problem.id}/assign", unit="yl-unit", deadline="2030-06-30").status_code == 200
    # an inspector does not assign, another unit does not report the fix, the official does not verify it
    assert (
        post(signed_in("yuelu"), f"/ledger/{problem.id}/assign", unit="yl-unit", deadline="2031-01-01").status_code
        == 403
    )
    assert post(signed_in("xt-unit"), f"/ledger/{problem.id}/rectify", note="x").status_code == 403
    assert post(official, f"/ledger/{problem.id}/review", decision="verify").status_code == 403
    # a unit of another area is not one it can be given to; a form without the CSRF token is refused
    wrong = post(official, f"/ledger/{problem.id}/assign", unit="xt-unit", deadline="2030-06-30")
    assert wrong.status_code == 422 and door_problem(ledger_app).unit == "yl-unit"
    no_csrf = official.post(f"/ledger/{problem.id}/assign", data={"unit": "yl-unit", "deadline": "2030-06-30"})
    assert no_csrf.status_code == 400


def test_the_api_assigns_rectifies_and_reviews(ledger_app):
    accounts = Accounts(ledger_app.extensions["a11y"].stores.get())
    tokens = {name: accounts.new_token(name) for name in ("yl-official", "xt-official", "yl-unit", "yuelu", "viewer")}
    client = ledger_app.test_client()
    problem = door_problem(ledger_app)
    base = f"/api/ledger/problems/{problem.id}"

    listed = client.get("/api/ledger/problems?status=open&area=430100", headers=bearer(tokens["yl-official"]))
    assert listed.status_code == 200 and problem.id in {p["id"] for p in listed.json["problems"]}
    assert client.get("/api/ledger/problems?status=closed", headers=bearer(tokens["viewer"])).status_code == 400
    assert client.get("/api/ledger/problems/AAAAAAAAAAAA", headers=bearer(tokens["viewer"])).status_code == 404
    assert client.get(base).status_code == 401

    form = {"unit": "xt-unit", "deadline": "2030-06-30"}
    assert client.post(f"{base}/assign", data=form, headers=bearer(tokens["xt-official"])).status_code == 403
    early = client.post(f"{base}/review", data={"decision": "verify"}, headers=bearer(tokens["yuelu"]))
    assert early.status_code == 409 and early.json["error"] == "conflict"
    form["unit"] = "yl-unit"
    assigned = client.post(f"{base}/assign", data=form, headers=bearer(tokens["yl-official"]))
    assert assigned.status_code == 200 and assigned.json["status"] == "assigned"
    fixed = client.post(
        f"{base}/rectify",
        data={"note": "加宽", "photo": (io.BytesIO(JPEG), "after.jpg")},
        headers=bearer(tokens["yl-unit"]),
        content_type="multipart/form-data",
    )
    assert fixed.status_code == 200 and fixed.json["status"] == "rectified"
    reopened = client.post(
        f"{base}/review", data={"decision": "reopen", "note": "仍为 750 mm"}, headers=bearer(tokens["yuelu"])
    )
    assert reopened.status_code == 200 and reopened.json["status"] == "reopened"
    detail = client.get(base, headers=bearer(tokens["viewer"])).json
    assert [(h["from"], h["to"]) for h in detail["history"]] == [
        (None, "open"),
        ("open", "assigned"),
        ("assigned", "rectified"),
        ("rectified", "reopened"),
    ]
    assert detail["reference"] == problem.reference
