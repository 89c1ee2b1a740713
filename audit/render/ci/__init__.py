"""CI outputs for webmasters: JSON, JUnit XML, SARIF 2.1.0, Markdown and an HTML page, from one report dict."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from audit.render.ci.data import REPORT_SCHEMA_VERSION, build_report
from audit.render.ci.formats import render_html, render_json, render_junit, render_markdown, render_sarif

FORMATS: dict[str, tuple[str, Callable[[dict], str]]] = {
    "json": ("a11y-report.json", render_json),
    "junit": ("a11y-junit.xml", render_junit),
    "sarif": ("a11y.sarif", render_sarif),
    "md": ("a11y-summary.md", render_markdown),
    "html": ("a11y-report.html", render_html),
}


def write_outputs(report: dict, formats: list[str], out_dir: str | Path) -> dict[str, Path]:
    """Write each requested format into `out_dir`; returns format -> path."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name in formats:
        filename, render = FORMATS[name]
        path = folder / filename
        path.write_text(render(report), encoding="utf-8")
        written[name] = path
    return written


__all__ = ["FORMATS", "REPORT_SCHEMA_VERSION", "build_report", "write_outputs"]
