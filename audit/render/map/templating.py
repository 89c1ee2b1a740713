"""The autoescaping Jinja2 environment for every piece of HTML the map part writes itself."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("audit.render.map", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=False,
    )


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
