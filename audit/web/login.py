"""Logged-in audits: a site's credentials, cookies and headers, and the step runner of login flows and of named
flows (whose steps may be states to audit) over a small driver-neutral tab interface (goto, fill, select, check,
click, press, wait_for, wait_url, wait_network_idle)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

# Links that end the session: never followed (matched against the link's URL and its text, case-insensitive).
DEFAULT_LOGOUT_LINKS = ("logout", "log-out", "signout", "sign-out", "退出", "注销", "安全退出")
STEP_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Step:
    """One step of a login flow; `value` may be a secret, so it is never shown (repr) nor recorded."""

    action: str
    selector: str | None = None
    value: str | None = field(default=None, repr=False)
    url: str | None = None
    key: str | None = None
    state: str | None = None
    timeout_s: float | None = None
    audit: str | None = None  # a named flow's step whose resulting state is audited: the state's name

    def describe(self) -> str:
        """What the step does, for messages: never its value."""
        target = self.selector or self.url or self.key or self.state or ""
        return f"{self.action} {target}".strip()


@dataclass(frozen=True)
class Login:
    url: str
    steps: tuple[Step, ...]
    success_selector: str | None = None
    success_url: str | None = None
    timeout_s: float = STEP_TIMEOUT_S


@dataclass(frozen=True)
class Cookie:
    name: str
    value: str = field(repr=False)
    domain: str | None = None
    path: str = "/"


@dataclass(frozen=True)
class Auth:
    """What a site needs to be seen logged in. Secrets are in memory only: never repr'd, recorded or stored."""

    basic: tuple[str, str] | None = field(default=None, repr=False)
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    cookies: tuple[Cookie, ...] = ()
    login: Login | None = None

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret value, to scrub from any text that might echo one (a driver's error message)."""
        values = [self.basic[1]] if self.basic else []
        values += [v for _, v in self.headers] + [c.value for c in self.cookies]
        values += [s.value for s in (self.login.steps if self.login else ()) if s.value]
        return tuple(v for v in values if v)


class StepError(Exception):
    """A step could not be done: `kind` is a web.error.login-* key suffix, `values` fill it."""

    def __init__(self, kind: str, **values: Any):
        super().__init__(kind)
        self.kind = kind
        self.values = values


# Every value a web.error.login-* message may name: a failure fills those it knows.
_BLANK = dict.fromkeys(("selector", "state", "pattern", "target", "status", "detail", "seconds"), "")


class LoginFailed(Exception):
    """The login flow failed at step `step` (1-based; 0: opening the login page; one past the last: the
    success check)."""

    def __init__(self, step: int, action: str, kind: str, values: dict[str, Any]):
        super().__init__(f"step {step} ({action}): {kind}")
        self.step = step
        self.action = action
        self.kind = kind
        self.values = values

    def problem(self) -> tuple[str, dict[str, Any]]:
        """The cause as the site's nothing-audited problem: web.error.login-<kind> and its values."""
        return f"login-{self.kind}", {**_BLANK, **self.values, "step": self.step, "action": self.action}


@dataclass(frozen=True)
class Flow:
    """A named sequence of steps from `url` (e.g. 个体工商户登记); the steps marked `audit` are states to audit."""

    name: str
    url: str
    steps: tuple[Step, ...]
    timeout_s: float = STEP_TIMEOUT_S

    @property
    def states(self) -> tuple[tuple[int, Step], ...]:
        """(1-based step number, step) of every step whose state is audited."""
        return tuple((n, s) for n, s in enumerate(self.steps, start=1) if s.audit)

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s.value for s in self.steps if s.value)


class FlowFailed(LoginFailed):
    """A named flow failed at step `step` (0: opening its start URL; a state's own audit is not a step)."""

    def __init__(self, flow: str, step: int, action: str, kind: str, values: dict[str, Any]):
        super().__init__(step, action, kind, values)
        self.flow = flow


@dataclass
class Filled:
    """What a flow has put into the page so far, by selector, in memory only (values may be secrets): the
    error-state probes compare it with what the page holds after a submission, and record neither."""

    values: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)  # selector -> (action, value)
    opener: str | None = None  # the selector of the last click or key press: what opened a dialog

    def note(self, step: Step) -> None:
        if step.action in ("fill", "select", "check") and step.selector:
            self.values[step.selector] = (step.action, step.value or "")
        elif step.action in ("click", "press") and step.selector:
            self.opener = step.selector


class LoginTab(Protocol):
    async def login_goto(self, url: str, timeout_s: float) -> None: ...
    async def fill(self, selector: str, value: str, timeout_s: float) -> None: ...
    async def select(self, selector: str, value: str, timeout_s: float) -> None: ...
    async def check(self, selector: str, timeout_s: float) -> None: ...
    async def click(self, selector: str, timeout_s: float) -> None: ...
    async def press(self, selector: str | None, key: str, timeout_s: float) -> None: ...
    async def wait_for(self, selector: str, state: str, timeout_s: float) -> None: ...
    async def wait_url(self, pattern: str, timeout_s: float) -> None: ...
    async def wait_network_idle(self, timeout_s: float) -> bool: ...


async def run_login(tab: LoginTab, login: Login, secrets: tuple[str, ...] = ()) -> None:
    """Go to the login page, run each step, then check the success condition; LoginFailed names the step."""
    number, action = 0, f"goto {login.url}"
    try:
        await tab.login_goto(login.url, login.timeout_s)
        for number, step in enumerate(login.steps, start=1):
            action = step.describe()
            await _run_step(tab, step, login)
        number += 1
        if login.success_selector:
            action = f"success {login.success_selector}"
            await tab.wait_for(login.success_selector, "visible", login.timeout_s)
        if login.success_url:
            action = f"success {login.success_url}"
            await tab.wait_url(login.success_url, login.timeout_s)
    except StepError as exc:
        raise LoginFailed(number, action, exc.kind, scrub(exc.values, secrets)) from None


async def _run_step(tab: LoginTab, step: Step, login: Login | Flow) -> None:
    seconds = step.timeout_s or login.timeout_s
    action = step.action
    if action == "goto":
        await tab.login_goto(step.url or login.url, seconds)
    elif action == "fill":
        await tab.fill(step.selector or "", step.value or "", seconds)
    elif action == "select":
        await tab.select(step.selector or "", step.value or "", seconds)
    elif action == "check":
        await tab.check(step.selector or "", seconds)
    elif action == "click":
        await tab.click(step.selector or "", seconds)
    elif action == "press":
        await tab.press(step.selector, step.key or "", seconds)
    elif step.state == "network-idle":
        if not await tab.wait_network_idle(seconds):
            raise StepError("network-busy", seconds=seconds)
    elif step.selector:
        await tab.wait_for(step.selector, step.state or "visible", seconds)
    if action == "wait" and step.url:
        await tab.wait_url(step.url, seconds)


async def run_flow(tab: LoginTab, flow: Flow, on_state, secrets: tuple[str, ...] = ()) -> None:
    """Go to the flow's start URL and run each step; after a step marked `audit`, await
    `on_state(number, step, filled)` (the state's audit). FlowFailed names the flow, the step and why."""
    number, action, filled = 0, f"goto {flow.url}", Filled()
    try:
        await tab.login_goto(flow.url, flow.timeout_s)
        for number, step in enumerate(flow.steps, start=1):
            action = step.describe()
            await _run_step(tab, step, flow)
            filled.note(step)
            if step.audit:
                await on_state(number, step, filled)
    except StepError as exc:
        raise FlowFailed(flow.name, number, action, exc.kind, scrub(exc.values, secrets)) from None


def scrub(values: dict[str, Any], secrets: tuple[str, ...]) -> dict[str, Any]:
    """A driver's message may quote what was typed: every secret becomes ***."""
    out = {}
    for name, value in values.items():
        if isinstance(value, str):
            for secret in secrets:
                value = value.replace(secret, "***")
        out[name] = value
    return out


def is_logout(url: str, text: str, patterns: tuple[str, ...]) -> bool:
    """A link that ends the session, by its URL or its text."""
    return any(re.search(p, url, re.IGNORECASE) or re.search(p, text or "", re.IGNORECASE) for p in patterns)


def on_login_page(url: str, login: Login | None) -> bool:
    """The page landed on the login URL (query and fragment aside): the session has gone."""
    if login is None:
        return False
    return _bare(url) == _bare(login.url)


def _bare(url: str) -> str:
    return re.split(r"[?#]", url, maxsplit=1)[0].rstrip("/")
