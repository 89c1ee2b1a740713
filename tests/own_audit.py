"""Run the project's own web audit (`a11y-audit web`, probes on) on pages we generate, as our users would."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from click.testing import CliRunner

from audit.cli import cli

GATE = ("critical", "serious")


def _selector(selector) -> str:
    return selector if isinstance(selector, str) else " ".join(map(str, selector or []))


def run_own_audit(urls: list[str], work: Path) -> tuple[int, dict[str, list[str]], str]:
    """`a11y-audit web URL... --fail-on critical,serious` with the portal probes on (reflow at 320 px, focus).

    Returns the exit code, the critical and serious failures per page file name ("check (severity): selectors"),
    and the CLI's output. Each URL is audited alone (depth 0), robots and sitemaps ignored: they are our files.
    """
    out = work / "own-audit"
    args = ["--db", str(work / "own-audit.db"), "--lang", "en", "web", *urls, "--max-depth", "0"]
    args += ["--no-sitemap", "--ignore-robots", "--delay", "0", "--timeout", "20", "--per-template", "50"]
    args += ["--max-pages", str(len(urls) + 5), "--fail-on", ",".join(GATE), "--format", "json", "--out", str(out)]
    result = CliRunner().invoke(cli, args)
    report = json.loads((out / "a11y-report.json").read_text(encoding="utf-8"))
    failing: dict[str, list[str]] = {}
    for page in report["pages"]:
        for failure in page["failures"]:
            if failure["severity"] in GATE:
                where = [_selector(e.get("selector")) for e in failure["evidence"]][:3]
                failing.setdefault(page["url"].rsplit("/", 1)[-1], []).append(
                    f"{failure['check']} ({failure['severity']}): {where} {failure.get('note') or ''}".strip()
                )
    audited = {p["url"] for p in report["pages"]}
    missing = [u for u in urls if u not in audited]
    assert not missing and not report["errors"], (missing, report["errors"], result.output)
    return result.exit_code, failing, result.output


def audit_snapshots(
    pages: Mapping[str, bytes],
    work: Path,
    serve: Callable[[Path], object],
    copies: Mapping[str, Path],
    order: Iterable[str] | None = None,
) -> tuple[int, dict[str, list[str]], str]:
    """Write the pages' HTML into a folder with the static files they link (`copies`: folder path -> source
    tree), serve it on 127.0.0.1 with `serve` (the loopback_server fixture) and run the own audit on them (in
    `order`, default the pages' order)."""
    folder = work / "pages"
    folder.mkdir()
    for name, html in pages.items():
        (folder / name).write_bytes(html)
    for target, source in copies.items():
        shutil.copytree(source, folder / target)
    server = serve(folder)
    return run_own_audit([server.url(name) for name in (order or pages)], work)
