"""Benchmark: a map of 100,000 facilities opens in Chromium in under 10 s and stays responsive.

Run: .venv/bin/python bench/map/bench_map.py [--n 100000]
Builds a real SQLite store (random facilities over Hunan, scored through audit.runs), renders the map,
serves it on 127.0.0.1 and measures with Playwright: navigation to all markers clustered ("ready"),
the longest main-thread stall while loading, a zoom, a pan, and a cluster click.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from conftest import LoopbackServer

from audit.catalog import load_catalog
from audit.model import Category, Finding, Outcome, Subject
from audit.render.map import MapOptions, write_map
from audit.render.view import RoundView
from audit.runs import score_round
from audit.store import open_store
from audit.web.chromium import LAUNCH_ARGS, find_chromium

FIXTURES = REPO / "tests" / "render" / "map" / "fixtures" / "checklists"
TOILET_CHECKS = ("map-test-door-width", "map-test-grab-bars", "map-test-sign")


def bench_catalog(root: Path):
    shutil.copytree(REPO / "checklists" / "schema", root / "schema")
    shutil.copy(REPO / "checklists" / "scoring.yaml", root / "scoring.yaml")
    (root / "messages").mkdir()
    shutil.copy(REPO / "checklists" / "messages" / "map.yaml", root / "messages" / "map.yaml")
    shutil.copytree(FIXTURES / "facility", root / "facility")
    return load_catalog(root)


def fill(store, n: int, seed: int = 5):
    rng = random.Random(seed)
    subjects, findings = [], []
    for i in range(n):
        lon, lat = rng.uniform(109.5, 114.0), rng.uniform(25.0, 30.0)
        key = f"facility:map-test-toilets:b{i}"
        subjects.append(
            Subject(
                key, "toilet", Category.TOILETS, f"公厕 {i}", None, None, {"type": "Point", "coordinates": [lon, lat]}
            )
        )
        for check in TOILET_CHECKS:
            ok = rng.random() < 0.8
            findings.append(
                Finding(
                    key,
                    check,
                    Outcome.PASS if ok else Outcome.FAIL,
                    measured=None if ok else "700 mm",
                    required=None if ok else "≥ 800 mm",
                )
            )
    with store.transaction():
        store.upsert_subjects(subjects)
    r = store.begin_round("facility", label="bench")
    with store.transaction():
        store.add_findings(r.id, findings)
    store.finish_round(r.id)
    return r.id


def measure(url: str, table_url: str | None = None) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=list(LAUNCH_ARGS))
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        # CPU time of the page's main thread: unlike wall time, it hardly depends on what else the machine runs.
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("http://127.0.0.1") else r.abort())
        # Long tasks = main-thread stalls: the page cannot answer input while one runs.
        page.add_init_script("""window.__longest = 0; new PerformanceObserver(list => list.getEntries()
            .forEach(e => { window.__longest = Math.max(window.__longest, e.duration); }))
            .observe({type: 'longtask', buffered: true});""")
        start = time.perf_counter()
        page.goto(url, timeout=60000)
        loaded = time.perf_counter() - start
        page.wait_for_function("window.A11yMap && window.A11yMap.ready", timeout=60000, polling=50)
        ready = time.perf_counter() - start
        longest = page.evaluate("window.__longest")
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        figures = {
            "load_event_s": loaded,
            "ready_s": ready,
            "longest_stall_ms": longest,
            "cpu_s": metrics.get("ThreadTime", float("nan")),
            "markers": page.evaluate("A11yMap.layers.toilets.a11yCluster.getLayers().length"),
        }
        figures["cluster_click_ms"] = click_cluster(page)  # first, while the whole province is in view
        page.wait_for_timeout(1000)
        figures["zoom_ms"] = timed_frame(page, "map => map.setZoom(map.getZoom() + 2, {animate: false})")
        figures["pan_ms"] = timed_frame(page, "map => map.panBy([300, 200], {animate: false})")
        if table_url:
            figures.update(measure_table(browser, table_url))
        browser.close()
    return figures


def measure_table(browser, url: str) -> dict[str, float]:
    """The table page: time to its load event, and from a filter change / a sort / next page to the next frame."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    start = time.perf_counter()
    page.goto(url, timeout=120000)
    figures = {"table_load_s": time.perf_counter() - start}
    for name, action in (
        (
            "table_filter_ms",
            (
                "() => { const s = document.getElementById('filter-grade');"
                " s.value = 'D'; s.dispatchEvent(new Event('change')); }"
            ),
        ),
        ("table_sort_ms", "() => document.querySelector('#items thead th:nth-child(5) button').click()"),
        ("table_next_ms", "() => { const b = document.querySelector('#pager [data-go=next]'); if (b) b.click(); }"),
    ):
        figures[name] = page.evaluate(f"""() => new Promise(resolve => {{
            const t0 = performance.now(); ({action})();
            requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
        }})""")
    page.close()
    return figures


def timed_frame(page, action: str) -> float:
    """Time from a map action to the next painted frame, in the page."""
    return page.evaluate(f"""() => new Promise(resolve => {{
        const map = A11yMap.map;
        const t0 = performance.now(); ({action})(map);
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
    }})""")


def click_cluster(page) -> float:
    """A real mouse click on the first visible cluster badge, until the next frame (zoom to its bounds)."""
    boxes = (page.locator(".a11y-cluster").nth(i).bounding_box() for i in range(page.locator(".a11y-cluster").count()))
    box = next(b for b in boxes if b and 0 < b["x"] < 1200 and 60 < b["y"] < 740)
    page.evaluate(
        "window.__t0 = 0; document.addEventListener('pointerdown', () => { window.__t0 = performance.now(); }, {once: true, capture: true})"
    )
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    return page.evaluate(
        "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now() - window.__t0))))"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument(
        "--store",
        type=Path,
        default=None,
        help="Keep the scored store in this SQLite file and reuse it next time (skips building it).",
    )
    parser.add_argument("--keep", type=Path, default=None, help="Copy the rendered map and table into this folder.")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-map-"))
    try:
        catalog = bench_catalog(work / "checklists")
        reuse = args.store is not None and args.store.exists()
        store = open_store(args.store if args.store is not None else work / "bench.db")
        t0 = time.perf_counter()
        if reuse:
            round_id = store.latest_round("facility").id
        else:
            round_id = fill(store, args.n)
            score_round(store, catalog, round_id)
        t1 = time.perf_counter()
        view = RoundView.load(store, round_id, catalog.policy.version)
        files = write_map([view], catalog, work / "maps" / "map.html", MapOptions(tiles="none"))
        t2 = time.perf_counter()
        size_mb = files.map_path.stat().st_size / 1e6
        csv_mb = files.csv_path.stat().st_size / 1e6
        if args.keep is not None:
            shutil.copytree(files.map_path.parent, args.keep, dirs_exist_ok=True)
        server = LoopbackServer(files.map_path.parent)
        try:
            figures = measure(server.url(files.map_path.name), server.url(files.table_path.name))
        finally:
            server.close()
        store.close()
        print(
            f"facilities: {files.items}  ({'reused store' if reuse else 'store + scoring'} {t1 - t0:.1f} s, render {t2 - t1:.1f} s, map {size_mb:.1f} MB,"
            f" table {files.table_path.stat().st_size / 1e6:.1f} MB)"
        )
        print(
            f"load event: {figures['load_event_s']:.2f} s   all markers clustered (ready): {figures['ready_s']:.2f} s"
            f"   markers: {figures['markers']}"
        )
        print(
            f"longest main-thread stall while loading: {figures['longest_stall_ms']:.0f} ms"
            f"   main-thread CPU until ready: {figures['cpu_s']:.2f} s   load average: {os.getloadavg()[0]:.1f}"
        )
        print(
            f"zoom +2 -> frame: {figures['zoom_ms']:.0f} ms   pan -> frame: {figures['pan_ms']:.0f} ms"
            f"   cluster click -> frame: {figures['cluster_click_ms']:.0f} ms"
        )
        print(
            f"table page: load event {figures['table_load_s']:.2f} s   grade filter -> frame:"
            f" {figures['table_filter_ms']:.0f} ms   sort -> frame: {figures['table_sort_ms']:.0f} ms"
            f"   next page -> frame: {figures['table_next_ms']:.0f} ms   CSV {csv_mb:.1f} MB"
        )
        verdict = "PASS" if figures["ready_s"] < 10 else "FAIL"
        print(f"{verdict}: target < 10 s to open")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
