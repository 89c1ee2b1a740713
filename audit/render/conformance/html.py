"""The conformance report as HTML: a fragment the service embeds, or one self-contained page (no script)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from audit.catalog import Messages

TEMPLATES = Path(__file__).parent / "templates"
HTML_LANG = {"zh": "zh-CN", "en": "en"}


def environment() -> Environment:
    """Autoescape everything: page titles, URLs and reviewers' notes come from the web and from people."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


_ENV = environment()
_ENV.filters["lang_text"] = lambda value, lang="zh": value.get(lang) or value.get("zh") or ""


def _context(evaluation: Mapping[str, Any], messages: Messages, lang: str) -> dict[str, Any]:
    def t(key: str, **values: object) -> str:
        return messages.t(key, lang, **values)

    def text(value: Mapping[str, str]) -> str:
        return value.get(lang) or value.get("zh") or ""

    return {"e": evaluation, "t": t, "text": text, "lang": lang, "html_lang": HTML_LANG.get(lang, lang)}


def report_fragment(evaluation: Mapping[str, Any], messages: Messages, lang: str = "zh", level: int = 2) -> Markup:
    """The report's sections (scope, sample, results, MIIT view, statement); headings start at `level`."""
    html = _ENV.get_template("sections.html.j2").render(**_context(evaluation, messages, lang), h=level)
    return Markup(html)


def report_page(evaluation: Mapping[str, Any], messages: Messages, lang: str = "zh") -> str:
    """One standalone, accessible HTML document."""
    context = _context(evaluation, messages, lang)
    return _ENV.get_template("page.html.j2").render(**context, body=report_fragment(evaluation, messages, lang, 2))
