"""Hostile names and page titles, and a guard that records every Jinja compile while an output is rendered.

No user-supplied string may be compiled as a template (issue 10): the outputs must show these texts literally,
and the only template sources Jinja ever compiles are the package's own template files.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

REPO = Path(__file__).resolve().parents[1]
SEVEN_TIMES_191 = "1337"  # what "{{ 7*191 }}" evaluates to


def hostile_texts(pwned: Path) -> list[str]:
    """Template syntax a name or a crawled <title> may hold; the last one would create `pwned` if it ran."""
    return [
        "{{ 7*191 }}",
        "{% for x in y %}",
        "公厕 {{",
        "{# 注释",
        "{{ cycler.__init__.__globals__.os.popen('touch " + str(pwned) + "').read() }}",
    ]


@dataclass
class Compiles:
    """(name, filename, source) of each template Jinja compiled inside `recording_compiles()`."""

    seen: list[tuple[str | None, str | None, str]] = field(default_factory=list)

    def assert_only_package_files(self, texts: list[str]) -> None:
        for name, filename, source in self.seen:
            assert name is not None and filename is not None, f"a template was compiled from a string: {source[:200]!r}"
            assert Path(filename).resolve().is_relative_to(REPO), f"template from outside the project: {filename}"
            for text in texts:
                assert text not in source, f"user text {text!r} reached template source {filename}"


@contextlib.contextmanager
def recording_compiles():
    """Wraps jinja2.Environment.compile (every Template(...), from_string and loader path goes through it)."""
    record = Compiles()
    original = jinja2.Environment.compile

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        text = source if isinstance(source, str) else "<ast>"
        record.seen.append((name, filename, text))
        return original(self, source, name, filename, raw, defer_init)

    jinja2.Environment.compile = compile
    try:
        yield record
    finally:
        jinja2.Environment.compile = original
