"""Logged-in audits with Selenium (issue 18), locally (chromedriver) and through a real Selenium Grid (a hub and two
Chromium nodes on 127.0.0.1): the login flow runs once and each WebDriver session (its own browser) gets a copy of
the session it made, an expired session is renewed and the page audited again, a failed or timed-out step is exit 1
naming it, logout links are never followed, and the password is in no output file nor the database."""

from __future__ import annotations

import shutil

import pytest

from audit.web.drivers import selenium_login
from tests.web.grid import LocalGrid, server_jar
from tests.web.login_site import PASSWORD, USER, LoginSite
from tests.web.test_login import config, pages, report, run

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def grid(tmp_path_factory, chromium_executable):
    """Hub + 2 nodes of 1 Chromium session each, started once for this module and ended by pid."""
    jar = server_jar()
    if jar is None or not shutil.which("java") or not shutil.which("chromedriver"):
        pytest.skip("no Selenium Grid jar, java or chromedriver: run scripts/selenium-grid.sh")
    local = LocalGrid(jar, tmp_path_factory.mktemp("grid"), nodes=2, slots=1)
    try:
        yield local.start()
    finally:
        local.stop()


def _driver(request) -> tuple[str, ...]:
    if request.param == "local":
        return ("--driver", "selenium", "--concurrency", "2")
    grid = request.getfixturevalue("grid")
    grid.wait_idle()
    return ("--driver", "selenium", "--remote-url", grid.url)


# Every behaviour runs through the Grid, the way a province runs it; the session copy differs between a local
# chromedriver and a Grid node (the cookies reach another machine's browser), so the 30-page crawl and a failing
# login also run locally. The rest would repeat the same code path at 10-30 s a test.
@pytest.fixture(params=["local", "grid"])
def driver(request, chromium_executable) -> tuple[str, ...]:
    """The command-line options of each way Selenium runs: local chromedriver, or a Grid."""
    return _driver(request)


@pytest.fixture(params=["grid"])
def grid_driver(request, chromium_executable) -> tuple[str, ...]:
    """Through the Grid only."""
    return _driver(request)


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("A11Y_TEST_USER", USER)
    monkeypatch.setenv("A11Y_TEST_PASSWORD", PASSWORD)


@pytest.fixture
def site():
    server = LoginSite()
    yield server
    server.close()


def test_a_crawl_30_pages_on_the_grid_stays_logged_in_in_every_session_and_never_requests_logout(
    site, env, tmp_path, monkeypatch, driver
):
    monkeypatch.chdir(tmp_path)
    local = "--remote-url" not in driver
    count = 8 if local else 30  # the whole 30 through the Grid; the local copy of the session is the same code
    result = run(tmp_path, config(site, max_pages=count + 1), *driver)
    assert result.exit_code in (0, 2), result.output
    audited = pages(tmp_path)
    crawled = {site.url(f"/my/{i}.html") for i in range(1, 31)}
    assert site.url("/my") in audited and set(audited) - {site.url("/my")} <= crawled and len(audited) == count + 1
    assert report(tmp_path)["errors"] == [], result.output
    names = {f"我的办件 {i}" for i in range(1, 31)}
    assert {p["name"] for p in audited.values()} - {"个人中心"} <= names and len(
        {p["name"] for p in audited.values()}
    ) == count + 1
    assert site.logins == 1  # the flow ran once; every session used a copy of its cookie
    assert len(site.sessions) == 1
    assert not [r for r in site.requests if r.startswith(("/logout", "/bye"))]  # 退出 / 注销 never followed
    assert [r for r in site.requests if r.startswith("/login")] == ["/login"]  # only the flow's own visit


def test_an_expired_session_is_renewed_and_the_page_audited_again(env, tmp_path, monkeypatch, grid_driver):
    driver = grid_driver
    site = LoginSite(expire_after=5)
    try:
        monkeypatch.chdir(tmp_path)
        result = run(tmp_path, config(site, max_pages=12), *driver)
        assert result.exit_code in (0, 2), result.output
        audited = pages(tmp_path)
        assert len(audited) == 12 and all(u.startswith(site.url("/my")) for u in audited)
        assert report(tmp_path)["errors"] == [], result.output
        assert "登录" not in {p["name"] for p in audited.values()}  # each page audited as itself
        assert site.logins >= 3  # 12 pages, 5 per session: renewed at least twice
    finally:
        site.close()


WRONG_PASSWORD = (
    '[{action = "fill", selector = "#user", value = "${A11Y_TEST_USER}"}, {action = "fill", selector = "#password", '
    'value = "wrong"}, {action = "check", selector = "#agree"}, {action = "press", selector = "#password", '
    'key = "Enter"}]'
)
TIMES_OUT = (
    '[{action = "fill", selector = "#user", value = "someone"}, {action = "select", selector = "#role", value = "法人"}, '
    '{action = "wait", selector = "#captcha", state = "visible", timeout_s = 1}]'
)


@pytest.mark.parametrize(
    "driver, lang, steps, expected",
    [
        ("local", "zh", WRONG_PASSWORD, "第 5 步（success #centre）：10 秒内没有元素匹配 `#centre`"),
        ("grid", "en", TIMES_OUT, "step 3 (wait #captcha): no element matches `#captcha` within 1 s"),
    ],
    indirect=["driver"],
)
def test_a_login_that_fails_is_exit_1_naming_the_step(site, env, tmp_path, monkeypatch, driver, lang, steps, expected):
    monkeypatch.chdir(tmp_path)
    result = run(tmp_path, config(site, steps=steps), *driver, lang=lang)
    assert result.exit_code == 1
    assert expected in result.output, result.output
    assert pages(tmp_path) == {}  # never the login page audited in the site's place
    assert not [r for r in site.requests if r.startswith("/my")]


def test_the_password_is_in_no_output_file_nor_the_database(site, env, tmp_path, monkeypatch, grid_driver):
    driver = grid_driver
    monkeypatch.chdir(tmp_path)
    result = run(tmp_path, config(site, max_pages=4, extra='screenshots = "shots"', checks=""), *driver)
    assert result.exit_code in (0, 2), result.output
    assert len(pages(tmp_path)) == 4
    typed = f'[{{action = "fill", selector = "#user", value = "{PASSWORD}"}}, {{action = "click", selector = "#nope", timeout_s = 1}}]'
    failed = run(tmp_path, config(site, steps=typed), *driver)
    assert failed.exit_code == 1 and "#nope" in failed.output
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "a11y-audit.toml"]
    assert {".db", ".sarif", ".json", ".xml", ".html", ".md"} <= {p.suffix for p in files}
    for path in files:
        assert PASSWORD.encode() not in path.read_bytes(), path
        assert PASSWORD not in path.name
    assert PASSWORD not in result.output and PASSWORD not in failed.output


BASIC = """
[web]
delay = 0
no-sitemap = true
ignore-robots = true
timeout = 10
max-depth = 0
out = "out"

[[web.sites]]
url = "{url}"

[web.sites.auth]
basic = {{user = "{user}", password = "${{A11Y_TEST_PASSWORD}}"}}
headers = {{"X-Audit-Token" = "${{A11Y_TEST_PASSWORD}}"}}
cookies = [{{name = "pref", value = "large-text"}}]
"""


def test_basic_auth_headers_and_cookies_reach_the_page(site, env, tmp_path, monkeypatch, grid_driver):
    driver = grid_driver
    monkeypatch.chdir(tmp_path)
    result = run(tmp_path, BASIC.format(url=site.url("/private/"), user=USER), *driver)
    assert result.exit_code in (0, 2), result.output
    (page,) = pages(tmp_path).values()
    assert page["name"] == "内部页面"  # its own title: basic auth, the header and the cookie all reached the server
    assert page["url"] == site.url("/private")  # the credentials answered the challenge, never kept in the URL


def test_headers_without_devtools_are_refused_naming_the_option_and_the_driver(site, env, tmp_path, monkeypatch, grid):
    """A WebDriver that offers no Chromium DevTools protocol (another browser on the Grid): what it cannot send is
    refused, exit 1, in Chinese and English, and no page is requested."""

    def no_devtools(driver, command, params):
        raise selenium_login.Unsupported(command)

    monkeypatch.setattr(selenium_login, "cdp", no_devtools)
    monkeypatch.chdir(tmp_path)
    grid.wait_idle()
    result = run(
        tmp_path,
        BASIC.format(url=site.url("/private/"), user=USER),
        "--driver",
        "selenium",
        "--remote-url",
        grid.url,
        lang="zh",
    )
    assert result.exit_code == 1, result.output
    assert f"配置项 auth.headers 在 --driver selenium --remote-url {grid.url} 下不受支持" in result.output, (
        result.output
    )
    assert not [r for r in site.requests if r.startswith("/private")]
