"""Per-site and per-URL settings of an audit: browser profiles, scope selectors and wait conditions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from audit.web.login import DEFAULT_LOGOUT_LINKS, Auth, Flow
from audit.web.urls import normalise

# A recent Chrome on Android: portals that serve a separate mobile site decide by the user agent.
MOBILE_USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)


@dataclass(frozen=True)
class Profile:
    """How the browser presents itself: viewport (CSS px), user agent (None: the browser's own), touch, scale."""

    name: str
    width: int
    height: int
    user_agent: str | None = None
    mobile: bool = False
    touch: bool = False
    scale: float = 1.0


PROFILES = {
    "desktop": Profile("desktop", 1280, 1024),
    "mobile": Profile("mobile", 375, 812, MOBILE_USER_AGENT, mobile=True, touch=True, scale=3.0),
}
DEFAULT_PROFILE = "desktop"


@dataclass(frozen=True)
class Wait:
    """What to wait for after the page's load event, before auditing: a visible element, network idle, a delay."""

    selector: str | None = None
    network_idle: bool = False
    delay: float = 0.0

    def __bool__(self) -> bool:
        return bool(self.selector or self.network_idle or self.delay)


@dataclass(frozen=True)
class PageSettings:
    """What applies to one page: the regions audited (CSS selectors of the top document) and the wait."""

    include: tuple[str, ...] = ()  # only these regions (empty: the whole page)
    exclude: tuple[str, ...] = ()  # out of scope: findings inside are listed, never scored
    wait: Wait = field(default_factory=Wait)

    def over(self, base: PageSettings) -> PageSettings:
        """These settings laid over `base`: include and each wait field replace, exclusions add up."""
        wait = Wait(
            self.wait.selector or base.wait.selector,
            self.wait.network_idle or base.wait.network_idle,
            self.wait.delay or base.wait.delay,
        )
        return PageSettings(self.include or base.include, tuple(dict.fromkeys(base.exclude + self.exclude)), wait)


@dataclass(frozen=True)
class PageRule:
    """Settings for the pages of a site matching `url` (exactly, once normalised) or `pattern` (a regex)."""

    settings: PageSettings
    url: str | None = None
    pattern: str | None = None

    def matches(self, url: str) -> bool:
        if self.url is not None:
            return (normalise(self.url) or self.url) == url
        return bool(self.pattern and re.search(self.pattern, url))


@dataclass(frozen=True)
class SiteSettings:
    """A site's own settings: defaults for every page, then the page rules that match, in order."""

    defaults: PageSettings = field(default_factory=PageSettings)
    pages: tuple[PageRule, ...] = ()
    logout_links: tuple[str, ...] = DEFAULT_LOGOUT_LINKS  # links never followed (regexes over URL and text)
    auth: Auth | None = field(default=None, compare=False, repr=False)  # holds secrets: never recorded
    flows: tuple[Flow, ...] = field(default=(), compare=False, repr=False)  # step values may be secrets too

    def for_url(self, url: str) -> PageSettings:
        settings = self.defaults
        for rule in self.pages:
            if rule.matches(url):
                settings = rule.settings.over(settings)
        return settings

    @property
    def page_urls(self) -> list[str]:
        """Pages named by URL: always audited (key pages)."""
        return [rule.url for rule in self.pages if rule.url]

    def as_record(self) -> dict:
        """JSON-able, for a round's record (a resumed round goes on with the same settings). Never the auth: its
        secrets stay in memory only; `logged_in` says a resumed round needs it again from the config file."""
        return {
            "defaults": _settings_record(self.defaults),
            "pages": [_rule_record(r) for r in self.pages],
            "logout_links": list(self.logout_links),
            "logged_in": self.auth is not None,
            "flows": [flow.name for flow in self.flows],  # names only: a resumed round reads them from the file
        }

    @classmethod
    def from_record(cls, record: dict | None) -> SiteSettings:
        if not record:
            return cls()
        return cls(
            _settings_from(record.get("defaults") or {}),
            tuple(
                PageRule(_settings_from(r.get("settings") or {}), r.get("url"), r.get("pattern"))
                for r in record.get("pages", [])
            ),
            tuple(record.get("logout_links") or DEFAULT_LOGOUT_LINKS),
        )


def _settings_record(settings: PageSettings) -> dict:
    w = settings.wait
    return {
        "include": list(settings.include),
        "exclude": list(settings.exclude),
        "wait": {"selector": w.selector, "network_idle": w.network_idle, "delay": w.delay},
    }


def _rule_record(rule: PageRule) -> dict:
    return {"url": rule.url, "pattern": rule.pattern, "settings": _settings_record(rule.settings)}


def _settings_from(record: dict) -> PageSettings:
    w = record.get("wait") or {}
    return PageSettings(
        tuple(record.get("include", ())),
        tuple(record.get("exclude", ())),
        Wait(w.get("selector"), bool(w.get("network_idle")), float(w.get("delay") or 0)),
    )
