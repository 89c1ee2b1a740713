"""The least work of any in-browser axe auditor: load each page, inject axe, run the rules, keep the violations.

    .venv/bin/python bench/web/floor.py URLS_FILE RULES_JSON CHROMIUM CONCURRENCY REPORT [--until load|inject|axe]
        [--exclude SELECTOR,...]

run.py measures it beside pa11y-ci and a11y-audit ("axe floor"): one Playwright browser, CONCURRENCY tabs that
are never renewed, the same axe-core file and rule ids as `a11y-audit web`, `resultTypes: ["violations"]`, no
probes, no store, no report beyond violation counts per page and rule (REPORT, JSON). What it costs is what
loading the pages and running these axe rules cost; a tool doing more per page cannot use less CPU without
auditing less of each page. `--until load` stops after loading each page, `--until inject` after injecting axe:
what those steps cost alone (run it under bench/web/run.py's `measure` to see the CPU of the whole tree).
`--exclude .topbar,.head,.nav,.foot` leaves the benchmark portal's shared regions out of axe's context on every
page: the most any reuse of template components could save axe, since it audits them not even once.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from playwright.async_api import async_playwright

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from audit.web.axe import axe_source  # the vendored axe-core a11y-audit runs
from audit.web.chromium import LAUNCH_ARGS

RUN = """([context, o]) => axe.run(context, o).then(r => Object.fromEntries(r.violations.map(v => [v.id, v.nodes.length])))"""


async def audit(context, queue: list[str], source: str, options: dict, found: dict, until: str, scope: dict) -> None:
    page = await context.new_page()
    while queue:
        url = queue.pop(0)
        await page.goto(url, wait_until="load")
        if until != "load":
            await page.evaluate(source)
        found[url] = await page.evaluate(RUN, [scope, options]) if until == "axe" else {}
    await page.close()


async def main(
    urls: list[str], rules: list[str], chromium: str, concurrency: int, until: str = "axe", exclude: tuple = ()
) -> dict:
    options = {"runOnly": {"type": "rule", "values": rules}, "resultTypes": ["violations"]}
    scope = {"include": [["html"]], "exclude": [[selector] for selector in exclude]}
    found: dict[str, dict] = {}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=list(LAUNCH_ARGS))
        context = await browser.new_context(viewport={"width": 1280, "height": 1024})
        queue = list(urls)
        source = axe_source()
        await asyncio.gather(*(audit(context, queue, source, options, found, until, scope) for _ in range(concurrency)))
        await browser.close()
    return found


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("urls_file", type=Path)
    ap.add_argument("rules_json", help="the axe rule ids, as a JSON list")
    ap.add_argument("chromium", help="the Chromium binary")
    ap.add_argument("concurrency", type=int)
    ap.add_argument("report", type=Path)
    ap.add_argument("--until", choices=("load", "inject", "axe"), default="axe", help="the last step (default axe)")
    ap.add_argument("--exclude", default="", help="CSS selectors left out of axe's context, comma-separated")
    args = ap.parse_args()
    urls, rules = args.urls_file.read_text().split(), json.loads(args.rules_json)
    exclude = tuple(s for s in args.exclude.split(",") if s)
    found = asyncio.run(main(urls, rules, args.chromium, args.concurrency, args.until, exclude))
    args.report.write_text(json.dumps(found, indent=1, sort_keys=True))
    print(f"{len(found)} pages, {sum(sum(v.values()) for v in found.values())} violating nodes")
