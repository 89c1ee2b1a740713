"""The service's own pages pass the project's web audit: no critical or serious axe violation, and no critical or
serious failure of `a11y-audit web --fail-on critical,serious` with the probes on (reflow at 320 px, focus)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from audit.web import audit_page, critical_or_serious
from tests.own_audit import audit_snapshots
from tests.service.conftest import JPEG, PASSWORD, csrf_of, fixture_bytes

pytestmark = pytest.mark.browser
STATIC = Path(__file__).resolve().parents[2] / "audit" / "service" / "static"


def snapshot_pages(app, signed_in) -> dict[str, bytes]:
    """The HTML a phone would get: login, upload form, upload with row errors, upload accepted, rounds."""
    pages = {"login.html": app.test_client().get("/login").data}
    client = signed_in("yuelu")
    form = client.get("/upload").data
    pages["upload.html"] = form
    bad = {
        "checklist": "accessible-toilets",
        "csrf_token": csrf_of(form),
        "files": [(io.BytesIO(fixture_bytes("toilets-bad.csv")), "toilets-bad.csv")],
    }
    rejected = client.post("/upload", data=bad, content_type="multipart/form-data")
    assert rejected.status_code == 422 and b"door_width" in rejected.data
    pages["upload-errors.html"] = rejected.data
    good = {
        "checklist": "accessible-toilets",
        "csrf_token": csrf_of(client.get("/upload").data),
        "files": [(io.BytesIO(fixture_bytes("toilets.csv")), "toilets.csv")],
        "photos": [(io.BytesIO(JPEG), "door1.jpg")],
    }
    accepted = client.post("/upload", data=good, content_type="multipart/form-data")
    assert accepted.status_code == 201
    pages["upload-done.html"] = accepted.data
    pages["rounds.html"] = client.get("/rounds").data
    pages["upload-en.html"] = client.get("/upload?lang=en").data
    return pages


PAGES = ("login.html", "upload.html", "upload-errors.html", "upload-done.html", "rounds.html", "upload-en.html")


def test_service_pages_have_no_critical_or_serious_violations(
    app, signed_in, tmp_path, loopback_server, chromium_executable
):
    assert PASSWORD  # accounts from the service fixtures sign in through the real login form
    for name, html in snapshot_pages(app, signed_in).items():
        (tmp_path / name).write_bytes(html)
    shutil.copytree(STATIC, tmp_path / "static")
    server = loopback_server(tmp_path)
    problems = {}
    for name in (
        "login.html",
        "upload.html",
        "upload-errors.html",
        "upload-done.html",
        "rounds.html",
        "upload-en.html",
    ):
        results = audit_page(server.url(name))
        assert results["passes"], f"axe did not run on {name}"
        if critical_or_serious(results):
            problems[name] = critical_or_serious(results)
    assert problems == {}


def test_service_pages_pass_our_own_audit_with_the_probes_on(
    app, signed_in, tmp_path, loopback_server, chromium_executable
):
    pages = snapshot_pages(app, signed_in)
    code, failing, output = audit_snapshots(pages, tmp_path, loopback_server, {"static": STATIC}, order=PAGES)
    assert failing == {}, output
    assert code == 0, output
