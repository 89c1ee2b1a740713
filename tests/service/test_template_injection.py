"""Facility names with template syntax, uploaded by an inspector, are shown literally on service pages (issue 10)."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

from tests.hostile import SEVEN_TIMES_191, hostile_texts, recording_compiles

from .conftest import JPEG, csrf_of, fixture_bytes


def _hostile_csv(texts: list[str]) -> bytes:
    rows = list(csv.DictReader(io.StringIO(fixture_bytes("toilets.csv").decode("utf-8-sig"))))
    rows = [dict(rows[i % len(rows)], submission_id=f"hostile-{i}", name=text) for i, text in enumerate(texts)]
    for row in rows:
        row["photos"] = ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_uploaded_names_show_literally_on_the_round_page_and_run_nothing(app, signed_in, tmp_path):
    pwned = tmp_path / "pwned"
    texts = hostile_texts(pwned)
    client = signed_in("yuelu")
    with recording_compiles() as compiles:
        upload = {
            "checklist": "accessible-toilets",
            "csrf_token": csrf_of(client.get("/upload").data),
            "files": [(io.BytesIO(_hostile_csv(texts)), "toilets.csv")],
        }
        done = client.post("/upload", data=upload, content_type="multipart/form-data")
        assert done.status_code == 201, done.data.decode()
        rounds = client.get("/rounds").data.decode()
        round_id = re.findall(r'href="/rounds/(\d+)"', rounds)[0]
        page = client.get(f"/rounds/{round_id}")
    assert page.status_code == 200
    assert not pwned.exists(), "an uploaded name was run as a template"
    compiles.assert_only_package_files(texts)
    html = page.data.decode()
    for text in texts:
        assert text in unescape(html), f"{text!r} is not shown on the round page"
    assert SEVEN_TIMES_191 not in html and "&#39;" in html


def test_a_hostile_file_name_and_campaign_label_show_literally_on_the_withdrawal_pages(app, signed_in, tmp_path):
    hostile = "{{ 7*191 }}<img src=x onerror=alert(1)>"
    store = app.extensions["a11y"].stores.get()
    store.open_campaign(hostile, "430100", "2026-10-01", "2026-12-31")
    client = signed_in("yuelu")
    upload = {
        "checklist": "accessible-toilets",
        "campaign": hostile,
        "csrf_token": csrf_of(client.get("/upload").data),
        "files": [(io.BytesIO(fixture_bytes("toilets.csv")), f"{hostile}.csv")],
        "photos": [(io.BytesIO(JPEG), "door1.jpg")],
    }
    with recording_compiles() as compiles:
        done = client.post("/upload", data=upload, content_type="multipart/form-data")
        assert done.status_code == 201, done.data.decode()
        upload_id = max(u.id for u in store.uploads())
        pages = [client.get("/").data.decode(), client.get(f"/uploads/{upload_id}/withdraw").data.decode()]
    compiles.assert_only_package_files([hostile])
    for html in pages:
        assert SEVEN_TIMES_191 not in html and "<img src=x" not in html
    assert hostile in unescape(pages[1]) and f"{hostile}.csv" in unescape(pages[1])  # shown, as text
