"""Keyboard-only steps for the browser tests of the pages we generate."""

from __future__ import annotations


def tab_to(page, predicate: str, limit: int = 80) -> None:
    """Press Tab until document.activeElement satisfies `predicate` (a JS expression over `el`), at most `limit`
    times."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!(el && ({predicate})); }}"):
            return
    raise AssertionError(f"Tab never reached {predicate}")
