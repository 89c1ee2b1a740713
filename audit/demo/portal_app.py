"""The sample portals' online service hall (网上办事大厅): a login with a server-side session cookie, a personal
centre only reachable logged in, a logout link that ends the session, and a two-step application form validated on
the server, whose error state is as accessible as the round's fixes make it (sites.yaml `fixed`)."""

from __future__ import annotations

import hmac
import json
import os
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape

from audit.demo.hall_form import SERVICE, STEPS, errors_of

# The demo account of every sample portal: public (samples/portal/README.md), so it is no secret. The audit is
# given the password through this environment variable, as a real portal's would be.
DEMO_USER = "zhangsan"
DEMO_PASSWORD = "Hall-demo-2025"
PASSWORD_ENV = "A11Y_DEMO_PASSWORD"
COOKIE = "HALLSESSION"
ROUND_FILE = ".round.json"  # the round's site and fixes, written next to the pages by render_portal
MAX_BODY = 64 * 1024
MAX_SESSIONS = 1000
FORM = "/hall/apply/gtgsh/"
SEEDED = (
    {"no": "ZX20250312000418", "service": "残疾人两项补贴申领", "date": "2025-03-12", "status": "已办结"},
    {"no": "GT20250618000233", "service": SERVICE, "date": "2025-06-18", "status": "审核中"},
)


@dataclass
class Session:
    user: str
    applications: list[dict[str, str]] = field(default_factory=lambda: [dict(a) for a in SEEDED])
    draft: dict[int, dict[str, str]] = field(default_factory=dict)  # step -> the values that passed
    submitted: str | None = None  # the number of the application just submitted


class Hall:
    """The sessions of one portal's hall, in memory: a server keeps them across rounds, like a real one."""

    def __init__(self) -> None:
        self.sessions: dict[str, Session] = {}
        self.lock = threading.Lock()
        self.counter = 0

    def open(self, user: str) -> str:
        token = secrets.token_urlsafe(24)
        with self.lock:
            while len(self.sessions) >= MAX_SESSIONS:  # the oldest goes first
                self.sessions.pop(next(iter(self.sessions)))
            self.sessions[token] = Session(user)
        return token

    def close(self, token: str | None) -> None:
        with self.lock:
            self.sessions.pop(token or "", None)

    def number(self) -> str:
        with self.lock:
            self.counter += 1
            return f"GT{date.today():%Y%m%d}{self.counter:06d}"


@dataclass
class Reply:
    status: int
    body: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    token: str | None


def is_hall(path: str) -> bool:
    return path == "/hall" or path.startswith("/hall/")


def request(method: str, target: str, cookie_header: str, body: bytes) -> Request:
    """A request as the hall reads it: path, query, form (first value of each name) and the session cookie."""
    parts = urlsplit(target)
    form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)) if method == "POST" else {}
    cookies = SimpleCookie()
    try:
        cookies.load(cookie_header or "")
    except CookieError:
        cookies = SimpleCookie()
    token = cookies[COOKIE].value if COOKIE in cookies else None
    return Request(method, parts.path, dict(parse_qsl(parts.query)), form, token)


def reply(hall: Hall, root: Path, req: Request) -> Reply:
    """Route one request of the hall; every page is rendered with autoescaping, never from what was sent."""
    page = _Pages(root)
    session = hall.sessions.get(req.token or "")
    path = req.path.rstrip("/") or "/"
    if path == "/hall":
        return page.render("hall/index.html.j2", session=session)
    if path == "/hall/login":
        return _login(hall, page, req, session)
    if path == "/hall/logout":
        hall.close(req.token)
        return Reply(303, headers=[("Location", "/hall/login"), ("Set-Cookie", f"{COOKIE}=; Path=/; Max-Age=0")])
    if session is None:  # everything else is the personal centre's: only logged in
        return Reply(302, headers=[("Location", "/hall/login?next=" + quote(req.path))])
    if path == "/hall/my":
        return page.render("hall/centre.html.j2", session=session)
    if path == "/hall/my/profile":
        return page.render("hall/profile.html.j2", session=session)
    if match := re.fullmatch(r"/hall/my/apps/(\w+)", path):
        found = [a for a in session.applications if a["no"] == match.group(1)]
        return page.render("hall/application.html.j2", session=session, app=found[0]) if found else page.missing()
    if path.startswith(FORM.rstrip("/")):
        return _form(hall, page, req, session, path.removeprefix(FORM))
    return page.missing()


def _login(hall: Hall, page: _Pages, req: Request, session: Session | None) -> Reply:
    target = req.form.get("next") or req.query.get("next") or ""
    target = target if is_hall(target) and not target.startswith("//") else "/hall/my/"
    if req.method != "POST":
        if session is not None:
            return Reply(303, headers=[("Location", target)])
        return page.render("hall/login.html.j2", next=target, username="", error=None)
    username, password = req.form.get("username", ""), req.form.get("password", "")
    if hmac.compare_digest(username.encode(), DEMO_USER.encode()) & hmac.compare_digest(
        password.encode(), DEMO_PASSWORD.encode()
    ):
        token = hall.open(username)
        cookie = f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax"
        return Reply(303, headers=[("Location", target), ("Set-Cookie", cookie)])
    error = "请输入用户名和密码" if not username or not password else "用户名或密码错误"
    return page.render("hall/login.html.j2", next=target, username=username, error=error)


def _form(hall: Hall, page: _Pages, req: Request, session: Session, step: str) -> Reply:
    """step1 -> step2 -> done; a step sent with errors is shown again with them, a later step asked for too early
    goes back to the first step not done."""
    if step == "done":
        if session.submitted is None:
            return Reply(303, headers=[("Location", FORM + "step1")])
        found = next(a for a in session.applications if a["no"] == session.submitted)
        return page.render("hall/done.html.j2", session=session, app=found)
    number = {"step1": 1, "step2": 2}.get(step)
    if number is None:
        return page.missing()
    if number == 2 and 1 not in session.draft:
        return Reply(303, headers=[("Location", FORM + "step1")])
    if req.method != "POST":
        return page.render_step(number, session, session.draft.get(number, {}), {})
    values = {f.name: req.form.get(f.name, "").strip() for f in STEPS[number][1]}
    errors = errors_of(number, values)
    if errors:
        return page.render_step(number, session, values, errors)
    session.draft[number] = values
    if number == 1:
        return Reply(303, headers=[("Location", FORM + "step2")])
    application = {"no": hall.number(), "service": SERVICE, "date": f"{date.today():%Y-%m-%d}", "status": "已提交"}
    application.update({k: v for d in session.draft.values() for k, v in d.items()})
    session.applications.insert(0, application)
    session.submitted, session.draft = application["no"], {}
    return Reply(303, headers=[("Location", FORM + "done")])


class _Pages:
    """Renders the hall's templates with the round's site and fixes (read from the rendered portal's folder)."""

    def __init__(self, root: Path):
        self.root = root

    def render(self, template: str, status: int = 200, **values: Any) -> Reply:
        state = json.loads((self.root / ROUND_FILE).read_text(encoding="utf-8"))
        context = {"site": state["site"], "fixed": set(state["fixed"])}
        html = _env(state["templates"]).get_template(template).render(**context, **values)
        return Reply(status, html, [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")])

    def render_step(self, number: int, session: Session, values: dict[str, str], errors: dict[str, str]) -> Reply:
        title, fields = STEPS[number]
        return self.render(
            "hall/form.html.j2", session=session, service=SERVICE, step=number, steps=len(STEPS), title=title, fields=fields,
            values=values, errors=errors, action=f"{FORM}step{number}",
        )  # fmt: skip

    def missing(self) -> Reply:
        return self.render("hall/missing.html.j2", status=404, session=None)


@lru_cache(maxsize=4)
def _env(folder: str) -> Environment:
    return Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(["j2"]))


def url_variable(site_id: str) -> str:
    """The environment variable naming where a sample portal is served (samples/portal/a11y-audit.toml)."""
    return f"A11Y_DEMO_{site_id.upper()}_URL"


@contextmanager
def audit_environment(bases: dict[str, str]) -> Iterator[None]:
    """The variables the committed config reads (each portal's URL by its site id, the demo account's password),
    set while the audit runs and put back as they were after it."""
    values = {url_variable(site_id): base for site_id, base in bases.items()} | {PASSWORD_ENV: DEMO_PASSWORD}
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
