"""Web benchmark on a real Selenium Grid 4: pages per minute with 1 and 2 nodes on this machine.

    .venv/bin/python bench/web/grid.py [--slots 2] [--pages 60]

Generates the benchmark's site (bench/web/generate_site.py), serves it on 127.0.0.1, starts a hub and one
node of `--slots` Chromium sessions (tests/web/grid.py: the jar from .cache/selenium/, see
scripts/selenium-grid.sh), audits the site through the Grid with the full web checklist (one coordinator,
the pool sized by the Grid's free slots, delay 0), then adds a second node and audits it again. Prints pages
per minute for each, the gain of the second node, and writes bench/.work/web/grid.json. Every Grid process
(and the browsers its nodes started) is ended by pid at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
WORK = REPO / "bench" / ".work" / "web"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

import generate_site

from audit.catalog import load_catalog
from audit.demo.serve import LoopbackServer
from audit.runs.web import web_checks
from audit.web.auditor import AuditOptions, Auditor, PageAudited, PageFailed, Site
from audit.web.crawl import CrawlOptions
from tests.web.grid import LocalGrid, server_jar


def audit_once(grid_url: str, home: str, pages: int, slots: int) -> dict:
    catalog = load_catalog()
    options = AuditOptions(
        crawl=CrawlOptions(
            max_pages=pages,
            max_depth=5,
            per_template=pages,
            use_sitemaps=False,
            obey_robots=False,
            per_host_concurrency=slots,
            delay=0,
        ),
        driver="selenium",
        remote_url=grid_url,
        timeout=60,
    )
    auditor = Auditor(web_checks(catalog), options)
    started = time.monotonic()
    audited = failed = 0
    for event in auditor.run([Site(home)]):
        audited += isinstance(event, PageAudited)
        failed += isinstance(event, PageFailed)
    wall = time.monotonic() - started
    return {
        "pages_audited": audited,
        "pages_failed": failed,
        "wall_s": round(wall, 1),
        "pages_per_min": round(60 * audited / wall, 1),
        "load_after": round(os.getloadavg()[0], 2),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--slots", type=int, default=2, help="Chromium sessions per node (default 2)")
    ap.add_argument("--pages", type=int, default=60, help="pages to audit per run (default 60, the whole site)")
    args = ap.parse_args()
    jar = server_jar()
    if jar is None:
        print("no Selenium Grid jar: run scripts/selenium-grid.sh", file=sys.stderr)
        return 1
    WORK.mkdir(parents=True, exist_ok=True)
    site = WORK / "grid-site"
    generate_site.generate(site)
    server = LoopbackServer(site)
    grid = LocalGrid(jar, WORK / "grid", nodes=1, slots=args.slots)
    results = {}
    try:
        grid.start()
        print(f"load average before: {os.getloadavg()[0]:.2f} (2-core machine shared with other work)", flush=True)
        for nodes in (1, 2):
            if nodes == 2:
                grid.add_node()
                grid.wait_for(lambda s: s is not None and sum(n["availability"] == "UP" for n in s["nodes"]) == 2, 150)
            grid.wait_idle()
            result = audit_once(grid.url, server.url("index.html"), args.pages, args.slots * nodes)
            results[nodes] = result
            print(f"  {nodes} node(s) x {args.slots} sessions: {json.dumps(result)}", flush=True)
    finally:
        grid.stop()
        server.close()
    one, two = results[1]["pages_per_min"], results[2]["pages_per_min"]
    summary = {
        "pages_per_min_1_node": one,
        "pages_per_min_2_nodes": two,
        "gain_of_the_second_node_here": round(two - one, 1),
        # A node on a machine of its own brings its own cores: it adds about what one node does alone.
        "projected_per_added_node_on_its_own_machine": one,
    }
    print(json.dumps(summary, indent=2))
    (WORK / "grid.json").write_text(
        json.dumps(
            {"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "slots": args.slots, "runs": results, "summary": summary},
            indent=2,
        )
    )
    ok = all(r["pages_audited"] + r["pages_failed"] >= 1 for r in results.values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
