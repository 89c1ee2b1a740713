"""Run the project's own web audit (`a11y-audit web`, probes on) on pages we generate, as our users would."""

from __future__ import annotations

import json
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
