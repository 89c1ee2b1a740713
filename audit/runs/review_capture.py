"""What a reviewer sees of each page: a screenshot in the round's artefact folder, the DOM hash (the fingerprint of
manual criteria) and the box of every element a `review` finding names, so the review page can outline it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from audit.catalog import Catalog
from audit.runs.review import now_iso
from audit.store import Store
from audit.store.review_sql import ReviewCapture
from audit.web.chromium import LAUNCH_ARGS, find_chromium

MAX_HEIGHT = 6000  # CSS px: a very long page is cut, not shot whole (boxes below it are dropped)
VIEWPORT = {"width": 1280, "height": 900}
# Every selector's box in page coordinates, and the DOM as serialised now (scripts may have changed it since load).
_MEASURE = """(selectors) => {
  const boxes = {};
  for (const s of selectors) {
    let el = null;
    try { el = document.querySelector(s); } catch (e) { continue; }
    if (!el) continue;
    const r = el.getBoundingClientRect();
    boxes[s] = [r.left + scrollX, r.top + scrollY, r.width, r.height];
  }
  const root = document.documentElement;
  return {boxes, html: root.outerHTML, width: root.scrollWidth, height: root.scrollHeight};
}"""


def round_folder(base: Path | str, round_id: int) -> Path:
    """The round's artefact folder for review screenshots."""
    return Path(base) / f"round-{round_id}"


def screenshot_name(page_key: str) -> str:
    return hashlib.sha256(page_key.encode()).hexdigest()[:20] + ".png"


def _selectors(store: Store, round_id: int, page_key: str) -> list[str]:
    found = []
    for finding in store.findings(round_id, subject_key=page_key):
        found += [e["selector"] for e in finding.evidence if isinstance(e.get("selector"), str)]
    return list(dict.fromkeys(found))


def capture_pages(
    store: Store,
    catalog: Catalog,
    round_id: int,
    base: Path | str,
    executable: str | None = None,
    timeout_s: float = 30.0,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Open every audited page of a web round once more and record what the reviewer is shown; returns the count.

    The DOM hash is the fingerprint of manual criteria, so verdicts may carry (or go stale) only now: the round
    is rescored when any verdict exists."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    folder = round_folder(base, round_id)
    folder.mkdir(parents=True, exist_ok=True)
    pages = sorted(k for k in store.audited_keys(round_id) if k.startswith("page:"))
    subjects = {s.key: s for s in store.subjects(keys=pages)}
    done = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable or find_chromium(), args=list(LAUNCH_ARGS))
        try:
            context = browser.new_context(viewport=VIEWPORT)
            for key in pages:
                subject = subjects.get(key)
                if subject is None or not subject.url or subject.attributes.get("error"):
                    continue
                tab = context.new_page()
                try:
                    tab.goto(subject.url, timeout=timeout_s * 1000, wait_until="load")
                    measured = tab.evaluate(_MEASURE, _selectors(store, round_id, key))
                    name = screenshot_name(key)
                    height = min(int(measured["height"] or VIEWPORT["height"]), MAX_HEIGHT)
                    width = int(measured["width"] or VIEWPORT["width"])
                    tab.screenshot(
                        path=str(folder / name), full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height}
                    )
                    boxes = {s: b for s, b in measured["boxes"].items() if b[1] < height and b[2] > 0 and b[3] > 0}
                    store.put_capture(
                        ReviewCapture(
                            round_id,
                            key,
                            hashlib.sha256(measured["html"].encode("utf-8")).hexdigest()[:16],
                            now_iso(),
                            name,
                            width,
                            height,
                            boxes,
                        )
                    )
                    done += 1
                    if progress:
                        progress(subject.url)
                except PlaywrightError:
                    continue  # a page that no longer loads keeps the fallback fingerprint and shows no screenshot
                finally:
                    tab.close()
        finally:
            browser.close()
    if store.has_verdicts(round_id):
        from audit.runs import score_round  # the package imports audit.runs.review, which this module imports

        score_round(store, catalog, round_id)
    return done
