"""Logged-in audits (issue 18 part B) in real Chromium against a portal behind a login on 127.0.0.1: the flow runs
once and its session serves every tab, logout links are never followed, an expired session is renewed and the page
audited again, a failed login is exit 1 naming the step, and the password is in no output, log or store."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.cli import cli
from tests.web.login_site import PASSWORD, USER, LoginSite

# Sessions, logins and the crawl are what these tests are about: two axe rules a page keep them quick. The tests
# of secrets run every check (an axe finding quotes the page's HTML, where a password could hide).
SMOKE = 'only = ["axe-document-title", "axe-image-alt"]'


def config(
    site: LoginSite, *, steps: str | None = None, max_pages: int = 31, extra: str = "", checks: str = SMOKE
) -> str:
    steps = (
        steps
        or """[
  {action = "fill", selector = "#user", value = "${A11Y_TEST_USER}"},
  {action = "fill", selector = "#password", value = "${A11Y_TEST_PASSWORD}"},
  {action = "select", selector = "#role", value = "个人"},
  {action = "check", selector = "#agree"},
  {action = "click", selector = "#submit"},
  {action = "wait", url = "/my/$"},
]"""
    )
    return f"""
[web]
delay = 0
no-sitemap = true
ignore-robots = true
timeout = 10
max-depth = 2
max-pages = {max_pages}
per-template = 100
format = ["json", "junit", "sarif", "md", "html"]
out = "out"
{checks}
{extra}

[[web.sites]]
url = "{site.url("/my/")}"
name = "登录门户"

[web.sites.auth.login]
url = "{site.url("/login")}"
success = {{selector = "#centre"}}
steps = {steps}
"""


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("A11Y_TEST_USER", USER)
    monkeypatch.setenv("A11Y_TEST_PASSWORD", PASSWORD)


@pytest.fixture
def site():
    server = LoginSite()
    yield server
    server.close()


def run(folder: Path, body: str, *args, lang: str = "en"):
    (folder / "a11y-audit.toml").write_text(body.strip() + "\n", encoding="utf-8")
    return CliRunner().invoke(cli, ["--db", str(folder / "a.db"), "--lang", lang, "web", *args], catch_exceptions=False)


def report(folder: Path) -> dict:
    return json.loads((folder / "out" / "a11y-report.json").read_text(encoding="utf-8"))


def pages(folder: Path) -> dict[str, dict]:
    return {p["url"]: p for p in report(folder)["pages"]}


def test_a_30_page_crawl_behind_the_login_stays_logged_in_and_never_requests_logout(
    site, env, tmp_path, chromium_executable, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    result = run(tmp_path, config(site))
    assert result.exit_code in (0, 2), result.output
    audited = pages(tmp_path)
    assert set(audited) == {site.url("/my")} | {site.url(f"/my/{i}.html") for i in range(1, 31)}
    assert report(tmp_path)["errors"] == [], result.output
    assert {p["name"] for p in audited.values()} == {"个人中心"} | {f"我的办件 {i}" for i in range(1, 31)}
    assert site.logins == 1  # the flow ran once; every tab used its session
    assert not [r for r in site.requests if r.startswith(("/logout", "/bye"))]  # 退出 / 注销 never followed
    assert [r for r in site.requests if r.startswith("/login")] == ["/login"]  # only the flow's own visit


def test_an_expired_session_is_renewed_and_the_page_audited_again_not_the_login_page(
    env, tmp_path, chromium_executable, monkeypatch
):
    site = LoginSite(expire_after=5)
    try:
        monkeypatch.chdir(tmp_path)
        result = run(tmp_path, config(site, max_pages=12))
        assert result.exit_code in (0, 2), result.output
        audited = pages(tmp_path)
        assert len(audited) == 12 and all(u.startswith(site.url("/my")) for u in audited)
        assert report(tmp_path)["errors"] == [], result.output
        assert "登录" not in {p["name"] for p in audited.values()}  # each page audited as itself
        assert site.logins >= 3  # 12 pages, 5 per session: renewed at least twice
    finally:
        site.close()


@pytest.mark.parametrize(
    "lang, steps, expected",
    [
        (
            "en",
            '[{action = "fill", selector = "#user", value = "x"}, {action = "click", selector = "#nope", timeout_s = 1}]',
            "step 2 (click #nope): no element matches `#nope` within 1 s",
        ),
        (
            "zh",
            (
                '[{action = "fill", selector = "#user", value = "${A11Y_TEST_USER}"}, {action = "fill", selector = '
                '"#password", value = "wrong"}, {action = "click", selector = "#submit"}]'
            ),
            "第 4 步（success #centre）：10 秒内没有元素匹配 `#centre`",
        ),
    ],
)
def test_a_login_that_fails_is_exit_1_naming_the_step_and_no_page_is_audited(
    site, env, tmp_path, chromium_executable, monkeypatch, lang, steps, expected
):
    monkeypatch.chdir(tmp_path)
    result = run(tmp_path, config(site, steps=steps), lang=lang)
    assert result.exit_code == 1
    assert expected in result.output, result.output
    assert pages(tmp_path) == {}  # never the login page audited in the site's place
    assert not [r for r in site.requests if r.startswith("/my/")]


def test_basic_auth_headers_and_cookies_reach_every_page(tmp_path, chromium_executable, monkeypatch):
    site = LoginSite()
    monkeypatch.setenv("A11Y_TEST_PASSWORD", PASSWORD)
    try:
        monkeypatch.chdir(tmp_path)
        body = f"""
[web]
delay = 0
no-sitemap = true
ignore-robots = true
timeout = 10
max-depth = 0
out = "out"

[[web.sites]]
url = "{site.url("/private/")}"

[web.sites.auth]
basic = {{user = "{USER}", password = "${{A11Y_TEST_PASSWORD}}"}}
headers = {{"X-Audit-Token" = "${{A11Y_TEST_PASSWORD}}"}}
cookies = [{{name = "pref", value = "large-text"}}]
"""
        result = run(tmp_path, body)
        assert result.exit_code in (0, 2), result.output
        (page,) = pages(tmp_path).values()
        assert page["name"] == "内部页面"  # its own title: the server let the browser in
    finally:
        site.close()


def test_the_password_is_in_no_output_log_screenshot_name_or_store(
    site, env, tmp_path, chromium_executable, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    body = config(site, max_pages=4, extra='screenshots = "shots"', checks="")
    result = run(tmp_path, body, "--no-builtins")
    assert result.exit_code in (0, 2), result.output
    assert len(pages(tmp_path)) == 4
    failed = run(
        tmp_path, config(site, steps=f'[{{action = "fill", selector = "#nope", value = "{PASSWORD}", timeout_s = 1}}]')
    )
    assert failed.exit_code == 1
    secret = PASSWORD.encode()
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "a11y-audit.toml"]
    assert any(p.suffix == ".db" for p in files) and any(p.suffix == ".sarif" for p in files)
    for path in files:
        assert secret not in path.read_bytes(), path
        assert PASSWORD not in path.name
    for output in (result.output, failed.output):
        assert PASSWORD not in output


def test_resume_of_a_logged_in_round_logs_in_again_and_refuses_without_the_auth(
    env, tmp_path, chromium_executable, monkeypatch
):
    """Secrets are never recorded: a killed logged-in round resumes with the config's auth, never logged out."""
    site = LoginSite()
    try:
        (tmp_path / "a11y-audit.toml").write_text(config(site, max_pages=12).replace("delay = 0", "delay = 1"))
        command = [sys.executable, "-m", "audit", "--db", str(tmp_path / "a.db"), "--lang", "en", "web"]
        process = subprocess.Popen(
            [*command, "--concurrency", "1"], cwd=str(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and len([r for r in site.requests if r.startswith("/my")]) < 3:
                time.sleep(0.2)
        finally:
            process.kill()
            process.wait()
        assert site.logins == 1
        config_text = (tmp_path / "a11y-audit.toml").read_text()
        (tmp_path / "a11y-audit.toml").write_text(config_text.split("[web.sites.auth.login]")[0])
        refused = subprocess.run(
            [*command, "--resume"], check=False, cwd=str(tmp_path), capture_output=True, text=True, timeout=60
        )
        assert refused.returncode == 1 and "was audited logged in" in refused.stderr, refused.stderr
        (tmp_path / "a11y-audit.toml").write_text(config_text)
        resumed = subprocess.run(
            [*command, "--resume", "--delay", "0"],
            check=False,
            cwd=str(tmp_path),
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert resumed.returncode in (0, 2), resumed.stderr
        assert site.logins == 2  # logged in again for the rest of the round
        audited = pages(tmp_path)
        assert len(audited) == 12 and "登录" not in {p["name"] for p in audited.values()}
        assert report(tmp_path)["errors"] == []
    finally:
        site.close()
