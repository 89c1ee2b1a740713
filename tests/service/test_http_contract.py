"""The HTTP contract around the routes: 413 and 405 in the API's error shape, headers on every page and file."""

from __future__ import annotations

import io

import openpyxl

from tests.service.conftest import bearer, csrf_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OVERSIZE = b"x" * (3 * 1024 * 1024)  # the test config allows 2 MiB per request


def test_an_oversize_api_request_is_a_localised_json_413(app, tokens):
    client = app.test_client()
    for query, words in (("", "上传的内容太大：每次最多 2 MB"), ("?lang=en", "The upload is too large: at most 2 MB")):
        response = client.post(
            "/api/submissions" + query,
            data={"checklist": "accessible-toilets", "files": [(io.BytesIO(OVERSIZE), "big.csv")]},
            headers=bearer(tokens["yuelu"]),
            content_type="multipart/form-data",
        )
        assert response.status_code == 413 and response.mimetype == "application/json"
        assert response.json == {"error": "request-entity-too-large", "message": response.json["message"]}
        assert words in response.json["message"]


def test_an_oversize_form_post_is_a_localised_page(signed_in):
    client = signed_in("yuelu")
    token = csrf_of(client.get("/upload?lang=en").data)
    data = {"checklist": "accessible-toilets", "csrf_token": token, "files": [(io.BytesIO(OVERSIZE), "big.csv")]}
    page = client.post("/upload", data=data, content_type="multipart/form-data")
    assert page.status_code == 413 and page.mimetype == "text/html"
    assert b"The upload is too large: at most 2 MB per upload" in page.data
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_405_says_which_methods_are_allowed(app, tokens, signed_in):
    api = app.test_client().delete("/api/submissions", headers=bearer(tokens["admin"]))
    assert api.status_code == 405 and api.json["error"] == "method-not-allowed"
    assert set(api.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    assert "DELETE" in api.json["message"]
    page = signed_in("admin").put("/upload")
    assert page.status_code == 405 and set(page.headers["Allow"].split(", ")) >= {"GET", "POST"}


def _outputs(config):
    (config.maps_dir / "2025").mkdir(parents=True)
    (config.maps_dir / "2025" / "map.html").write_text("<!DOCTYPE html><title>m</title><script>1</script>")
    config.reports_dir.mkdir(parents=True)
    book = openpyxl.Workbook()
    book.active.append(["subject", "score"])
    book.save(config.reports_dir / "progress.xlsx")
    (config.reports_dir / "progress.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")


def test_output_listings_and_files_send_the_security_headers(signed_in, config):
    _outputs(config)
    client = signed_in("viewer")
    for path in ("/maps/", "/reports/"):
        listing = client.get(path)
        assert listing.status_code == 200
        assert listing.headers["Content-Security-Policy"].startswith("default-src 'self'; img-src 'self' data:;")
        assert listing.headers["X-Frame-Options"] == "DENY" and listing.headers["X-Content-Type-Options"] == "nosniff"
    page = client.get("/maps/2025/map.html")
    assert page.status_code == 200 and "frame-ancestors 'self'" in page.headers["Content-Security-Policy"]
    assert "object-src 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "SAMEORIGIN" and page.headers["X-Content-Type-Options"] == "nosniff"
    pdf = client.get("/reports/progress.pdf")
    assert pdf.status_code == 200 and pdf.headers["X-Content-Type-Options"] == "nosniff"
    assert pdf.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_xlsx_reports_are_listed_and_downloadable_by_signed_in_users_only(app, signed_in, config):
    _outputs(config)
    client = signed_in("viewer")
    assert b"progress.xlsx" in client.get("/reports/").data
    response = client.get("/reports/progress.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX
    assert response.headers["Content-Disposition"] == "attachment; filename=progress.xlsx"
    assert openpyxl.load_workbook(io.BytesIO(response.data)).active["B1"].value == "score"
    stranger = app.test_client().get("/reports/progress.xlsx")
    assert stranger.status_code == 302 and stranger.headers["Location"].endswith("/login")
    assert b"PK" not in stranger.data
