"""Named flows (issue 18): after the login, a flow through a two-step form with server-side validation audits its
error state, its second step and an opened dialog as entries of their own (URL + flow + state), scored and compared
between rounds like pages; the error-state and dialog probes pass a good form and fail a bad one; a failing step
is exit 1 naming the flow and the step; secrets are in no output and not in the store. Real Chromium, 127.0.0.1."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.store import open_store
from tests.web.flow_site import NAME, FlowSite
from tests.web.login_site import PASSWORD, USER

LOGIN = """
[web.sites.auth.login]
url = "{login}"
success = {{selector = "#centre"}}
steps = [
  {{action = "fill", selector = "#user", value = "${{A11Y_TEST_USER}}"}},
  {{action = "fill", selector = "#password", value = "${{A11Y_TEST_PASSWORD}}"}},
  {{action = "check", selector = "#agree"}},
  {{action = "click", selector = "#submit"}},
]
"""


def flow(variant: str) -> str:
    """The flow through step 1 (submitted with a bad phone number: its error state), step 2 and its notice."""
    refill = '{action = "fill", selector = "#name", value = "李四"},' if variant != "good" else ""
    return f"""
[[web.sites.flows]]
name = "个体工商户登记 {variant}"
url = "/apply/{variant}/1"
steps = [
  {{action = "fill", selector = "#name", value = "${{A11Y_TEST_NAME}}"}},
  {{action = "fill", selector = "#phone", value = "12345"}},
  {{action = "select", selector = "#kind", value = "餐饮"}},
  {{action = "click", selector = "#next"}},
  {{action = "wait", url = "/submit$", audit = "第一步出错 / step 1 error"}},
  {refill}
  {{action = "fill", selector = "#phone", value = "13800138000"}},
  {{action = "click", selector = "#next"}},
  {{action = "wait", url = "/apply/{variant}/2$", audit = "第二步 / step 2"}},
  {{action = "click", selector = "#open-notice"}},
  {{action = "wait", selector = "#notice", audit = "办事须知 / notice"}},
]
"""


# The flow's states and their probes are what these tests are about; the test of secrets runs every check (an axe
# finding quotes the page's HTML, where a filled-in value could hide).
SMOKE = (
    'only = ["web-error-association", "web-error-announced", "web-values-kept", "web-dialog-focus", '
    '"axe-autocomplete-valid", "axe-label", "axe-document-title"]'
)


def config(site: FlowSite, flows: str, checks: str = SMOKE) -> str:
    return f"""
[web]
{checks}
delay = 0
no-sitemap = true
ignore-robots = true
timeout = 15
max-pages = 1
format = ["json", "junit", "sarif", "md", "html"]
out = "out"

[[web.sites]]
url = "{site.url("/my/")}"
name = "登录门户"
{LOGIN.format(login=site.url("/login"))}
{flows}
"""


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("A11Y_TEST_USER", USER)
    monkeypatch.setenv("A11Y_TEST_PASSWORD", PASSWORD)
    monkeypatch.setenv("A11Y_TEST_NAME", NAME)


@pytest.fixture
def site():
    server = FlowSite()
    yield server
    server.close()


def run(folder: Path, body: str, *args, lang: str = "en"):
    (folder / "a11y-audit.toml").write_text(body.strip() + "\n", encoding="utf-8")
    return CliRunner().invoke(cli, ["--db", str(folder / "a.db"), "--lang", lang, "web", *args], catch_exceptions=False)


def report(folder: Path) -> dict:
    return json.loads((folder / "out" / "a11y-report.json").read_text(encoding="utf-8"))


def states(folder: Path) -> dict[tuple[str, str], dict]:
    return {(p["flow"]["name"], p["flow"]["state"]): p for p in report(folder)["pages"] if p.get("flow")}


def outcomes(folder: Path, key: str) -> dict[str, str]:
    """check id -> outcome of one entry in the latest round, read through the Store interface."""
    store = open_store(folder / "a.db")
    try:
        round_ = store.latest_round("web")
        return {f.check_id: f.outcome.value for f in store.findings(round_.id) if f.subject_key == key}
    finally:
        store.close()


PROBES = ("web-error-association", "web-error-announced", "web-values-kept")


def test_a_flow_audits_the_error_state_step_2_and_the_dialog_good_passes_bad_fails_each_probe(
    site, env, tmp_path, chromium_executable, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    result = run(tmp_path, config(site, flow("good") + flow("bad")))
    assert result.exit_code in (0, 2), result.output
    assert report(tmp_path)["errors"] == [], result.output
    found = states(tmp_path)
    assert set(found) == {
        (f"个体工商户登记 {v}", s)
        for v in ("good", "bad")
        for s in ("第一步出错 / step 1 error", "第二步 / step 2", "办事须知 / notice")
    }
    good_error = found[("个体工商户登记 good", "第一步出错 / step 1 error")]
    assert good_error["url"] == site.url("/apply/good/1/submit")
    assert good_error["key"] == (
        f"page:{site.url('/apply/good/1')}#flow=个体工商户登记 good&state=第一步出错 / step 1 error"
    )
    assert site.submissions == {"good": 2, "bad": 2}  # each flow submitted step 1 twice: the error, then valid
    good = outcomes(tmp_path, good_error["key"])
    bad = outcomes(tmp_path, found[("个体工商户登记 bad", "第一步出错 / step 1 error")]["key"])
    assert {c: good[c] for c in PROBES} == dict.fromkeys(PROBES, "pass")
    assert {c: bad[c] for c in PROBES} == dict.fromkeys(PROBES, "fail")  # F81 red text, focus on submit, cleared
    assert "web-dialog-focus" not in good or good["web-dialog-focus"] == "n/a"
    assert outcomes(tmp_path, found[("个体工商户登记 good", "办事须知 / notice")]["key"])["web-dialog-focus"] == "pass"
    assert outcomes(tmp_path, found[("个体工商户登记 bad", "办事须知 / notice")]["key"])["web-dialog-focus"] == "fail"
    step2 = outcomes(tmp_path, found[("个体工商户登记 good", "第二步 / step 2")]["key"])
    assert step2["web-error-association"] == "n/a" and step2["web-dialog-focus"] == "n/a"  # no error, no dialog
    assert not [k for k in outcomes(tmp_path, f"page:{site.url('/my')}") if k in PROBES]  # crawled pages: none
    failures = {f["check"]: f for f in found[("个体工商户登记 bad", "第一步出错 / step 1 error")]["failures"]}
    assert "F81" in failures["web-error-association"]["evidence"][0]["message"]
    assert "#next" in failures["web-error-announced"]["evidence"][0]["message"]  # focus left on the submit button
    out = tmp_path / "out"
    for name in ("a11y-summary.md", "a11y-report.html", "a11y-junit.xml"):
        assert "个体工商户登记 bad › 第一步出错 / step 1 error" in (out / name).read_text(encoding="utf-8"), name
    sarif = json.loads((out / "a11y.sarif").read_text(encoding="utf-8"))
    flows = {r["properties"].get("flow", {}).get("state") for run_ in sarif["runs"] for r in run_["results"]}
    assert "第一步出错 / step 1 error" in flows


def test_an_alert_only_error_is_not_tied_to_any_field(site, env, tmp_path, chromium_executable, monkeypatch):
    monkeypatch.chdir(tmp_path)
    steps = """
[[web.sites.flows]]
name = "alert"
url = "/apply/alert/1"
steps = [
  {action = "fill", selector = "#phone", value = "12345"},
  {action = "click", selector = "#next"},
  {action = "wait", url = "/submit$", audit = "出错"},
]
"""
    result = run(tmp_path, config(site, steps))
    assert result.exit_code in (0, 2), result.output
    (entry,) = states(tmp_path).values()
    found = outcomes(tmp_path, entry["key"])
    assert found["web-error-association"] == "fail"
    assert found["web-values-kept"] == "fail"  # the alert form is cleared too


@pytest.mark.parametrize(
    "lang, expected",
    [
        (
            "en",
            'the flow "个体工商户登记 good" failed, its state "第二步 / step 2" was not audited: step 4 (click #nope): no element matches `#nope` within 1 s',
        ),
        (
            "zh",
            "流程“个体工商户登记 good”失败，状态“第二步 / step 2”未检测：第 4 步（click #nope）：1 秒内没有元素匹配 `#nope`",
        ),
    ],
)
def test_a_step_that_fails_is_exit_1_naming_the_flow_the_step_and_why(
    site, env, tmp_path, chromium_executable, monkeypatch, lang, expected
):
    monkeypatch.chdir(tmp_path)
    steps = flow("good").replace(
        '{action = "click", selector = "#next"},', '{action = "click", selector = "#nope", timeout_s = 1},', 1
    )
    steps = steps.replace('{action = "wait", url = "/submit$", audit = "第一步出错 / step 1 error"},', "")
    result = run(tmp_path, config(site, steps), lang=lang)
    assert result.exit_code == 1, result.output
    assert expected in result.output, result.output
    assert states(tmp_path) == {}  # never a state audited in place of the one not reached
    assert {e["reason"] for e in report(tmp_path)["errors"]} == {"flow-failed"}
    assert len(report(tmp_path)["errors"]) == 2  # step 2 and the notice: neither silently missing


def test_states_keep_their_keys_across_rounds_and_compare_like_pages_secrets_nowhere(
    site, env, tmp_path, chromium_executable, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    body = config(site, flow("good") + flow("bad"), checks="")
    first = run(tmp_path, body, "--baseline", "baseline.json", "--update-baseline")
    assert first.exit_code in (0, 2), first.output
    keys = {k: p["key"] for k, p in states(tmp_path).items()}
    second = run(tmp_path, body, "--baseline", "baseline.json", "--fail-on", "serious")
    assert second.exit_code == 0, second.output  # every failure of the states is known: nothing new
    again = states(tmp_path)
    assert {k: p["key"] for k, p in again.items()} == keys
    bad_error = again[("个体工商户登记 bad", "第一步出错 / step 1 error")]
    assert bad_error["failures"] and all(f["baseline_state"] == "known" for f in bad_error["failures"])
    # the good form re-renders the name (a secret) into value="..." and fails axe's autocomplete rule on it
    good_error = again[("个体工商户登记 good", "第一步出错 / step 1 error")]
    (autocomplete,) = [f for f in good_error["failures"] if f["check"] == "axe-autocomplete-valid"]
    assert 'value="***"' in autocomplete["evidence"][0]["html"]
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) > 5
    for path in files:
        data = path.read_bytes()
        for secret in (NAME, PASSWORD):
            assert secret.encode() not in data, path


def test_flow_config_problems_name_the_key(tmp_path, monkeypatch):
    """A flow without an audited step, a repeated flow or state name, an unknown step key and an unset secret
    variable are each refused naming the file and the key; flows never reach the round's record but by name."""
    from audit.catalog import Messages, default_root
    from audit.cli.web_config import ConfigError, load, site_settings

    monkeypatch.delenv("A11Y_NOT_SET", raising=False)
    body = """
[[web.sites]]
url = "https://www.example.gov.cn/"

[[web.sites.flows]]
name = "登记"
url = "/a"
steps = [{action = "click", selector = "#go"}]

[[web.sites.flows]]
name = "登记"
url = "/b"
steps = [{action = "click", selector = "#go", audit = "一"}, {action = "wait", selector = "#x", audit = "一", bogus = 1}]
"""
    path = tmp_path / "a11y-audit.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load(path)
    messages = Messages.load(default_root())
    text = "\n".join(p.text(messages, "en") for p in caught.value.problems)
    assert "web.sites[0].flows[0].steps" in text  # no step marked audit
    assert "web.sites[0].flows[1].name" in text  # the flow's name again
    assert "web.sites[0].flows[1].steps[1].audit" in text  # the state's name again
    assert "web.sites[0].flows[1].steps[1].bogus" in text  # unknown key
    path.write_text(
        """
[[web.sites]]
url = "https://www.example.gov.cn/"
[[web.sites.flows]]
name = "登记"
url = "/a"
steps = [{action = "fill", selector = "#id", value = "${A11Y_NOT_SET}", audit = "一"}]
""",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load(path)
    assert "web.sites[0].flows[0].steps[0].value" in caught.value.problems[0].text(messages, "en")
    monkeypatch.setenv("A11Y_NOT_SET", "s3cret-id")
    settings = site_settings(load(path).sites[0])
    (flow,) = settings.flows
    assert flow.url == "https://www.example.gov.cn/a" and flow.states[0][1].audit == "一"
    assert "s3cret-id" not in repr(settings) and "s3cret-id" not in json.dumps(settings.as_record())
    assert settings.as_record()["flows"] == ["登记"]


def test_flows_with_the_selenium_driver_are_refused_with_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    body = """
[web]
driver = "selenium"

[[web.sites]]
url = "http://127.0.0.1:9/"
name = "表单"

[[web.sites.flows]]
name = "登记"
url = "/a"
steps = [{action = "click", selector = "#go", audit = "一"}]
"""
    result = run(tmp_path, body)
    assert result.exit_code == 1
    assert "flows are not supported with --driver selenium yet" in result.output
