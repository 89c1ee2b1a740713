"""Re-audit benchmark: `a11y-audit web` on a generated 300-page portal, three rounds into one store.

1. the first audit (nothing to reuse);
2. the same site unchanged: every page must be reused (the stdlib server gives Last-Modified and answers
   If-Modified-Since with 304, so no page is opened in the browser); target: at least 10x faster than round 1;
3. 10 % of the pages edited (a paragraph added to each, chosen by a seeded draw): exactly those must be audited
   again, every other page reused.

    python bench/web/reuse.py [--pages 300] [--changed 0.1] [--concurrency 4]

The site is generate_site.py's portal (seeded, byte-identical for a given size), served on 127.0.0.1 by the same
threaded stdlib server as run.py, audited with run.py's crawl options (its sitemap, --per-template 1000,
--delay 0). Wall time and the CPU of the command and its children (browser included) are measured per round.
Exit 1 when a round reuses or re-audits other pages than it must, 2 when the speed target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate_site  # sibling script, not a package
from run import PAGE_TIMEOUT_S, REPO, WORK, serve

TARGET_SPEEDUP = 10.0  # issue 17: the unchanged site's second audit at least 10x faster than the first
WEAK_SECONDS = 2.5  # a Last-Modified under 2 s old is not used by the tool (audit/web/reuse.py): let it age


def audit(db: Path, home: str, out: Path, pages: int, concurrency: int) -> dict:
    """One round through the CLI: wall and CPU seconds, pages reported, reused and audited page URLs."""
    cmd = [
        str(REPO / ".venv" / "bin" / "a11y-audit"),
        "--db",
        str(db),
        "--lang",
        "en",
        "web",
        home,
        "--max-pages",
        str(pages),
        "--max-depth",
        "1",
        "--per-template",
        "1000",
        "--delay",
        "0",
        "--concurrency",
        str(concurrency),
        "--timeout",
        str(PAGE_TIMEOUT_S),
        "--format",
        "json",
        "--out",
        str(out),
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, check=False, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 2):
        sys.exit(f"a11y-audit web failed ({done.returncode}):\n{done.stdout}\n{done.stderr[-3000:]}")
    report = json.loads((out / "a11y-report.json").read_text(encoding="utf-8"))
    errors = {e["key"] for e in report["errors"]}
    listed = [p for p in report["pages"] if p["key"] not in errors]
    return {
        "wall_s": wall,
        "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "pages": len(listed),
        "errors": len(errors),
        "reused": sorted(p["url"] for p in listed if p.get("reused")),
        "audited": sorted(p["url"] for p in listed if not p.get("reused")),
        "reused_by": report["summary"].get("reused_by", {}),
    }


def edit(site: Path, paths: list[str]) -> None:
    """A content edit of each page: a paragraph added at the end of its body."""
    for path in paths:
        file = site / path.lstrip("/")
        text = file.read_text(encoding="utf-8")
        assert "</body>" in text, path
        file.write_text(text.replace("</body>", "<p>本页内容已于本周更新。</p></body>", 1), encoding="utf-8")


def load_line() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} / {fifteen:.1f} on {os.cpu_count()} CPUs"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=300, help="site size (generate_site.py --pages)")
    ap.add_argument("--changed", type=float, default=0.1, help="share of pages edited before round 3")
    ap.add_argument("--concurrency", type=int, default=4, help="browser tabs (as run.py)")
    args = ap.parse_args()

    work = WORK / "reuse"
    shutil.rmtree(work, ignore_errors=True)
    site = work / "site"
    pages = generate_site.generate(site, size=args.pages)
    server, base = serve(site)
    try:
        generate_site.write_url_lists(site, pages, base)
        time.sleep(WEAK_SECONDS)
        home, db = base + "/index.html", work / "store.db"
        print(f"site: {len(pages)} pages at {base}; {load_line()}", flush=True)
        first = audit(db, home, work / "r1", args.pages, args.concurrency)
        print(
            f"round 1 (first audit):      {first['wall_s']:7.1f} s wall, {first['cpu_s']:7.1f} s CPU, "
            f"{first['pages']} pages, {len(first['reused'])} reused; {load_line()}",
            flush=True,
        )
        second = audit(db, home, work / "r2", args.pages, args.concurrency)
        print(
            f"round 2 (unchanged):        {second['wall_s']:7.1f} s wall, {second['cpu_s']:7.1f} s CPU, "
            f"{second['pages']} pages, {len(second['reused'])} reused {second['reused_by']}; {load_line()}",
            flush=True,
        )
        changed = sorted(
            random.Random(generate_site.SEED).sample([p.path for p in pages], round(len(pages) * args.changed))
        )
        edit(site, changed)
        third = audit(db, home, work / "r3", args.pages, args.concurrency)
        print(
            f"round 3 ({len(changed)} pages edited):  {third['wall_s']:7.1f} s wall, {third['cpu_s']:7.1f} s CPU, "
            f"{third['pages']} pages, {len(third['reused'])} reused, {len(third['audited'])} audited; {load_line()}",
            flush=True,
        )
    finally:
        server.terminate()
        server.wait()
    problems = []
    every = sorted(base + p.path for p in pages)
    if first["audited"] != every:
        problems.append(f"round 1 audited {len(first['audited'])} of {len(every)} pages")
    if second["reused"] != every:
        problems.append(f"round 2 reused {len(second['reused'])} of {len(every)} pages")
    if third["audited"] != sorted(base + p for p in changed):
        problems.append(f"round 3 audited {len(third['audited'])} pages, not exactly the {len(changed)} edited")
    speedup = first["wall_s"] / second["wall_s"]
    print(
        f"second audit of the unchanged site: x{speedup:.1f} faster (wall), "
        f"x{first['cpu_s'] / max(second['cpu_s'], 1e-9):.1f} less CPU; target x{TARGET_SPEEDUP:.0f}: "
        f"{'met' if speedup >= TARGET_SPEEDUP else 'NOT met'}"
    )
    print(
        f"10 % edited: {len(third['audited'])} pages audited again "
        f"({'exactly the edited ones' if not problems or third['audited'] == sorted(base + p for p in changed) else 'NOT the edited ones'}), "
        f"x{first['wall_s'] / third['wall_s']:.1f} faster than the first audit"
    )
    (work / "result.json").write_text(
        json.dumps({"first": first, "second": second, "third": third, "changed": changed}, indent=1), encoding="utf-8"
    )
    for problem in problems:
        print("FAILED:", problem)
    return 1 if problems else 0 if speedup >= TARGET_SPEEDUP else 2


if __name__ == "__main__":
    sys.exit(main())
