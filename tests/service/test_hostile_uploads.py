"""Hostile uploads: a deeply nested GeoJSON is a named file error, and no upload is ever left 'received'."""

from __future__ import annotations

import io

import pytest

from audit.service import facility_bridge
from tests.service.conftest import bearer, csrf_of

DEEP = b"[" * 400_000  # json.loads recursed until RecursionError: HTTP 500 and a record left 'received'


def submit(client, token, files, **form):
    data = {"checklist": "accessible-toilets", "files": [(io.BytesIO(d), n) for n, d in files], **form}
    return client.post("/api/submissions", data=data, headers=bearer(token), content_type="multipart/form-data")


def records(app) -> list[dict]:
    from audit.service.records import UploadLog

    return UploadLog(app.extensions["a11y"].stores.get()).recent(limit=1000)[::-1]


@pytest.mark.parametrize(
    ("lang", "words"),
    [("zh", "JSON 嵌套超过 64 层"), ("en", "the JSON is nested more than 64 levels deep")],
)
def test_a_deeply_nested_geojson_is_a_422_naming_the_file(app, tokens, lang, words):
    response = submit(app.test_client(), tokens["yuelu"], [("deep.geojson", DEEP)], lang=lang)
    assert response.status_code == 422 and response.json["result"] == "rejected"
    [problem] = response.json["problems"]
    assert problem["file"] == "deep.geojson" and words in problem["message"]
    [record] = records(app)
    assert record["result"] == "rejected" and record["finished_at"]
    assert record["problems"][0]["key"] == "facility.file.too-deep"


def test_the_upload_page_shows_the_deep_nesting_message(signed_in):
    client = signed_in("yuelu")
    token = csrf_of(client.get("/upload?lang=en").data)
    data = {"checklist": "accessible-toilets", "csrf_token": token, "files": [(io.BytesIO(DEEP), "deep.geojson")]}
    page = client.post("/upload", data=data, content_type="multipart/form-data")
    assert page.status_code == 422
    assert b"deep.geojson: not valid facility data: the JSON is nested more than 64 levels deep" in page.data


def test_an_upload_that_fails_unexpectedly_is_recorded_failed_never_left_received(app, tokens, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(facility_bridge, "read", broken)
    response = submit(app.test_client(), tokens["yuelu"], [("toilets.csv", b"a,b\n1,2\n")], lang="en")
    assert response.status_code == 500
    assert response.json["error"] == "internal-server-error" and "disk on fire" not in response.json["message"]
    [record] = records(app)
    assert record["result"] == "failed" and record["finished_at"]
    [problem] = record["problems"]
    assert problem["key"] == "upload.failed" and "RuntimeError" in problem["message"]
