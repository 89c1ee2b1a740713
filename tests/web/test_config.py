"""The config file of `a11y-audit web` (issue 18): discovery, flags over the file, errors naming file, key and what
was expected; scope selectors (out of scope listed, never scored), wait conditions and the mobile profile, in real
Chromium against pages served on 127.0.0.1."""

import json
import re
import sqlite3
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.cli.web import command as web_command
from audit.cli.web_config import SCHEMA, load
from audit.cli.web_options import DEFAULTS, WebOptions, command_line_value
from audit.demo.serve import LoopbackServer
from audit.render.ci.data import REPORT_SCHEMA
from tests.web.conftest import SITES, FixtureHandler

DOCS = Path(__file__).resolve().parents[2] / "docs" / "web.md"


class DeviceHandler(FixtureHandler):
    """config/ua.html answers a mobile user agent with the portal's separate mobile page, as many portals do."""

    def do_GET(self):
        if self.path.split("?")[0].endswith("/config/ua.html") and "Mobile" in self.headers.get("User-Agent", ""):
            self.path = self.path.replace("/config/ua.html", "/config/ua-mobile.html")
        super().do_GET()


@pytest.fixture(scope="module")
def server():
    server = LoopbackServer(SITES, DeviceHandler)
    yield server
    server.close()


def toml(text: str) -> str:
    return text.strip() + "\n"


def run(folder: Path, *args, lang="en"):
    """`a11y-audit web` in `folder` (where the config file is found), quick crawl options from the file."""
    return CliRunner().invoke(
        cli, ["--db", str(folder / "a.db"), "--lang", lang, "web", *map(str, args)], catch_exceptions=False
    )


def write_config(folder: Path, body: str, name: str = "a11y-audit.toml") -> Path:
    path = folder / name
    path.write_text(toml(body), encoding="utf-8")
    return path


QUICK_WEB = """
[web]
delay = 0
no-sitemap = true
ignore-robots = true
timeout = 8
max-depth = 0
format = ["json", "md", "sarif"]
out = "out"
"""


def report_of(folder: Path, out: str = "out") -> dict:
    report = json.loads((folder / out / "a11y-report.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))).validate(report)
    return report


def page(report: dict, key_end: str) -> dict:
    (found,) = [p for p in report["pages"] if p["key"].endswith(key_end)]
    return found


def failing_checks(entry: dict) -> dict[str, int]:
    return {f["check"]: f["failed"] for f in entry["failures"]}


# --- discovery and precedence --------------------------------------------------------------------------------


def test_the_config_file_in_the_folder_gives_sites_and_options_and_a_flag_overrides_it(
    server, tmp_path, chromium_executable, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    write_config(tmp_path, QUICK_WEB + f'[[web.sites]]\nurl = "{server.url("config/ua.html")}"\nname = "门户"\n')
    result = run(tmp_path)
    assert result.exit_code == 0, result.output + result.stderr
    assert "a11y-audit.toml" in result.stderr  # it says which file it read
    report = report_of(tmp_path)
    assert [p["url"] for p in report["pages"]] == [server.url("config/ua.html")]
    assert (tmp_path / "out" / "a11y-summary.md").exists()  # format from the file
    # a flag given on the command line wins over the file: only json now, into another folder
    result = run(tmp_path, "--format", "json", "--out", "flagged")
    assert result.exit_code == 0, result.output + result.stderr
    assert sorted(p.name for p in (tmp_path / "flagged").iterdir()) == ["a11y-report.json"]


def test_pyproject_tool_table_is_read_when_there_is_no_a11y_audit_toml(
    server, tmp_path, chromium_executable, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    body = QUICK_WEB.replace("[web]", "[tool.a11y-audit.web]")
    write_config(
        tmp_path,
        '[project]\nname = "portal"\n'
        + body
        + f'[[tool.a11y-audit.web.sites]]\nurl = "{server.url("config/ua.html")}"\n',
        "pyproject.toml",
    )
    result = run(tmp_path)
    assert result.exit_code == 0, result.output + result.stderr
    assert "pyproject.toml" in result.stderr
    assert report_of(tmp_path)["summary"]["pages"] == 1
    # a11y-audit.toml comes first: its bad key is reported, naming that file
    write_config(tmp_path, "[web]\nmax-pagez = 3\n")
    result = run(tmp_path)
    assert result.exit_code == 1 and "a11y-audit.toml" in result.stderr and "web.max-pagez" in result.stderr


def test_a_pyproject_without_the_tool_table_is_no_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_config(tmp_path, '[project]\nname = "x"\n[tool.ruff]\nline-length = 100\n', "pyproject.toml")
    result = run(tmp_path)
    assert result.exit_code == 1
    assert "give at least one URL" in result.stderr and "pyproject" not in result.stderr


# --- errors: file, key, expected, in Chinese and English -------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "where", "en", "zh"),
    [
        ("[web]\nmax-pagez = 3\n", "web.max-pagez", "unknown key", "未知的键"),
        ('[web]\nmax-pages = "ten"\n', "web.max-pages", "expected an integer", "应为整数"),
        ('[web]\nscope = "world"\n', "web.scope", "expected one of host, domain", "以下之一：host, domain"),
        ("[web]\nfail-under = 120\n", "web.fail-under", "at most 100", "不大于 100"),
        ('[web]\nprofiles = ["tablet"]\n', "web.profiles[0]", "one of desktop, mobile", "以下之一：desktop, mobile"),
        ('[[web.sites]]\nname = "x"\n', "web.sites[0]", "lacks the required key url", "缺少必需的键 url"),
        ('[[web.sites]]\nurl = "www.gov.cn"\n', "web.sites[0].url", "starting with http://", "http:// 或 https://"),
        (
            '[[web.sites]]\nurl = "https://a.gov.cn/"\n[web.sites.wait]\nseconds = 2\n',
            "web.sites[0].wait.seconds",
            "unknown key",
            "未知的键",
        ),
        ('[web]\ninclude = ["("]\n', "web.include[0]", "a valid regular expression", "有效的正则表达式"),
        ("[web\n", "", "is not valid TOML", "不是有效的 TOML"),
        ("[webb]\nx = 1\n", "webb", "unknown key", "未知的键"),
    ],
)
def test_a_wrong_key_type_or_value_is_an_error_naming_file_key_and_expected(tmp_path, monkeypatch, body, where, en, zh):
    monkeypatch.chdir(tmp_path)
    path = write_config(tmp_path, body)
    for lang in ("en", "zh"):  # the error is in both languages whatever --lang says
        result = run(tmp_path, "https://example.invalid/", lang=lang)
        assert result.exit_code == 1
        assert str(path) in result.stderr and where in result.stderr
        assert en in result.stderr and zh in result.stderr
    assert not (tmp_path / "a11y-results").exists()  # nothing was audited, nothing written


def test_an_explicit_config_that_does_not_exist_is_an_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(tmp_path, "--config", tmp_path / "missing.toml")
    assert result.exit_code == 1 and "missing.toml" in result.stderr and "does not exist" in result.stderr


# --- one definition of every option ----------------------------------------------------------------------------


def test_every_option_has_one_definition_in_the_object_the_flags_and_the_schema():
    web = json.loads(SCHEMA.read_text(encoding="utf-8"))["$defs"]["web"]["properties"]
    keys = WebOptions.file_keys()
    assert set(keys) == set(web) - {"sites"}  # every file key is an option and every option a file key
    params = {p.name: p for p in web_command.params}
    for name in keys.values():
        param = params[name]  # every option is a flag
        default = getattr(DEFAULTS, name)
        if isinstance(param.default, (int, float, str)) and not param.multiple and not param.is_flag:
            assert command_line_value(name, param.default) == default, name  # help shows the object's default
    assert set(params) == {f for f in WebOptions.__dataclass_fields__}


def test_the_documented_example_is_a_valid_config(tmp_path, monkeypatch):
    """docs/web.md's complete example is parsed by the suite, so it cannot drift from the schema."""
    monkeypatch.setenv("A11Y_USER", "inspector")
    monkeypatch.setenv("A11Y_PASSWORD", "example-secret")
    text = DOCS.read_text(encoding="utf-8")
    (example,) = re.findall(r"<!-- config-example -->\s*```toml\n(.*?)```", text, re.DOTALL)
    path = write_config(tmp_path, example)
    config = load(path)  # raises on any problem
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", text, re.MULTILINE))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))["$defs"]
    every_key = set(schema["web"]["properties"]) | set(schema["site"]["properties"]) | set(schema["page"]["properties"])
    every_key |= set(schema["wait"]["properties"])
    assert every_key <= documented, every_key - documented  # every key has a row in the docs' tables
    assert config.sites and any("pages" in s for s in config.sites)
    from audit.demo.portal import portals
    from audit.demo.portal_app import audit_environment

    with audit_environment({p["id"]: f"http://127.0.0.1:{8701 + i}/" for i, p in enumerate(portals())}):
        load(Path(__file__).resolve().parents[2] / "samples" / "portal" / "a11y-audit.toml")  # the demo's, too


# --- scope selectors -------------------------------------------------------------------------------------------


def test_findings_inside_an_excluded_widget_are_listed_out_of_scope_and_not_scored(
    server, tmp_path, chromium_executable, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    url = server.url("config/widget.html")
    write_config(tmp_path, QUICK_WEB + f'[[web.sites]]\nurl = "{url}"\nexclude-selectors = ["#chat-widget"]\n')
    result = run(tmp_path)
    assert result.exit_code == 0, result.output + result.stderr
    report = report_of(tmp_path)
    entry = page(report, "widget.html")
    failed = failing_checks(entry)
    assert failed.get("axe-image-alt") == 1  # the page's own image; the widget's is not counted
    assert "axe-button-name" not in failed
    outside = {i["check"]: i for i in entry["out_of_scope"]}
    assert outside["axe-button-name"]["region"] == "#chat-widget" and outside["axe-button-name"]["instances"] == 1
    assert outside["axe-image-alt"]["instances"] == 1
    assert outside["axe-button-name"]["evidence"][0]["html"].startswith("<button>")
    assert report["summary"]["out_of_scope"] >= 2 and "excluded regions" in result.output
    # listed in every output: a suppressed SARIF result, a Markdown section
    sarif = json.loads((tmp_path / "out" / "a11y.sarif").read_text(encoding="utf-8"))
    suppressed = [r for r in sarif["runs"][0]["results"] if r.get("suppressions")]
    assert {r["ruleId"] for r in suppressed} >= {"axe-button-name", "axe-image-alt"}
    assert "Out of scope" in (tmp_path / "out" / "a11y-summary.md").read_text(encoding="utf-8")
    # and the stored findings the scores come from know nothing of the widget
    db = sqlite3.connect(tmp_path / "a.db")
    rows = db.execute(
        "select findings.check_id, failed from findings join finding_results on finding_results.id = findings.result_id "
        "where subject_key = ?",
        (f"page:{url}",),
    ).fetchall()
    assert ("axe-image-alt", 1) in rows and not any(c == "axe-button-name" and f for c, f in rows)


def test_without_the_exclusion_the_widget_is_scored(server, tmp_path, chromium_executable, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_config(tmp_path, QUICK_WEB + f'[[web.sites]]\nurl = "{server.url("config/widget.html")}"\n')
    assert run(tmp_path).exit_code == 0
    entry = page(report_of(tmp_path), "widget.html")
    assert failing_checks(entry)["axe-image-alt"] == 2 and "axe-button-name" in failing_checks(entry)
    assert entry["out_of_scope"] == []


def test_an_include_selector_audits_only_that_region(server, tmp_path, chromium_executable, monkeypatch):
    monkeypatch.chdir(tmp_path)
    url = server.url("config/widget.html")
    write_config(
        tmp_path,
        QUICK_WEB + f'[[web.sites]]\nurl = "{url}"\n[[web.sites.pages]]\nurl = "{url}"\ninclude-selectors = ["main"]\n',
    )
    result = run(tmp_path)
    assert result.exit_code == 0, result.output + result.stderr
    entry = page(report_of(tmp_path), "widget.html")
    axe_failures = {k: v for k, v in failing_checks(entry).items() if k.startswith("axe-")}
    assert axe_failures == {"axe-image-alt": 1}  # the probes (elder mode, ...) still judge the whole page
    assert entry["out_of_scope"] == []  # outside the included region is not audited at all (nothing excluded)


def test_an_include_selector_missing_from_the_page_is_an_error_not_a_clean_page(
    server, tmp_path, chromium_executable, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    url = server.url("config/widget.html")
    write_config(tmp_path, QUICK_WEB + f'[[web.sites]]\nurl = "{url}"\ninclude-selectors = ["#no-such-region"]\n')
    result = run(tmp_path)
    assert result.exit_code == 1
    (error,) = report_of(tmp_path)["errors"][:1]
    assert "#no-such-region" in json.dumps(report_of(tmp_path)["errors"]) and error["url"] == url


# --- waits -----------------------------------------------------------------------------------------------------


def test_a_page_that_builds_itself_is_audited_after_its_wait_condition(
    server, tmp_path, chromium_executable, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    url = server.url("config/late.html")
    site = f'[[web.sites]]\nurl = "{url}"\n'
    write_config(tmp_path, QUICK_WEB + site)
    run(tmp_path)
    assert "axe-image-alt" not in failing_checks(page(report_of(tmp_path), "late.html"))  # axe saw an empty page
    write_config(
        tmp_path, QUICK_WEB + site + '[[web.sites.pages]]\npattern = "late\\\\.html$"\nwait = {selector = "#app img"}\n'
    )
    result = run(tmp_path)
    assert result.exit_code == 0, result.output + result.stderr
    entry = page(report_of(tmp_path), "late.html")
    assert failing_checks(entry).get("axe-image-alt") == 1  # the real findings


def test_a_wait_that_is_never_met_fails_the_page(server, tmp_path, chromium_executable, monkeypatch):
    monkeypatch.chdir(tmp_path)
    url = server.url("config/late.html")
    write_config(
        tmp_path,
        QUICK_WEB.replace("timeout = 8", "timeout = 2")
        + f'[[web.sites]]\nurl = "{url}"\nwait = {{selector = "#never"}}\n',
    )
    result = run(tmp_path)
    assert result.exit_code == 1
    errors = report_of(tmp_path)["errors"]
    assert any(e["reason"] == "wait-timeout" and "#never" in e["message"] for e in errors)


# --- profiles --------------------------------------------------------------------------------------------------


def test_a_site_serving_a_mobile_page_gives_two_entries_with_different_findings(
    server, tmp_path, chromium_executable, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    url = server.url("config/ua.html")
    write_config(tmp_path, QUICK_WEB + f'[[web.sites]]\nurl = "{url}"\nprofiles = ["desktop", "mobile"]\n')
    result = run(tmp_path)
    assert result.exit_code == 0, result.output + result.stderr
    report = report_of(tmp_path)
    desktop, mobile = page(report, "ua.html"), page(report, "ua.html#mobile")
    assert desktop["key"] == f"page:{url}" and desktop["profile"] == "desktop"  # desktop keys as before
    assert mobile["key"] == f"page:{url}#mobile" and mobile["profile"] == "mobile"
    assert "axe-image-alt" not in failing_checks(desktop) and failing_checks(mobile)["axe-image-alt"] == 1
    assert "375px touch=true" in mobile["name"]  # 375 CSS px, touch, and the mobile user agent got the mobile page
    assert sorted(s["key"] for s in report["sites"]) == [
        f"site:{server.url()[:-1]}",
        f"site:{server.url()[:-1]}#mobile",
    ]
    assert "[mobile]" in (tmp_path / "out" / "a11y-summary.md").read_text(encoding="utf-8")


def test_the_profile_flag_overrides_the_file(server, tmp_path, chromium_executable, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_config(tmp_path, QUICK_WEB + 'profiles = ["desktop", "mobile"]\n')
    result = run(tmp_path, server.url("config/ua.html"), "--profile", "mobile")
    assert result.exit_code == 0, result.output + result.stderr
    assert [p["profile"] for p in report_of(tmp_path)["pages"]] == ["mobile"]
    result = run(tmp_path, server.url("config/ua.html"), "--profile", "tablet")
    assert result.exit_code == 1 and "tablet" in result.stderr


@pytest.mark.parametrize("scope", ['exclude-selectors = ["#chat-widget"]', 'include-selectors = ["main"]'])
def test_probe_findings_out_of_scope_are_listed_not_scored(server, tmp_path, chromium_executable, monkeypatch, scope):
    """The portal probes are narrowed like axe: the widget's button that hides its focus (focus-visible) is listed out
    of scope, counted and with its evidence, and the page's own focus passes."""
    monkeypatch.chdir(tmp_path)
    url = server.url("config/widget-focus.html")
    write_config(tmp_path, QUICK_WEB + f'[[web.sites]]\nurl = "{url}"\n{scope}\n')
    result = run(tmp_path)
    assert result.exit_code == 0, result.output
    entry = page(report_of(tmp_path), "widget-focus.html")
    assert "web-focus-visible" not in failing_checks(entry)
    (item,) = [i for i in entry["out_of_scope"] if i["check"] == "web-focus-visible"]
    region = "#chat-widget" if "exclude" in scope else ":not(main)"
    assert item["region"] == region and item["instances"] == 1 and item["outcome"] == "fail"
    assert item["evidence"][0]["html"].startswith("<button")


def test_without_scope_the_widget_fails_the_focus_probe(server, tmp_path, chromium_executable, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_config(tmp_path, QUICK_WEB + f'[[web.sites]]\nurl = "{server.url("config/widget-focus.html")}"\n')
    assert run(tmp_path).exit_code == 0
    entry = page(report_of(tmp_path), "widget-focus.html")
    assert failing_checks(entry)["web-focus-visible"] == 1 and entry["out_of_scope"] == []
