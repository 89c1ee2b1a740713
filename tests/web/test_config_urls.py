"""${NAME} in a site's URLs (start URL, page rules, login page): a portal whose port is chosen when the audit runs
(the demo, a CI service container) is configured in a committed file; a variable that is not set is an error
naming the file, the key and the variable (zh/en), never a crawl of a literal '${NAME}'."""

import pytest

from audit.catalog import load_catalog
from audit.cli.web_config import ConfigError, config_sites, load

CONFIG = """
[[web.sites]]
url = "${A11Y_TEST_PORTAL}"
name = "门户"

[[web.sites.pages]]
url = "${A11Y_TEST_PORTAL}service/index.html"
wait = {delay = 0.5}

[web.sites.auth.login]
url = "${A11Y_TEST_PORTAL}hall/login"
success = {selector = "#centre"}
steps = [{action = "click", selector = "#submit"}, {action = "goto", url = "my/"}]

[[web.sites]]
url = "http://127.0.0.1:${A11Y_TEST_PORT}/"
"""


def write(tmp_path, body=CONFIG):
    path = tmp_path / "a11y-audit.toml"
    path.write_text(body, encoding="utf-8")
    return path


def problems(path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(path)
    return [p.both(load_catalog().messages) for p in caught.value.problems]


def test_variables_in_site_page_and_login_urls_are_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("A11Y_TEST_PORTAL", "http://127.0.0.1:8765/")
    monkeypatch.setenv("A11Y_TEST_PORT", "8766")
    first, second = config_sites(load(write(tmp_path)), ["desktop"])
    assert first.url == "http://127.0.0.1:8765/" and first.name == "门户"
    assert second.url == "http://127.0.0.1:8766/"
    assert first.settings.pages[0].url == "http://127.0.0.1:8765/service/index.html"
    login = first.settings.auth.login
    assert login.url == "http://127.0.0.1:8765/hall/login"
    assert login.steps[1].url == "http://127.0.0.1:8765/hall/my/"  # a goto is relative to the expanded login page


def test_an_unset_variable_names_file_key_and_variable_in_both_languages(tmp_path, monkeypatch):
    monkeypatch.delenv("A11Y_TEST_PORTAL", raising=False)
    monkeypatch.setenv("A11Y_TEST_PORT", "8766")
    path = write(tmp_path)
    texts = problems(path)
    assert len(texts) == 3  # the site, its page rule and its login page
    assert texts[0] == (
        f"{path}：web.sites[0].url 引用的环境变量 A11Y_TEST_PORTAL 未设置 / "
        f"{path}: web.sites[0].url names the environment variable A11Y_TEST_PORTAL, which is not set"
    )
    assert "web.sites[0].pages[0].url" in texts[1] and "web.sites[0].auth.login.url" in texts[2]


def test_a_value_that_makes_no_url_is_an_error_naming_the_key(tmp_path, monkeypatch):
    monkeypatch.setenv("A11Y_TEST_PORTAL", "127.0.0.1:8765/")  # no scheme
    monkeypatch.setenv("A11Y_TEST_PORT", "8766")
    texts = problems(write(tmp_path))
    assert any('web.sites[0].url = "127.0.0.1:8765/" is invalid; expected a URL starting with http' in t for t in texts)


def test_a_url_neither_http_nor_a_variable_is_refused_by_the_schema(tmp_path):
    (text,) = problems(write(tmp_path, '[[web.sites]]\nurl = "www.example.gov.cn"\n'))
    assert "web.sites[0].url" in text and "${NAME}" in text and "${变量名}" in text


def test_variables_elsewhere_than_urls_and_secrets_stay_literal(tmp_path, monkeypatch):
    monkeypatch.setenv("A11Y_TEST_NAME", "expanded")
    (site,) = config_sites(
        load(write(tmp_path, '[[web.sites]]\nurl = "http://a.test/"\nname = "${A11Y_TEST_NAME}"\n')), ["desktop"]
    )
    assert site.name == "${A11Y_TEST_NAME}"


def test_two_site_tables_on_one_origin_are_refused_naming_both_and_where_the_pages_go(tmp_path, monkeypatch):
    """Merged into one site, the second table's login and flows would be dropped without a word."""
    monkeypatch.setenv("A11Y_TEST_PORTAL", "http://127.0.0.1:8765/")
    monkeypatch.setenv("A11Y_TEST_PORT", "8765")  # the second site is the same portal, written another way
    path = write(tmp_path)
    (text,) = problems(path)
    assert text == (
        f"{path}：web.sites[1] 与 web.sites[0] 是同一网站（http://127.0.0.1:8765），一个网站只能有一个站点表：把它的页面"
        f"（pages 中的 url）、登录和流程写进 web.sites[0] / {path}: web.sites[1] is on the same origin as web.sites[0] "
        "(http://127.0.0.1:8765); one origin is one site table: put its pages (url entries under pages), login and "
        "flows in web.sites[0]"
    )
    mobile = CONFIG.replace(
        'url = "http://127.0.0.1:${A11Y_TEST_PORT}/"', 'url = "http://127.0.0.1:${A11Y_TEST_PORT}/m/"'
    )
    desktop_and_mobile = (
        mobile.replace('name = "门户"', 'name = "门户"\nprofiles = ["desktop"]') + 'profiles = ["mobile"]\n'
    )
    assert len(config_sites(load(write(tmp_path, desktop_and_mobile)), ["desktop"])) == 2  # one profile each: allowed
