"""Oversize requests through the real server (waitress on loopback): the app answers, in its own shape,
whether Flask's limit or waitress's own body limit refused the request."""

from __future__ import annotations

import http.client
import json

import pytest

from audit.service.server import ServerThread, make_server
from tests.service.conftest import bearer

MiB = 1024 * 1024


@pytest.fixture
def server(app, config):
    running = ServerThread(make_server(app, config, "127.0.0.1", 0, threads=2)).start()
    yield running.port
    running.stop()


def _post(port: int, path: str, headers: dict, body: bytes = b"") -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest("POST", path)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        if body:
            connection.send(body)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_a_body_over_flasks_limit_is_answered_by_the_app(server, tokens):
    body = b"x" * (MiB * 5 // 2)  # over the 2 MiB of the test config, under waitress's 3 MiB
    headers = {
        **bearer(tokens["yuelu"]),
        "Content-Type": "multipart/form-data; boundary=b",
        "Content-Length": str(len(body)),
    }
    status, head, data = _post(server, "/api/submissions?lang=en", headers, body)
    assert status == 413 and head["Content-Type"] == "application/json"
    assert json.loads(data)["message"].startswith("The upload is too large: at most 2 MB")


def test_a_body_over_waitresss_own_limit_gets_the_same_answer(server, tokens):
    headers = {**bearer(tokens["yuelu"]), "Content-Type": "multipart/form-data; boundary=b"}
    status, head, data = _post(server, "/api/submissions?lang=en", {**headers, "Content-Length": str(100 * MiB)})
    assert status == 413 and head["Content-Type"] == "application/json"  # was waitress's text/plain
    assert json.loads(data) == {
        "error": "request-entity-too-large",
        "message": "The upload is too large: at most 2 MB per upload. Split the files or send fewer photos.",
    }
    assert head["X-Content-Type-Options"] == "nosniff" and head["Connection"] == "close"
    status, head, data = _post(server, "/upload", {**headers, "Content-Length": str(100 * MiB)})
    assert status == 413 and head["Content-Type"].startswith("text/html")
    assert "上传的内容太大：每次最多 2 MB".encode() in data and "default-src 'self'" in head["Content-Security-Policy"]
