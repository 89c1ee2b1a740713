"""The options of `a11y-audit web` as one frozen object: defaults, overlaid by the config file, overlaid by the
flags the user actually gave (click's parameter source), so the command line and the file share one definition."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import click

# Where a value came from that counts as the user's own: anything but click's default.
_GIVEN = (click.core.ParameterSource.COMMANDLINE, click.core.ParameterSource.ENVIRONMENT)
# Options the command line writes as one comma-separated word (`--format json,md`), the file as a list.
COMMA_LISTS = ("fail_on", "formats", "profiles")


def _key(name: str, flag: str | None = None) -> dict:
    """The option's key in the config file (the flag's name unless it differs)."""
    return {"key": flag or name.replace("_", "-")}


@dataclass(frozen=True)
class WebOptions:
    """Every option of `a11y-audit web`: the field is click's parameter name, `metadata['key']` the file's key."""

    urls: tuple[str, ...] = field(default=(), metadata={"key": None})  # positional: never in the file
    sites_file: str | None = field(default=None, metadata=_key("sites_file", "sites-file"))
    max_pages: int = field(default=50, metadata=_key("max_pages"))
    max_depth: int = field(default=3, metadata=_key("max_depth"))
    per_template: int = field(default=3, metadata=_key("per_template"))
    scope: str = field(default="host", metadata=_key("scope"))
    include: tuple[str, ...] = field(default=(), metadata=_key("include"))
    exclude: tuple[str, ...] = field(default=(), metadata=_key("exclude"))
    key_page: tuple[str, ...] = field(default=(), metadata=_key("key_page"))
    ignore_robots: bool = field(default=False, metadata=_key("ignore_robots"))
    no_sitemap: bool = field(default=False, metadata=_key("no_sitemap"))
    concurrency: int = field(default=2, metadata=_key("concurrency"))
    delay: float = field(default=0.5, metadata=_key("delay"))
    timeout: float = field(default=30.0, metadata=_key("timeout"))
    driver: str = field(default="playwright", metadata=_key("driver"))
    remote_url: str | None = field(default=None, metadata=_key("remote_url"))
    axe_lang: str | None = field(default=None, metadata=_key("axe_lang"))
    screenshots_dir: str | None = field(default=None, metadata=_key("screenshots_dir", "screenshots"))
    fail_under: float | None = field(default=None, metadata=_key("fail_under"))
    fail_on: tuple[str, ...] = field(default=(), metadata=_key("fail_on"))
    ignore_checks: tuple[str, ...] = field(default=(), metadata=_key("ignore_checks", "ignore"))
    only_checks: tuple[str, ...] = field(default=(), metadata=_key("only_checks", "only"))
    no_builtins: bool = field(default=False, metadata=_key("no_builtins"))
    no_reuse: bool = field(default=False, metadata=_key("no_reuse"))
    baseline: str | None = field(default=None, metadata=_key("baseline"))
    update_baseline: bool = field(default=False, metadata=_key("update_baseline"))
    formats: tuple[str, ...] = field(default=("json",), metadata=_key("formats", "format"))
    out_dir: str = field(default="a11y-results", metadata=_key("out_dir", "out"))
    resume: bool = field(default=False, metadata=_key("resume"))
    label: str | None = field(default=None, metadata=_key("label"))
    profiles: tuple[str, ...] = field(default=("desktop",), metadata=_key("profiles"))
    config: str | None = field(default=None, metadata={"key": None})  # --config: which file, never in one
    no_config: bool = field(default=False, metadata={"key": None})

    @classmethod
    def file_keys(cls) -> dict[str, str]:
        """config-file key -> field name, for every option a file may set."""
        return {f.metadata["key"]: f.name for f in fields(cls) if f.metadata.get("key")}

    @classmethod
    def resolve(cls, ctx: click.Context, from_file: Mapping[str, Any] | None = None) -> WebOptions:
        """Defaults, then the file's values (by file key), then every flag the user gave on the command line."""
        values: dict[str, Any] = {}
        keys = cls.file_keys()
        for key, value in (from_file or {}).items():
            if key in keys:
                values[keys[key]] = tuple(value) if isinstance(value, list) else value
        for f in fields(cls):
            if f.name in ctx.params and ctx.get_parameter_source(f.name) in _GIVEN:
                values[f.name] = command_line_value(f.name, ctx.params[f.name])
        return cls(**values)


def command_line_value(name: str, value: Any) -> Any:
    """A click value in the object's form: comma words and repeated flags become tuples."""
    if name in COMMA_LISTS:
        return tuple(v.strip() for v in str(value or "").split(",") if v.strip())
    if isinstance(value, list):
        return tuple(value)
    return value


DEFAULTS = WebOptions()
