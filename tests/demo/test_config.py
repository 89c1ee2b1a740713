"""The committed samples/portal/a11y-audit.toml: valid against the published schema, and it loads with the demo's
variables set (each portal's URL, the demo account's password) into three logged-in sites; without them it is an
error naming the variable, never a crawl of a literal '${...}'."""

from __future__ import annotations

import os
import tomllib

import jsonschema
import pytest

from audit.cli.web_config import ConfigError, config_sites, load, schema
from audit.demo.portal import portals
from audit.demo.portal_app import DEMO_PASSWORD, PASSWORD_ENV, audit_environment, url_variable
from audit.demo.run import PORTAL_CONFIG


def test_the_committed_config_is_valid_against_the_schema():
    jsonschema.Draft202012Validator(schema()).validate(tomllib.loads(PORTAL_CONFIG.read_text(encoding="utf-8")))


def test_it_loads_with_the_demos_variables_into_logged_in_sites_of_the_sample_portals():
    bases = {site["id"]: f"http://127.0.0.1:{8701 + i}/" for i, site in enumerate(portals())}
    with audit_environment(bases):
        sites = config_sites(load(PORTAL_CONFIG), ["desktop"])
        password = [s.value for s in sites[0].settings.auth.login.steps if s.selector == "#password"]
    assert [s.url for s in sites] == list(bases.values())
    assert [s.area_code for s in sites] == [site["code"] for site in portals()]
    assert all(s.settings.auth.login.url == s.url + "hall/login" for s in sites)
    assert password == [DEMO_PASSWORD]


def test_the_variables_are_put_back_after_the_audit(monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "mine")
    monkeypatch.delenv(url_variable("hunan"), raising=False)
    with audit_environment({"hunan": "http://127.0.0.1:1/"}):
        pass
    assert os.environ[PASSWORD_ENV] == "mine" and url_variable("hunan") not in os.environ


def test_without_the_variables_it_is_an_error_naming_them(monkeypatch):
    for site in portals():
        monkeypatch.delenv(url_variable(site["id"]), raising=False)
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    with pytest.raises(ConfigError) as caught:
        load(PORTAL_CONFIG)
    variables = {p.values["variable"] for p in caught.value.problems}  # all of them at once, URLs and secrets
    assert variables == {url_variable(site["id"]) for site in portals()} | {PASSWORD_ENV}
