"""Public reports (随手拍) with real requests on a real store: a resident reports without an account and looks the
status up by reference; photos keep their GPS block and nothing else; submissions are rate-limited and carry
CSRF; bad input comes back with an error summary and the values kept; officials accept a report into the ledger
or reject it with a reason, in their areas only."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from PIL import Image, PngImagePlugin
from PIL.TiffImagePlugin import IFDRational

from audit.service import create_app
from audit.service.accounts import Accounts
from tests.service.conftest import JPEG, PASSWORD, csrf_of, fixture_bytes
from tests.service.test_uploads import submit as upload

YUELU = (112.94, 28.19)  # lon, lat in Yuelu district, Changsha (430104)
TOILET_CHECK = "toilet-door-width"
GPS = 0x8825


def jpeg_with_camera_and_gps(lon: float, lat: float) -> bytes:
    """A phone-like JPEG: camera make and model, software, a comment and a GPS block."""
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0131] = "Canon", "EOS 5D Mark IV", "Firmware 1.2.3"
    exif[0x9003] = "2024:05:01 10:11:12"

    def dms(value: float):
        d = int(value)
        m = int((value - d) * 60)
        s = round(((value - d) * 60 - m) * 60, 2)
        return (IFDRational(d), IFDRational(m), IFDRational(s))

    exif[GPS] = {1: "N", 2: dms(lat), 3: "E", 4: dms(lon)}
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 40, 40)).save(out, "JPEG", exif=exif.tobytes(), comment=b"owner: Zhang San")
    return out.getvalue()


@pytest.fixture
def officials(app):
    accounts = Accounts(app.extensions["a11y"].stores.get())
    accounts.add("yl-official", PASSWORD, "official", ("430104",))
    accounts.add("xt-official", PASSWORD, "official", ("430300",))
    return app


def send(client, photo: tuple[bytes, str] | None = None, **fields):
    token = csrf_of(client.get("/report").data)
    data = {"csrf_token": token, **fields}
    if photo is not None:
        data["photo"] = (io.BytesIO(photo[0]), photo[1])
    return client.post("/report", data=data, content_type="multipart/form-data")


def good_fields(**changes) -> dict:
    lon, lat = YUELU
    fields = {
        "kind": "accessible-toilets",
        "description": "无障碍厕所门锁坏了",
        "place": "岳麓山东门",
        "lat": lat,
        "lon": lon,
    }
    return {**fields, **changes}


def ref_of(response) -> str:
    assert response.status_code == 303, response.data
    found = re.search(r"/report/(R-[A-Z2-7]{8})\?new=1$", response.headers["Location"])
    assert found, response.headers["Location"]
    return found.group(1)


def test_a_resident_reports_without_an_account_and_follows_the_reference(app):
    client = app.test_client()
    form = client.get("/report")
    assert form.status_code == 200 and b"<fieldset" in form.data and b"<legend>" in form.data
    assert b'name="kind"' in form.data and "无障碍厕所".encode() in form.data
    ref = ref_of(send(client, **good_fields()))
    status = client.get(f"/report/{ref}?new=1")
    assert status.status_code == 200 and ref.encode() in status.data
    assert "已收到".encode() in status.data
    # no personal data and nothing the resident typed is on the public status page
    assert "门锁坏了".encode() not in status.data and "岳麓山东门".encode() not in status.data
    stored = app.extensions["a11y"].stores.get().public_report(ref)
    assert stored.area_code == "430104" and stored.state == "received" and stored.location_source == "typed"
    # the reference is typed back in any case or spacing
    looked = client.get("/report/lookup", query_string={"ref": ref.lower().replace("r-", "r-  ")})
    assert looked.status_code == 303 and looked.headers["Location"].endswith(f"/report/{ref}")
    assert client.get("/report/R-AAAAAAAA").status_code == 404
    assert client.get("/report/1").status_code == 404
    # two reports never get neighbouring references
    other = ref_of(send(client, **good_fields()))
    assert other != ref


def test_the_stored_photo_keeps_its_gps_and_nothing_else(app, config):
    client = app.test_client()
    photo = jpeg_with_camera_and_gps(*YUELU)
    assert b"Canon" in photo and b"Zhang San" in photo
    # no coordinates typed: the photo's GPS gives the place
    ref = ref_of(send(client, (photo, "IMG_0001.jpg"), **good_fields(lat="", lon="")))
    report = app.extensions["a11y"].stores.get().public_report(ref)
    assert report.location_source == "photo" and report.area_code == "430104"
    assert abs(report.lon - YUELU[0]) < 1e-4 and abs(report.lat - YUELU[1]) < 1e-4
    kept = (config.photos_dir / report.photo).read_bytes()
    for secret in (b"Canon", b"EOS", b"Firmware", b"2024:05:01", b"Zhang San"):
        assert secret not in kept
    image = Image.open(io.BytesIO(kept))
    exif = image.getexif()
    assert set(exif) == {GPS}
    gps = exif.get_ifd(GPS)
    assert gps[1] == "N" and gps[3] == "E" and float(gps[2][0]) == 28 and float(gps[4][0]) == 112


def test_png_text_chunks_are_dropped(app, config):
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Li Si")
    out = io.BytesIO()
    Image.new("RGB", (20, 20)).save(out, "PNG", pnginfo=info)
    ref = ref_of(send(app.test_client(), (out.getvalue(), "p.png"), **good_fields()))
    report = app.extensions["a11y"].stores.get().public_report(ref)
    assert report.photo.endswith(".png") and b"Li Si" not in (config.photos_dir / report.photo).read_bytes()


def test_submissions_are_rate_limited_per_address_with_retry_after(config, catalog):
    app = create_app(replace(config, public_report_limit="2 per hour"), catalog)
    try:
        client = app.test_client()
        for _ in range(2):
            ref_of(send(client, **good_fields()))
        refused = send(client, **good_fields())
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
        assert "提交次数过多".encode() in refused.data
        english = app.test_client()
        english.get("/report?lang=en")
        also = send(english, **good_fields())
        assert also.status_code == 429 and b"Too many reports" in also.data
        # the form and the status page still answer
        assert client.get("/report").status_code == 200
    finally:
        app.extensions["a11y"].stores.close()


def test_the_form_needs_its_csrf_token(app):
    client = app.test_client()
    client.get("/report")
    missing = client.post("/report", data=good_fields(), content_type="multipart/form-data")
    wrong = client.post("/report", data={**good_fields(), "csrf_token": "x" * 43}, content_type="multipart/form-data")
    assert missing.status_code == 400 and wrong.status_code == 400
    assert app.extensions["a11y"].stores.get().public_reports() == []


@pytest.mark.parametrize(
    ("changes", "photo", "field", "text"),
    [
        ({"kind": ""}, None, "kind-accessible-toilets", "请选择设施类型"),
        ({"lat": "39.9", "lon": "116.4"}, None, "lat", "不在本平台负责的省份内"),
        ({"lat": "north", "lon": "112.9"}, None, "lat", "纬度应为"),
        ({"lat": "", "lon": ""}, None, "lat", "请给出位置"),
        ({}, (b"%PDF-1.7\n1 0 obj << >> endobj\n", "photo.jpg"), "photo", "不是可接受的照片"),
    ],
)
def test_bad_input_comes_back_with_an_error_summary_and_the_values_kept(app, changes, photo, field, text):
    fields = good_fields(description="坡道<b>太陡</b>", place="湘江路 & 某某街", **changes)
    response = send(app.test_client(), photo, **fields)
    page = response.data.decode()
    assert response.status_code == 422
    assert 'id="error-summary"' in page and 'tabindex="-1"' in page
    assert f'<a href="#{field}">' in page and text in page
    assert f'id="{field}"' in page
    target = re.search(rf'<(?:input|textarea)[^>]*id="{field}"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in target and f"{field}-error" in target or field.startswith("kind-")
    # what was typed comes back, escaped
    assert "坡道&lt;b&gt;太陡&lt;/b&gt;</textarea>" in page and 'value="湘江路 &amp; 某某街"' in page
    if changes.get("kind", "x"):
        assert re.search(r'value="accessible-toilets" required checked', page)
    assert app.extensions["a11y"].stores.get().public_reports() == []


def test_english_errors(app):
    client = app.test_client()
    client.get("/report?lang=en")
    response = send(client, **good_fields(kind="", description=""))
    assert response.status_code == 422 and b"Choose the kind of facility." in response.data
    assert b"Say what is wrong." in response.data and b"2 problem(s)" in response.data


def _moderate(client, ref: str, action: str, **fields):
    token = csrf_of(client.get(f"/moderation/{ref}").data)
    return client.post(f"/moderation/{ref}/{action}", data={"csrf_token": token, **fields})


def test_an_official_accepts_a_report_into_the_ledger_on_a_new_facility(officials, signed_in):
    ref = ref_of(send(officials.test_client(), **good_fields()))
    official = signed_in("yl-official")
    assert ref.encode() in official.get("/moderation/").data
    assert _moderate(official, ref, "review").status_code == 200
    store = officials.extensions["a11y"].stores.get()
    assert store.public_report(ref).state == "under-review"
    assert "审核中".encode() in officials.test_client().get(f"/report/{ref}").data

    missing = _moderate(official, ref, "accept", check="", subject="")
    assert missing.status_code == 422 and b'<a href="#check">' in missing.data
    accepted = _moderate(official, ref, "accept", check=TOILET_CHECK, subject="", name="岳麓山东门公厕（群众报告）")
    assert accepted.status_code == 200, accepted.data
    report = store.public_report(ref)
    assert report.state == "accepted" and report.subject_key == f"facility:accessible-toilets:430104:{ref}"
    problem = store.problem(report.problem_id)
    assert problem.subject_key == report.subject_key and problem.check_id == TOILET_CHECK
    assert problem.status == "open" and problem.area_code == "430104"
    assert store.get_subject(report.subject_key).name == "岳麓山东门公厕（群众报告）"
    [event] = store.problem_events(problem.id)
    assert event.by == "yl-official" and event.detail["public_report"] == ref
    assert problem.reference.encode() in official.get("/ledger/").data
    status = officials.test_client().get(f"/report/{ref}").data.decode()
    assert "已纳入问题台账" in status and "待分派" in status and problem.reference in status
    # decided once: a second decision is a conflict
    again = _moderate(official, ref, "reject", reason="重复")
    assert again.status_code == 409 and store.public_report(ref).state == "accepted"


def test_accepting_onto_a_stored_facility_adds_to_its_problem(officials, signed_in, tokens):
    files = [("toilets.csv", fixture_bytes("toilets.csv"))]
    stored = upload(officials.test_client(), tokens["yuelu"], files, [("door1.jpg", JPEG)])
    assert stored.status_code == 201, stored.json
    store = officials.extensions["a11y"].stores.get()
    facilities = [s for s in store.subjects(area="430104") if s.key.startswith("facility:accessible-toilets:")]
    target = facilities[0]
    ref = ref_of(send(officials.test_client(), **good_fields()))
    official = signed_in("yl-official")
    page = official.get(f"/moderation/{ref}").data.decode()
    assert target.key in page
    assert _moderate(official, ref, "accept", check="toilet-grab-bars", subject=target.key).status_code == 200
    report = store.public_report(ref)
    assert report.subject_key == target.key
    assert any(p.check_id == "toilet-grab-bars" for p in store.problems(subject_keys=[target.key]))
    # a facility of another county cannot be chosen
    other = ref_of(send(officials.test_client(), **good_fields()))
    refused = _moderate(official, other, "accept", check=TOILET_CHECK, subject="facility:accessible-toilets:430304:x")
    assert refused.status_code == 422 and store.public_report(other).state == "received"


def test_an_official_rejects_with_a_reason_the_status_page_shows(officials, signed_in):
    ref = ref_of(send(officials.test_client(), **good_fields()))
    official = signed_in("yl-official")
    no_reason = _moderate(official, ref, "reject", reason="  ")
    assert no_reason.status_code == 422 and b'<a href="#reason">' in no_reason.data
    assert _moderate(official, ref, "reject", reason="该处已在整改中").status_code == 200
    status = officials.test_client().get(f"/report/{ref}").data.decode()
    assert "不予受理" in status and "该处已在整改中" in status
    assert "yl-official" not in status  # who decided is not public


def test_an_official_of_another_area_cannot_see_or_act(officials, signed_in):
    ref = ref_of(send(officials.test_client(), **good_fields()))
    other = signed_in("xt-official")
    assert ref.encode() not in other.get("/moderation/?state=all").data
    assert other.get(f"/moderation/{ref}").status_code == 403
    token = csrf_of(other.get("/moderation/").data)
    for action, fields in (("review", {}), ("reject", {"reason": "no"}), ("accept", {"check": TOILET_CHECK})):
        response = other.post(f"/moderation/{ref}/{action}", data={"csrf_token": token, **fields})
        assert response.status_code == 403
    assert officials.extensions["a11y"].stores.get().public_report(ref).state == "received"
    # inspectors and viewers have no queue; anonymous visitors are sent to sign in
    assert signed_in("yuelu").get("/moderation/").status_code == 403
    assert officials.test_client().get("/moderation/").status_code == 302


def test_the_province_check_uses_the_services_configured_region(config, catalog):
    """A service for Guangdong (ServiceConfig.region) takes a report in Guangzhou and refuses one in Changsha."""
    app = create_app(replace(config, region="440000"), catalog)
    try:
        client = app.test_client()
        ref = ref_of(send(client, **good_fields(lat=23.13, lon=113.26)))  # 广州市 越秀区
        stored = app.extensions["a11y"].stores.get().public_report(ref)
        assert stored.area_code.startswith("4401")
        refused = send(client, **good_fields())  # 长沙市 岳麓区: not in this service's province
        assert refused.status_code == 422
        assert "不在本平台负责的省份内" in refused.get_data(as_text=True)
    finally:
        app.extensions["a11y"].stores.close()
