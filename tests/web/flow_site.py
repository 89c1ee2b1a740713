"""A two-step application form behind the login of login_site, served on 127.0.0.1 for the flow tests, written
from how government service forms fail: /apply/good/ does it right (errors tied to their fields with aria-invalid
and aria-describedby, an error summary in role=alert, values kept, a notice dialog that manages focus);
/apply/bad/ fails each (F81: errors only in red text, not tied; no live region, focus left on the submit button;
the form cleared on error; a notice 'dialog' that takes no focus and ignores Escape). /apply/alert/ shows its
errors only in an alert() box. Step 1 asks a name and an 11-digit phone number; step 2 is a confirmation page."""

from __future__ import annotations

import html
import re
import threading
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs

from tests.web.login_site import LoginSite, _Handler

NAME = "张三QzSecretName"  # given to the flow through ${A11Y_TEST_NAME}: a secret, re-rendered into value="..."

GOOD_FORM = """<main><h1>个体工商户登记 第一步</h1>{summary}
<form method="post" action="/apply/good/1/submit" novalidate>
<p><label for="name">经营者姓名</label>
<input id="name" name="name" autocomplete="name-of-owner" value="{name}"{name_invalid}>{name_error}</p>
<p><label for="phone">手机号码</label>
<input id="phone" name="phone" type="tel" value="{phone}"{phone_invalid}>{phone_error}</p>
<p><label for="kind">经营类型</label><select id="kind" name="kind">{kinds}</select></p>
<button id="next" type="submit">下一步</button></form></main>"""

BAD_FORM = """<main><h1>个体工商户登记 第一步</h1>
<form method="post" action="/apply/bad/1/submit">
<p><label for="name">经营者姓名</label> <input id="name" name="name"> {name_error}</p>
<p><label for="phone">手机号码</label> <input id="phone" name="phone" type="tel"> {phone_error}</p>
<p><label for="kind">经营类型</label><select id="kind" name="kind">{kinds}</select></p>
<button id="next" type="submit" autofocus>下一步</button></form></main>"""

KINDS = ("零售", "餐饮", "服务")

GOOD_STEP2 = """<main><h1>个体工商户登记 第二步：确认</h1><p>请确认以下信息后提交。</p>
<button id="open-notice" type="button">阅读办事须知</button>
<div id="notice" role="dialog" aria-modal="true" aria-labelledby="notice-h" hidden>
<h2 id="notice-h">办事须知</h2><p>请如实填写。</p>
<a href="/apply/good/2#more">了解更多</a> <button id="close-notice" type="button">关闭</button></div>
<script>
const dialog = document.getElementById('notice'), opener = document.getElementById('open-notice');
const stops = () => Array.from(dialog.querySelectorAll('a, button'));
function close() { dialog.hidden = true; opener.focus(); }
opener.addEventListener('click', () => { dialog.hidden = false; stops()[0].focus(); });
document.getElementById('close-notice').addEventListener('click', close);
dialog.addEventListener('keydown', e => {
  if (e.key === 'Escape') { close(); return; }
  if (e.key !== 'Tab') return;
  const all = stops(), first = all[0], last = all[all.length - 1];
  if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
  else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
});
</script></main>"""

BAD_STEP2 = """<main><h1>个体工商户登记 第二步：确认</h1><p>请确认以下信息后提交。</p>
<button id="open-notice" type="button">阅读办事须知</button>
<div id="notice" role="dialog" style="display:none"><h2>办事须知</h2><p>请如实填写。</p>
<a href="/apply/bad/2#more">了解更多</a> <span id="close-notice" onclick="this.parentNode.style.display='none'">X</span></div>
<p><a href="/apply/bad/1">返回修改</a></p>
<script>document.getElementById('open-notice').onclick = () => {
  document.getElementById('notice').style.display = 'block'; };</script></main>"""


class FlowSite(LoginSite):
    """LoginSite plus the application forms; `submissions` counts the step-1 posts per variant."""

    def __init__(self):  # the same server as LoginSite, with the form routes
        self.expire_after = None
        self.requests: list[str] = []
        self.logins = 0
        self.sessions: dict[str, int] = {}
        self.lock = threading.Lock()
        self.submissions: dict[str, int] = {}
        site = self

        class Handler(_FormHandler):
            owner = site

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def _kinds(chosen: str) -> str:
    return "".join(f"<option{' selected' if k == chosen else ''}>{k}</option>" for k in KINDS)


class _FormHandler(_Handler):
    def do_GET(self):
        path = self.path.split("?")[0]
        found = re.fullmatch(r"/apply/(good|bad|alert)/([12])", path)
        if not found:
            return super().do_GET()
        self.owner.requests.append(self.path)
        if not self._live_session():
            return self._send(302, headers={"Location": "/login?from=" + path})
        variant, step = found.groups()
        if step == "2":
            return self._page("第二步", GOOD_STEP2 if variant == "good" else BAD_STEP2)
        return self._form(variant, {}, {})

    def do_POST(self):
        found = re.fullmatch(r"/apply/(good|bad|alert)/1/submit", self.path)
        if not found:
            return super().do_POST()
        self.owner.requests.append("POST " + self.path)
        if not self._live_session():
            return self._send(302, headers={"Location": "/login"})
        variant = found.group(1)
        length = int(self.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode("utf-8")).items()}
        with self.owner.lock:
            self.owner.submissions[variant] = self.owner.submissions.get(variant, 0) + 1
        errors = {}
        if not form.get("name", "").strip():
            errors["name"] = "请填写经营者姓名"
        if not re.fullmatch(r"1\d{10}", form.get("phone", "")):
            errors["phone"] = "手机号码格式不正确，应为 11 位数字"
        if not errors:
            return self._send(303, headers={"Location": f"/apply/{variant}/2"})
        return self._form(variant, form, errors)

    def _form(self, variant: str, values: dict, errors: dict) -> None:
        title = ("错误：" if errors else "") + "个体工商户登记"
        kinds = _kinds(values.get("kind", ""))
        if variant == "good":
            summary = ""
            if errors:
                items = "".join(f'<li><a href="#{k}">{html.escape(v)}</a></li>' for k, v in errors.items())
                summary = (
                    f'<div id="form-errors" role="alert"><h2>请更正以下 {len(errors)} 处错误</h2><ul>{items}</ul></div>'
                )
            fields = {}
            for name in ("name", "phone"):
                error = errors.get(name)
                fields[f"{name}_invalid"] = f' aria-invalid="true" aria-describedby="{name}-error"' if error else ""
                fields[f"{name}_error"] = f'<span id="{name}-error" class="field-error">{error}</span>' if error else ""
            body = GOOD_FORM.format(
                summary=summary,
                name=html.escape(values.get("name", ""), quote=True),
                phone=html.escape(values.get("phone", ""), quote=True),
                kinds=kinds,
                **fields,
            )
            return self._page(title, body)
        if variant == "alert":
            script = f"<script>alert({'; '.join(errors.values())!r});</script>" if errors else ""
            body = BAD_FORM.replace("/apply/bad/", "/apply/alert/").format(
                name_error="", phone_error="", kinds=_kinds("")
            )
            return self._page(title, body + script)
        red = '<span style="color:#d00">{}</span>'
        body = BAD_FORM.format(
            name_error=red.format(errors["name"]) if "name" in errors else "",
            phone_error=red.format(errors["phone"]) if "phone" in errors else "",
            kinds=_kinds(""),  # the form is cleared on error: every value typed is gone
        )
        self._page(title, body)
