"""A small portal behind a login, served on 127.0.0.1 for the logged-in audit tests: a login form, a personal
centre with 30 pages, a logout link (退出) that ends the session, pages that send a visitor without a live session
cookie to /login, sessions that may expire after N pages, and a page behind basic auth, a header and a cookie."""

from __future__ import annotations

import base64
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

USER, PASSWORD = "inspector", "pw7f3a9cQzSecret"
PAGES = 30
HEAD = '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head><body>'
LOGIN_FORM = """<main><h1>登录</h1>{error}<form method="post" action="/login">
<label for="user">用户名</label><input id="user" name="user" autocomplete="username">
<label for="password">密码</label><input id="password" name="password" type="password" autocomplete="current-password">
<label for="role">身份</label><select id="role" name="role"><option value="p">个人</option><option value="c">法人</option></select>
<input type="checkbox" id="agree" name="agree" value="1"><label for="agree">同意服务条款</label>
<button id="submit" type="submit">登录</button></form></main>"""


class LoginSite:
    """The server and what it saw: every path asked for, the logins, the sessions alive."""

    def __init__(self, expire_after: int | None = None):
        self.expire_after = expire_after  # pages a session serves before it expires (None: never)
        self.requests: list[str] = []
        self.logins = 0
        self.sessions: dict[str, int] = {}  # token -> pages served
        self.lock = threading.Lock()
        site = self

        class Handler(_Handler):
            owner = site

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str = "") -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/{path.lstrip('/')}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    owner: LoginSite

    def log_message(self, format, *args):
        pass

    def _send(self, status: int, body: str = "", headers: dict | None = None) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _page(self, title: str, body: str) -> None:
        self._send(200, HEAD.format(title=title) + body + "</body></html>")

    def _token(self) -> str | None:
        for part in self.headers.get("Cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == "sid":
                return value
        return None

    def _live_session(self) -> bool:
        """Counts the page against the session; False when there is none or it has expired."""
        site, token = self.owner, self._token()
        with site.lock:
            if token not in site.sessions:
                return False
            if site.expire_after is not None and site.sessions[token] >= site.expire_after:
                del site.sessions[token]
                return False
            site.sessions[token] += 1
            return True

    def do_GET(self):
        path = self.path.split("?")[0]
        self.owner.requests.append(self.path)
        if path == "/robots.txt":
            return self._send(404)
        if path == "/login":
            return self._page("登录", LOGIN_FORM.format(error=""))
        if path in ("/logout", "/bye"):
            with self.owner.lock:
                self.owner.sessions.pop(self._token() or "", None)
            return self._send(302, headers={"Location": "/login"})
        if path.rstrip("/") == "/private":
            return self._private()
        if path == "/my" or path.startswith("/my/"):
            if not self._live_session():
                return self._send(302, headers={"Location": "/login?from=" + path})
            return self._centre(path)
        return self._send(404, "not found")

    def do_POST(self):
        self.owner.requests.append("POST " + self.path)
        length = int(self.headers.get("Content-Length", "0"))
        form = parse_qs(self.rfile.read(length).decode("utf-8"))
        if form.get("user") == [USER] and form.get("password") == [PASSWORD] and form.get("agree") == ["1"]:
            token = secrets.token_hex(8)
            with self.owner.lock:
                self.owner.sessions[token] = 0
                self.owner.logins += 1
            return self._send(302, headers={"Location": "/my/", "Set-Cookie": f"sid={token}; Path=/; HttpOnly"})
        return self._page("登录", LOGIN_FORM.format(error='<p role="alert">用户名或密码错误</p>'))

    def _centre(self, path: str) -> None:
        number = path.removeprefix("/my").strip("/").removesuffix(".html")
        title = "个人中心" if not number else f"我的办件 {number}"
        links = "".join(f'<li><a href="/my/{i}.html">我的办件 {i}</a></li>' for i in range(1, PAGES + 1))
        self._page(
            title,
            f'<header><a href="/logout">退出</a> <a href="/bye?x=1">注销账号</a></header>'
            f'<main><h1 id="centre">{title}</h1><ul>{links}</ul></main>',
        )

    def _private(self) -> None:
        expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        cookie_ok = "pref=large-text" in self.headers.get("Cookie", "")
        if self.headers.get("Authorization") != expected:
            return self._send(401, headers={"WWW-Authenticate": 'Basic realm="portal"'})
        if self.headers.get("X-Audit-Token") != PASSWORD or not cookie_ok:
            return self._send(403, "forbidden")
        self._page("内部页面", "<main><h1>内部页面</h1><p>仅限登录用户。</p></main>")
