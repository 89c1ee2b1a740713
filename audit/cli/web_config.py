"""The config file of `a11y-audit web`: a11y-audit.toml (or [tool.a11y-audit] in pyproject.toml), checked against
its published JSON Schema; every problem names the file, the key and what was expected (zh/en)."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

CONFIG_NAME = "a11y-audit.toml"
PYPROJECT = "pyproject.toml"
SCHEMA = Path(__file__).resolve().parent / "schemas" / "web-config.schema.json"
# Patterns of the schema that have words of their own (any other pattern is quoted as it is).
_URL = "^https?://[^\\s/]+"
_URL_OR_ENV = "^(https?://[^\\s/]+|\\$\\{[A-Za-z_][A-Za-z0-9_]*\\})"
_PATTERN_WORDS = {
    _URL: "web.config.expect.url",
    _URL_OR_ENV: "web.config.expect.url-or-env",
    "^[0-9]{6}$": "web.config.expect.area-code",
}
_TYPE_WORDS = ("integer", "number", "boolean", "string", "array", "object")
# ${NAME}: an environment variable, read only where secrets go (passwords, header and cookie values, step values).
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class ConfigProblem:
    """One problem of a config file: a web.config.* message key, its values, and what was expected."""

    message: str
    values: Mapping[str, Any]
    expected: tuple[str, Mapping[str, Any]] | None = None

    def text(self, messages, lang: str) -> str:
        expected = messages.t(self.expected[0], lang, **self.expected[1]) if self.expected else ""
        return messages.t(self.message, lang, **{**self.values, "expected": expected})

    def both(self, messages) -> str:
        return " / ".join(dict.fromkeys(self.text(messages, lang) for lang in ("zh", "en")))


class ConfigError(Exception):
    def __init__(self, problems: list[ConfigProblem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass(frozen=True)
class WebConfig:
    """The `web` table of a config file: its options (by file key) and its sites (as written)."""

    path: Path
    options: Mapping[str, Any] = field(default_factory=dict)
    sites: tuple[Mapping[str, Any], ...] = ()


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def discover(folder: Path) -> Path | None:
    """a11y-audit.toml in `folder`, else its pyproject.toml when that has a [tool.a11y-audit] table, else None."""
    own = folder / CONFIG_NAME
    if own.is_file():
        return own
    pyproject = folder / PYPROJECT
    if pyproject.is_file():
        try:
            tool = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {})
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
            return pyproject  # load() reports what is wrong with it, naming the file
        if "a11y-audit" in tool:
            return pyproject
    return None


def load(path: Path) -> WebConfig:
    """Read and check a config file; ConfigError lists every problem (not only the first)."""
    file = str(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError([ConfigProblem("web.config.bad-toml", {"file": file, "detail": exc})]) from exc
    except OSError as exc:
        raise ConfigError([ConfigProblem("web.config.unreadable", {"file": file, "detail": exc})]) from exc
    prefix = ""
    if path.name == PYPROJECT:
        document, prefix = document.get("tool", {}).get("a11y-audit", {}), "tool.a11y-audit"
    problems = list(problems_of(document, file, prefix))
    if not problems:  # every variable not set, the URLs' as well as the secrets'
        problems = list(missing_variables(document, file, prefix)) + list(expand_urls(document, file, prefix))
    if not problems:
        problems = list(shared_origins(document, file, prefix))
    if problems:
        raise ConfigError(problems)
    web = dict(document.get("web", {}))
    sites = tuple(web.pop("sites", ()))
    return WebConfig(path, web, sites)


def problems_of(document: Any, file: str, prefix: str = "") -> Iterable[ConfigProblem]:
    """Every schema violation, then the regular expressions that do not compile, in the order of the file."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema())
    for error in sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path]):
        yield from _problems(error, file, prefix)
    web = document.get("web", {}) if isinstance(document, dict) else {}
    if not isinstance(web, dict):
        return
    regexes = [(("web", k, i), v) for k in ("include", "exclude") for i, v in enumerate(_list(web.get(k)))]
    for s, site in enumerate(_list(web.get("sites"))):
        for p, page in enumerate(_list(site.get("pages") if isinstance(site, dict) else None)):
            if isinstance(page, dict) and "pattern" in page:
                regexes.append((("web", "sites", s, "pages", p, "pattern"), page["pattern"]))
        if isinstance(site, dict):
            regexes += [
                (("web", "sites", s, "logout-links", i), v) for i, v in enumerate(_list(site.get("logout-links")))
            ]
            login = (site.get("auth") or {}).get("login") if isinstance(site.get("auth"), dict) else None
            if isinstance(login, dict):
                if isinstance(login.get("success"), dict) and "url" in login["success"]:
                    regexes.append((("web", "sites", s, "auth", "login", "success", "url"), login["success"]["url"]))
                for i, step in enumerate(_list(login.get("steps"))):
                    if isinstance(step, dict) and step.get("action") == "wait" and "url" in step:
                        regexes.append((("web", "sites", s, "auth", "login", "steps", i, "url"), step["url"]))
            yield from _flow_problems(site, s, file, prefix)
            for f, flow in enumerate(_list(site.get("flows"))):
                for i, step in enumerate(_list(flow.get("steps") if isinstance(flow, dict) else None)):
                    if isinstance(step, dict) and step.get("action") == "wait" and "url" in step:
                        regexes.append((("web", "sites", s, "flows", f, "steps", i, "url"), step["url"]))
    for path, value in regexes:
        if isinstance(value, str):
            try:
                re.compile(value)
            except re.error as exc:
                yield _bad(file, key_path(path, prefix), value, "web.config.expect.regex", detail=exc)


def _flow_problems(site: Mapping[str, Any], s: int, file: str, prefix: str) -> Iterable[ConfigProblem]:
    """A flow's name is unique within its site, a state's within its flow: together they key the state's entry."""
    names: set = set()
    for f, flow in enumerate(_list(site.get("flows"))):
        if not isinstance(flow, dict):
            continue
        if flow.get("name") in names:
            yield _bad(
                file,
                key_path(("web", "sites", s, "flows", f, "name"), prefix),
                flow["name"],
                "web.config.expect.unique",
            )
        names.add(flow.get("name"))
        states: set = set()
        for i, step in enumerate(_list(flow.get("steps"))):
            if isinstance(step, dict) and isinstance(step.get("audit"), str):
                if step["audit"] in states:
                    where = key_path(("web", "sites", s, "flows", f, "steps", i, "audit"), prefix)
                    yield _bad(file, where, step["audit"], "web.config.expect.unique")
                states.add(step["audit"])


def secret_places(site: Mapping[str, Any]) -> Iterable[tuple[tuple, Any]]:
    """(key path within the site, value) of every value where ${NAME} is expanded."""
    auth = site.get("auth") or {}
    if "basic" in auth:
        yield ("auth", "basic", "password"), auth["basic"].get("password")
    for name, value in (auth.get("headers") or {}).items():
        yield ("auth", "headers", name), value
    for i, cookie in enumerate(auth.get("cookies") or ()):
        yield ("auth", "cookies", i, "value"), cookie.get("value")
    for i, step in enumerate((auth.get("login") or {}).get("steps") or ()):
        if "value" in step:
            yield ("auth", "login", "steps", i, "value"), step["value"]
    for f, flow in enumerate(site.get("flows") or ()):
        for i, step in enumerate(flow.get("steps") or ()):
            if "value" in step:
                yield ("flows", f, "steps", i, "value"), step["value"]


def missing_variables(document: Mapping[str, Any], file: str, prefix: str = "") -> Iterable[ConfigProblem]:
    """Every ${NAME} of a secret whose environment variable is not set, naming the file, the key and the name."""
    import os

    for s, site in enumerate(document.get("web", {}).get("sites", ())):
        for path, value in secret_places(site):
            for name in _ENV.findall(value or ""):
                if name not in os.environ:
                    where = key_path(("web", "sites", s, *path), prefix)
                    yield ConfigProblem("web.config.missing-env", {"file": file, "where": where, "variable": name})


def expand(value: str | None) -> str | None:
    """${NAME} replaced by the environment's value (load() has checked every name is set)."""
    import os

    return _ENV.sub(lambda m: os.environ[m.group(1)], value) if value is not None else None


def url_places(site: Mapping[str, Any]) -> Iterable[tuple[tuple, Mapping[str, Any], str]]:
    """(key path within the site, the table holding it, its key) of every URL where ${NAME} is expanded: the
    site's start URL, its pages' URLs and its login page (whose origin may be chosen when the audit runs)."""
    yield ("url",), site, "url"
    for p, page in enumerate(site.get("pages") or ()):
        if "url" in page:
            yield ("pages", p, "url"), page, "url"
    login = (site.get("auth") or {}).get("login")
    if login:
        yield ("auth", "login", "url"), login, "url"


def expand_urls(document: dict[str, Any], file: str, prefix: str = "") -> Iterable[ConfigProblem]:
    """Replace ${NAME} in the sites' URLs by the environment's value, in place; a variable that is not set, or a
    value that does not make a URL, is a problem naming the file, the key and the variable."""
    import os

    for s, site in enumerate(document.get("web", {}).get("sites", ())):
        for path, table, key in url_places(site):
            where = key_path(("web", "sites", s, *path), prefix)
            missing = [name for name in _ENV.findall(table[key]) if name not in os.environ]
            for name in missing:
                yield ConfigProblem("web.config.missing-env", {"file": file, "where": where, "variable": name})
            if missing or not _ENV.search(table[key]):
                continue
            table[key] = expand(table[key])
            if not re.match(_URL, table[key]):
                yield _bad(file, where, table[key], "web.config.expect.url")


def shared_origins(document: Mapping[str, Any], file: str, prefix: str = "") -> Iterable[ConfigProblem]:
    """Two site tables on one origin (and one browser profile) would be one site with one session, and one of
    them would lose its login, flows and settings: a problem naming both, saying where the pages go instead."""
    from audit.web.urls import normalise, origin

    seen: list[tuple[str, set[str], int]] = []  # origin, its profiles (empty: the run's), index
    for s, site in enumerate(document.get("web", {}).get("sites", ())):
        home, profiles = origin(normalise(site["url"]) or site["url"]), set(site.get("profiles") or ())
        for other_home, other_profiles, first in seen:
            if home == other_home and (not profiles or not other_profiles or profiles & other_profiles):
                where, other = key_path(("web", "sites", s), prefix), key_path(("web", "sites", first), prefix)
                values = {"file": file, "where": where, "first": other, "origin": home}
                yield ConfigProblem("web.config.same-origin", values)
                break
        seen.append((home, profiles, s))


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def key_path(path: Iterable[Any], prefix: str = "") -> str:
    """web.sites[0].wait.delay: how the file's reader finds the key."""
    text = prefix
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def _bad(file: str, key: str, value: Any, expect: str, **values: Any) -> ConfigProblem:
    return ConfigProblem("web.config.bad-value", {"file": file, "where": key, "value": _shown(value)}, (expect, values))


def _problems(error, file: str, prefix: str) -> Iterable[ConfigProblem]:
    """One jsonschema error in the reader's terms: the key path, and what that key expects."""
    key = key_path(error.absolute_path, prefix)
    kind, limit, instance = error.validator, error.validator_value, error.instance
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        for extra in sorted(set(instance) - set(allowed)):
            yield ConfigProblem(
                "web.config.unknown-key",
                {"file": file, "where": key_path([*error.absolute_path, extra], prefix), "allowed": ", ".join(allowed)},
            )
    elif kind == "required":
        for missing in [k for k in limit if k not in instance]:
            yield ConfigProblem("web.config.missing-key", {"file": file, "where": key, "missing": missing})
    elif kind == "type":
        names = [limit] if isinstance(limit, str) else list(limit)
        yield _bad(file, key, instance, f"web.config.expect.{names[0] if names[0] in _TYPE_WORDS else 'string'}")
    elif kind == "enum":
        yield _bad(file, key, instance, "web.config.expect.enum", values=", ".join(str(v) for v in limit))
    elif kind in ("minimum", "maximum", "exclusiveMinimum", "minItems"):
        words = {"exclusiveMinimum": "above", "minItems": "min-items"}
        yield _bad(file, key, instance, f"web.config.expect.{words.get(kind, kind)}", limit=limit)
    elif kind == "pattern":
        yield _bad(file, key, instance, _PATTERN_WORDS.get(limit, "web.config.expect.pattern"), pattern=limit)
    elif kind == "minLength":
        yield _bad(file, key, instance, "web.config.expect.non-empty")
    elif kind == "uniqueItems":
        yield _bad(file, key, instance, "web.config.expect.unique")
    elif kind == "oneOf":
        yield _bad(file, key, instance, "web.config.expect.url-or-pattern")
    else:  # a rule of the schema without words of its own: jsonschema's English
        yield _bad(file, key, instance, "web.config.expect.schema", detail=error.message)


def config_sites(config: WebConfig, default_profiles: Iterable[str]) -> list:
    """The file's sites as Sites, one per profile (its own `profiles`, else the run's), with their settings."""
    from audit.web.auditor import Site

    sites = []
    for entry in config.sites:
        settings = site_settings(entry)
        for profile in entry.get("profiles") or default_profiles:
            sites.append(Site(entry["url"], entry.get("area-code"), entry.get("name"), (), profile, settings))
    return sites


def site_settings(entry: Mapping[str, Any]):
    """A site table's defaults and page rules as SiteSettings."""
    from audit.web.settings import PageRule, SiteSettings
    from audit.web.urls import normalise

    rules = tuple(
        PageRule(page_settings(page), normalise(page["url"]) if "url" in page else None, page.get("pattern"))
        for page in entry.get("pages", ())
    )
    logout = tuple(entry["logout-links"]) if "logout-links" in entry else None
    auth = site_auth(entry["auth"]) if entry.get("auth") else None
    flows = tuple(site_flow(entry["url"], flow) for flow in entry.get("flows", ()))
    return SiteSettings(
        page_settings(entry), rules, **({"logout_links": logout} if logout is not None else {}), auth=auth, flows=flows
    )


def site_flow(site_url: str, table: Mapping[str, Any]):
    """A flow table as Flow: its start URL relative to the site's, its steps' secrets expanded."""
    from urllib.parse import urljoin

    from audit.web.login import STEP_TIMEOUT_S, Flow
    from audit.web.urls import normalise

    start = urljoin(site_url, table["url"])
    start = normalise(start) or start
    return Flow(table["name"], start, _steps(table["steps"], start), table.get("timeout_s", STEP_TIMEOUT_S))


def _steps(steps: Iterable[Mapping[str, Any]], base: str) -> tuple:
    """Login or flow steps as Steps: a goto's URL relative to `base`, values' ${NAME} from the environment."""
    from urllib.parse import urljoin

    from audit.web.login import Step

    return tuple(
        Step(
            s["action"],
            s.get("selector"),
            expand(s.get("value")),
            urljoin(base, s["url"]) if s["action"] == "goto" else s.get("url"),
            s.get("key"),
            s.get("state"),
            s.get("timeout_s"),
            s.get("audit"),
        )
        for s in steps
    )


def site_auth(table: Mapping[str, Any]):
    """A site's auth table as Auth, its secrets expanded from the environment."""
    from audit.web.login import Auth, Cookie, Login

    basic = table.get("basic")
    login = table.get("login")
    steps = _steps((login or {}).get("steps", ()), login["url"]) if login else ()
    return Auth(
        (basic["user"], expand(basic["password"]) or "") if basic else None,
        tuple((name, expand(value) or "") for name, value in (table.get("headers") or {}).items()),
        tuple(
            Cookie(c["name"], expand(c["value"]) or "", c.get("domain"), c.get("path", "/"))
            for c in table.get("cookies", ())
        ),
        Login(
            login["url"],
            steps,
            login["success"].get("selector"),
            login["success"].get("url"),
            login.get("timeout_s", 10),
        )
        if login
        else None,
    )


def page_settings(table: Mapping[str, Any]):
    from audit.web.settings import PageSettings, Wait

    wait = table.get("wait", {})
    return PageSettings(
        tuple(table.get("include-selectors", ())),
        tuple(table.get("exclude-selectors", ())),
        Wait(wait.get("selector"), bool(wait.get("network-idle", False)), float(wait.get("delay", 0))),
    )
