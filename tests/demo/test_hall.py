"""The sample portals' service hall over real HTTP on 127.0.0.1: login with a server-side HttpOnly session, the
personal centre only logged in, logout that ends the session, and the two-step form's server-side validation whose
error state is inaccessible in round 1 and tied to its fields in round 2 (sites.yaml `form-errors`, `form-values`)."""

from __future__ import annotations

import http.client
import re
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import pytest

from audit.demo.hall_form import valid_credit_code, valid_id_number
from audit.demo.portal import portal_server, portals, render_portal
from audit.demo.portal_app import DEMO_PASSWORD, DEMO_USER

GOOD_STEP1 = {"operator_name": "张三", "id_number": "430102199003071234", "phone": "13800000000"}
GOOD_STEP2 = {
    "credit_code": "92430102MA4L7Q2K8L",
    "business_name": "张三小吃店",
    "address": "长沙市岳麓区",
    "change": "address",
}


@dataclass
class Answer:
    status: int
    location: str
    cookie: str
    body: str


class Visitor:
    """One browser-less visitor: keeps the hall's session cookie, never follows redirects."""

    def __init__(self, server):
        self.port = urlsplit(server.base).port
        self.cookie: str | None = None

    def call(self, path: str, form: dict | None = None) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = urlencode(form).encode() if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request("POST" if body is not None else "GET", path, body, headers)
        response = connection.getresponse()
        answer = Answer(
            response.status,
            response.getheader("Location", ""),
            response.getheader("Set-Cookie", ""),
            response.read().decode("utf-8"),
        )
        connection.close()
        if answer.cookie:
            self.cookie = answer.cookie.split(";")[0]
        return answer

    def login(self) -> Answer:
        return self.call("/hall/login", {"username": DEMO_USER, "password": DEMO_PASSWORD, "next": "/hall/my/"})


def serve(tmp_path, site_id: str, round_index: int):
    site = next(p for p in portals() if p["id"] == site_id)
    return portal_server(render_portal(tmp_path / site_id, site, site["rounds"][round_index]["fixed"]))


@pytest.fixture
def hunan(tmp_path):
    servers = []

    def start(round_index: int):
        servers.append(serve(tmp_path / str(round_index), "hunan", round_index))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def test_anonymous_requests_to_the_personal_centre_and_the_form_go_to_the_login_page(hunan):
    visitor = Visitor(hunan(0))
    for path in ("/hall/my/", "/hall/my/profile", "/hall/apply/gtgsh/step1", "/hall/apply/gtgsh/step2"):
        answer = visitor.call(path)
        assert (answer.status, answer.location) == (302, "/hall/login?next=" + path), path
    login = visitor.call("/hall/login?next=/hall/my/")
    assert login.status == 200 and 'id="username"' in login.body and 'id="login-submit"' in login.body
    assert visitor.call("/hall/").status == 200  # the hall's front page is public


def test_a_wrong_password_shows_an_error_and_opens_no_session(hunan):
    visitor = Visitor(hunan(0))
    answer = visitor.call("/hall/login", {"username": DEMO_USER, "password": "wrong", "next": "/hall/my/"})
    assert answer.status == 200 and "用户名或密码错误" in answer.body and not answer.cookie
    assert visitor.call("/hall/my/").status == 302


def test_login_sets_an_httponly_session_cookie_and_logout_ends_the_session_on_the_server(hunan):
    visitor = Visitor(hunan(0))
    answer = visitor.login()
    assert (answer.status, answer.location) == (303, "/hall/my/")
    assert re.fullmatch(r"HALLSESSION=[\w-]{20,}; Path=/; HttpOnly; SameSite=Lax", answer.cookie)
    centre = visitor.call("/hall/my/")
    assert centre.status == 200 and 'id="user-centre"' in centre.body and "我的办件" in centre.body
    assert '<a href="/hall/logout" id="logout">安全退出</a>' in centre.body
    assert visitor.call("/hall/login").location == "/hall/my/"  # logged in: the login page sends on
    stolen = visitor.cookie
    assert visitor.call("/hall/logout").location == "/hall/login"
    visitor.cookie = stolen  # the old cookie replayed: the session is gone on the server, not only in the browser
    assert visitor.call("/hall/my/").status == 302


def test_a_login_never_redirects_off_the_hall(hunan):
    visitor = Visitor(hunan(0))
    for target in ("//evil.example/", "http://evil.example/", "/news/"):
        answer = visitor.call("/hall/login", {"username": DEMO_USER, "password": DEMO_PASSWORD, "next": target})
        assert answer.location == "/hall/my/", target


def test_round_1_error_state_is_red_text_tied_to_nothing_with_the_values_cleared(hunan):
    visitor = Visitor(hunan(0))
    visitor.login()
    empty = visitor.call("/hall/apply/gtgsh/step1", {"operator_name": "", "id_number": "", "phone": ""})
    assert empty.status == 200
    assert {"请填写经营者姓名", "请填写身份证号码", "请填写手机号码"} <= set(re.findall(r"<p>([^<]+)</p>", empty.body))
    invalid = visitor.call(
        "/hall/apply/gtgsh/step1", {**GOOD_STEP1, "id_number": "430102199003071235", "phone": "12345"}
    )
    assert "身份证号码不正确" in invalid.body and "手机号码不正确" in invalid.body
    assert "aria-invalid" not in invalid.body and "aria-describedby" not in invalid.body
    assert 'role="alert"' not in invalid.body and 'id="error-summary"' not in invalid.body
    assert 'value="张三"' not in invalid.body  # what was typed is gone
    assert visitor.call("/hall/apply/gtgsh/step2").location == "/hall/apply/gtgsh/step1"  # step 1 not passed


def test_round_2_errors_are_tied_to_their_fields_announced_and_the_values_kept(hunan):
    visitor = Visitor(hunan(1))  # Hunan fixes form-errors and form-values in round 2
    visitor.login()
    invalid = visitor.call("/hall/apply/gtgsh/step1", {**GOOD_STEP1, "phone": "12345"}).body
    assert 'id="error-summary" class="error-summary" role="alert" tabindex="-1"' in invalid
    assert 'document.getElementById("error-summary").focus()' in invalid
    (phone,) = re.findall(r'<input id="phone"[^>]*>', invalid)
    assert 'aria-invalid="true"' in phone and 'aria-describedby="phone-error"' in phone and 'value="12345"' in phone
    assert re.search(r'<p id="phone-error" class="field-error">错误：手机号码不正确', invalid)
    (name,) = re.findall(r'<input id="operator_name"[^>]*>', invalid)
    assert 'value="张三"' in name and "aria-invalid" not in name  # the valid field is kept and not marked


def test_changsha_round_2_ties_the_errors_but_still_clears_the_values(tmp_path):
    server = serve(tmp_path, "changsha", 1)
    try:
        visitor = Visitor(server)
        visitor.login()
        body = visitor.call("/hall/apply/gtgsh/step1", {**GOOD_STEP1, "phone": "12345"}).body
    finally:
        server.close()
    assert 'aria-invalid="true"' in body and 'role="alert"' in body and 'value="张三"' not in body


def test_the_two_steps_lead_to_a_confirmation_and_the_application_in_the_personal_centre(hunan):
    visitor = Visitor(hunan(1))
    visitor.login()
    assert visitor.call("/hall/apply/gtgsh/step1", GOOD_STEP1).location == "/hall/apply/gtgsh/step2"
    bad = visitor.call("/hall/apply/gtgsh/step2", {**GOOD_STEP2, "credit_code": "92430102MA4L7Q2K8A", "change": ""})
    assert "统一社会信用代码不正确" in bad.body and "请选择变更事项" in bad.body
    assert visitor.call("/hall/apply/gtgsh/step2", GOOD_STEP2).location == "/hall/apply/gtgsh/done"
    done = visitor.call("/hall/apply/gtgsh/done").body
    (number,) = re.findall(r'<strong id="application-no">(GT\d+)</strong>', done)
    assert f'href="/hall/my/apps/{number}"' in visitor.call("/hall/my/").body
    assert "张三小吃店" in visitor.call(f"/hall/my/apps/{number}").body


def test_what_a_visitor_types_is_escaped_never_run_or_compiled(hunan):
    visitor = Visitor(hunan(1))
    visitor.login()
    body = visitor.call("/hall/apply/gtgsh/step1", {**GOOD_STEP1, "phone": '"><script>alert(1)</script>{{7*7}}'}).body
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;{{7*7}}" in body
    assert "49" not in body


def test_the_rounds_state_file_is_not_served(hunan):
    assert Visitor(hunan(0)).call("/.round.json").status == 404


@pytest.mark.parametrize(
    ("value", "valid"),
    [("430102199003071234", True), ("430102199003071235", False), ("43010219900307123X", False), ("123", False)],
)
def test_resident_id_check_digit(value, valid):
    assert valid_id_number(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [("92430102MA4L7Q2K8L", True), ("92430102MA4L7Q2K8A", False), ("92430102MA4L7Q2K8I", False), ("9243", False)],
)
def test_unified_social_credit_code_check_character(value, valid):
    assert valid_credit_code(value) is valid
