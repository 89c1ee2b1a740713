"""The `auth` table of a site (issue 18, logged-in audits): schema, ${ENV} expansion only where secrets go, and a
missing variable named with its file and key in Chinese and English."""

import pytest

from audit.catalog import load_catalog
from audit.cli.web_config import ConfigError, config_sites, load

AUTH = """
[[web.sites]]
url = "http://127.0.0.1:9/"

[web.sites.auth]
basic = {user = "inspector", password = "${A11Y_TEST_PW}"}
headers = {"X-Token" = "${A11Y_TEST_PW}-h"}
cookies = [{name = "sid", value = "${A11Y_TEST_PW}"}]

[web.sites.auth.login]
url = "http://127.0.0.1:9/login"
success = {selector = "#centre"}
steps = [
  {action = "fill", selector = "#user", value = "${A11Y_TEST_USER}"},
  {action = "fill", selector = "#password", value = "${A11Y_TEST_PW}"},
  {action = "click", selector = "#submit", timeout_s = 3},
  {action = "goto", url = "/my/"},
]
"""


def write(tmp_path, body):
    path = tmp_path / "a11y-audit.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_secrets_are_expanded_from_the_environment_only_where_secrets_go(tmp_path, monkeypatch):
    monkeypatch.setenv("A11Y_TEST_PW", "s3cret-pw")
    monkeypatch.setenv("A11Y_TEST_USER", "${A11Y_TEST_PW}")  # a value is never expanded twice
    (site,) = config_sites(load(write(tmp_path, AUTH)), ["desktop"])
    auth = site.settings.auth
    assert auth.basic == ("inspector", "s3cret-pw")
    assert auth.headers == (("X-Token", "s3cret-pw-h"),)
    assert auth.cookies[0].value == "s3cret-pw"
    steps = auth.login.steps
    assert [s.value for s in steps[:2]] == ["${A11Y_TEST_PW}", "s3cret-pw"]
    assert steps[2].timeout_s == 3 and steps[3].url == "http://127.0.0.1:9/my/"  # relative to the login page
    assert "s3cret" not in repr(site) and "s3cret" not in repr(auth) and "s3cret" not in str(site.settings.as_record())


def test_a_missing_variable_names_file_key_and_variable_in_both_languages(tmp_path, monkeypatch):
    monkeypatch.delenv("A11Y_TEST_PW", raising=False)
    monkeypatch.setenv("A11Y_TEST_USER", "u")
    path = write(tmp_path, AUTH)
    with pytest.raises(ConfigError) as caught:
        load(path)
    texts = [p.both(load_catalog().messages) for p in caught.value.problems]
    assert len(texts) == 4  # password, header, cookie, step value
    assert f"{path}: web.sites[0].auth.basic.password names the environment variable A11Y_TEST_PW" in texts[0]
    assert "环境变量 A11Y_TEST_PW 未设置" in texts[0]
    assert any("web.sites[0].auth.login.steps[1].value" in t for t in texts)


@pytest.mark.parametrize(
    "step, where, expected",
    [
        ('{action = "fill", selector = "#x"}', "steps[0]", "lacks the required key value"),
        ('{action = "goto"}', "steps[0]", "lacks the required key url"),
        ('{action = "hover", selector = "#x"}', "steps[0].action", "one of goto, fill"),
        ('{action = "wait", url = "("}', "steps[0].url", "a valid regular expression"),
    ],
)
def test_a_bad_step_is_an_error_naming_its_key(tmp_path, step, where, expected):
    body = f"""
[[web.sites]]
url = "http://127.0.0.1:9/"
auth = {{login = {{url = "http://127.0.0.1:9/login", success = {{url = "/my"}}, steps = [{step}]}}}}
"""
    with pytest.raises(ConfigError) as caught:
        load(write(tmp_path, body))
    texts = [p.text(load_catalog().messages, "en") for p in caught.value.problems]
    assert any(f"web.sites[0].auth.login.{where}" in t and expected in t for t in texts), texts


def test_logout_links_default_and_override(tmp_path):
    body = '[[web.sites]]\nurl = "http://127.0.0.1:9/"\n[[web.sites]]\nurl = "http://127.0.0.2:9/"\nlogout-links = ["bye"]\n'
    first, second = config_sites(load(write(tmp_path, body)), ["desktop"])
    assert "退出" in first.settings.logout_links and "注销" in first.settings.logout_links
    assert second.settings.logout_links == ("bye",)
