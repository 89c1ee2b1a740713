"""The report printed to PDF by Chromium (Playwright), from the same HTML file.

Render never imports the web auditor, so the caller passes `launch`: a function that starts the
project's Chromium with its launch arguments (the CLI builds it from `audit.web.chromium`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Browser, Playwright, sync_playwright

Launcher = Callable[[Playwright], Browser]

FOOTER = (
    '<div style="font-size:8px;width:100%;text-align:center;color:#333">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


def write_pdf(html: Path, pdf: Path, launch: Launcher, timeout_ms: int = 60_000) -> Path:
    """Print `html` (a file written by write_html) as a tagged A4 landscape PDF with an outline and page numbers.

    Only file:// is loaded."""
    pdf.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page()
            page.goto(html.resolve().as_uri(), wait_until="load", timeout=timeout_ms)
            page.emulate_media(media="print")
            page.pdf(
                path=str(pdf),
                prefer_css_page_size=True,
                print_background=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=FOOTER,
                margin={"top": "12mm", "bottom": "14mm", "left": "10mm", "right": "10mm"},
                tagged=True,  # a structure tree (headings, tables, lists) for screen readers (PDF/UA-style)
                outline=True,  # bookmarks from the headings, to move through the report
            )
        finally:
            browser.close()
    return pdf


def chromium_launcher(executable: str | None, args: tuple[str, ...] | list[str]) -> Launcher:
    """A launcher for a given Chromium binary (None: Playwright's managed build) and its arguments."""

    def launch(playwright: Playwright) -> Browser:
        return playwright.chromium.launch(executable_path=executable, args=list(args), headless=True)

    return launch
