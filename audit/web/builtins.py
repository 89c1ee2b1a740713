"""Probes beyond axe-core, each answering one built-in check: focus visible, reflow, elder mode, toolbars."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from audit.model.vocab import Outcome


@dataclass(frozen=True)
class ProbeResult:
    outcome: Outcome
    passed: int | None = None
    failed: int | None = None
    evidence: tuple[Mapping[str, Any], ...] = ()
    measured: Any = None
    required: Any = None
    note: str = ""


@dataclass
class PageFacts:
    """What the probes may share about the page being audited."""

    url: str
    is_home: bool
    toolbars: list = field(default_factory=list)


# Styles compared between the unfocused and the focused state of one element.
_STYLE_SNAPSHOT = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  if (el.tagName === 'IFRAME' || el.tagName === 'FRAME') return {frame: true};
  const pick = (s) => ({outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
      ? s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor : 'none',
    shadow: s.boxShadow, border: s.borderTopColor + s.borderBottomColor + s.borderTopWidth + s.borderBottomWidth,
    background: s.backgroundColor, color: s.color, decoration: s.textDecorationLine});
  const focused = pick(getComputedStyle(el));
  const sel = (e) => e.id ? '#' + CSS.escape(e.id) : e.tagName.toLowerCase() +
      (e.getAttribute('href') ? '[href="' + e.getAttribute('href').slice(0, 80).replace(/"/g, '\\\\"') + '"]' : '');
  const info = {selector: sel(el), html: el.outerHTML.slice(0, 300)};
  el.blur();
  const plain = pick(getComputedStyle(el));
  el.focus({focusVisible: true});
  const changed = Object.keys(focused).filter(k => focused[k] !== plain[k]);
  return {...info, changed, focused: focused.outline};
}"""


async def focus_visible(tab: Any, options: Mapping[str, Any], facts: PageFacts) -> ProbeResult:
    """Tab through the first N focusable elements; each must look different when focused."""
    limit = int(options.get("max_elements", 30))
    await tab.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    passed, failed, evidence, seen = 0, 0, [], set()
    for _ in range(limit):
        await tab.press_tab()
        state = await tab.evaluate(_STYLE_SNAPSHOT)
        if state is None or state.get("frame"):
            continue
        key = state["selector"] + state["html"]
        if key in seen:  # focus wrapped around to the start
            break
        seen.add(key)
        if state["changed"]:
            passed += 1
        else:
            failed += 1
            if len(evidence) < 10:
                evidence.append(
                    {
                        "selector": state["selector"],
                        "html": state["html"],
                        "url": facts.url,
                        "message": "no visible change of outline, shadow, border, background or colour "
                        "when focused / 获得焦点时外观无可见变化",
                    }
                )
    if passed + failed == 0:
        return ProbeResult(Outcome.NA, note="no focusable elements")
    outcome = Outcome.FAIL if failed else Outcome.PASS
    return ProbeResult(outcome, passed, failed, tuple(evidence), measured=f"{passed}/{passed + failed} visible")


_SCROLL_WIDTH = """() => ({scroll: Math.max(document.documentElement.scrollWidth, document.body ? document.body.scrollWidth : 0),
  client: document.documentElement.clientWidth})"""


async def reflow(tab: Any, options: Mapping[str, Any], facts: PageFacts) -> ProbeResult:
    """At a 320 CSS px wide viewport the document must not be wider than the viewport."""
    width, height = int(options.get("width", 320)), int(options.get("height", 256))
    tolerance = int(options.get("tolerance_px", 2))
    await tab.set_viewport(width, height)
    await tab.evaluate("() => new Promise(r => requestAnimationFrame(() => r(null)))")  # let layout settle
    size = await tab.evaluate(_SCROLL_WIDTH)
    overflow = size["scroll"] - size["client"]
    measured = f"{size['scroll']} px"
    required = f"≤ {size['client']} px"
    if overflow > tolerance:
        return ProbeResult(
            Outcome.FAIL,
            0,
            1,
            (
                {
                    "url": facts.url,
                    "message": f"horizontal scroll at {width} px: content {size['scroll']} px wide / 水平滚动",
                },
            ),
            measured,
            required,
        )
    return ProbeResult(Outcome.PASS, 1, 0, (), measured, required)


_CONTROLS = "a, button, [role=button], [role=link], input[type=button]"
_CONTROL_NAMES = """(selector) => Array.from(document.querySelectorAll(selector))
  .slice(0, 3000).map((e, index) => ({index, name: [e.textContent, e.getAttribute('aria-label'), e.getAttribute('title'), e.value,
    ...Array.from(e.querySelectorAll('img[alt]')).map(i => i.alt)].filter(Boolean).join(' ').replace(/\\s+/g, ' ').trim().slice(0, 80),
    html: e.outerHTML.slice(0, 300), id: e.id}))"""

# The main text's font size: the size (in CSS px, times CSS zoom) carrying the most visible characters
# of the main content; a marker tells a fresh document (the entry navigated) from the same one.
_MAIN_TEXT_SIZE = """() => {
  const root = document.querySelector('main, [role=main], #main, .main, article') || document.body;
  if (!root) return null;
  const weights = new Map();
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node, count = 0;
  while ((node = walker.nextNode()) && count < 5000) {
    const text = node.textContent.replace(/\\s+/g, '');
    const el = node.parentElement;
    if (!text || !el || ['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(el.tagName) || !el.getClientRects().length) continue;
    count++;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden') continue;
    const px = Math.round(parseFloat(style.fontSize) * (el.currentCSSZoom || 1) * 10) / 10;
    weights.set(px, (weights.get(px) || 0) + text.length);
  }
  let best = null;
  for (const [px, chars] of weights) if (best === null || chars > weights.get(best)) best = px;
  return {px: best, fresh: !window.__a11yAuditMark, ready: document.readyState, url: location.href};
}"""
_MARK = "() => { window.__a11yAuditMark = true; }"
_CLICK = """([selector, index]) => { const el = document.querySelectorAll(selector)[index];
  if (!el) return false;
  if (el.tagName === 'A' && el.hasAttribute('target')) el.removeAttribute('target');  // stay in this tab
  el.click(); return true; }"""
_OLD_FIXED = """() => { if (!window.aria || typeof window.aria.oldFixedStart !== 'function') return false;
  window.aria.oldFixedStart(); return true; }"""


async def _main_text(tab: Any) -> dict | None:
    try:
        return await tab.evaluate(_MAIN_TEXT_SIZE)
    except Exception:  # noqa: BLE001 - the page is navigating (any driver's error): no answer yet
        return None


async def _activate(
    tab: Any, action: str, arg: Any, before: float, options: Mapping[str, Any]
) -> tuple[bool, float | None]:
    """Run the activation; poll the main text's size until it grew or the wait ran out. (activated, after px)."""
    wait, growth = float(options.get("wait_s", 3)), float(options.get("min_growth_px", 1))
    await tab.evaluate(_MARK)
    try:
        if not await tab.evaluate(action, arg):
            return False, None
    except Exception:  # noqa: BLE001, S110 - the click navigated at once: the new document answers below
        pass
    after, deadline = None, time.monotonic() + wait
    while time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        state = await _main_text(tab)
        if not state or state["px"] is None or (state["fresh"] and state["ready"] != "complete"):
            continue
        after = state["px"]
        if after >= before + growth:
            break
    return True, after


async def elder_mode_entry(tab: Any, options: Mapping[str, Any], facts: PageFacts) -> ProbeResult:
    """On the home page, find an elder/accessibility mode entry (or a toolbar's elder mode), activate it and
    confirm that the main text grew. Runs last: the activation may change or leave the page."""
    if not facts.is_home:
        return ProbeResult(Outcome.NA, note="checked on home pages only")
    activation = options.get("activate", {})
    generic = {k.lower() for k in options.get("generic_keywords", [])}
    controls = await tab.evaluate(_CONTROL_NAMES, _CONTROLS)
    entry = None
    for keyword in (k.lower() for k in options.get("keywords", []) if k):  # the list is in order of preference
        entry = next((c for c in controls if keyword in c["name"].lower()), None)
        if entry:
            break
    toolbar = facts.toolbars[0]["family"] if facts.toolbars else None
    if entry is None and toolbar is None:
        return ProbeResult(
            Outcome.FAIL,
            0,
            1,
            (
                {
                    "url": facts.url,
                    "message": "no elder-friendly or accessibility mode entry found / 未发现适老化或无障碍模式入口",
                },
            ),
            measured="none",
        )
    if entry is not None:
        via, evidence = entry["name"], {"html": entry["html"], "url": facts.url}
        action, arg = _CLICK, [_CONTROLS, entry["index"]]
        is_generic = any(k in entry["name"].lower() for k in generic) and not any(
            k.lower() in entry["name"].lower() for k in options.get("keywords", []) if k.lower() not in generic
        )
    else:
        via, evidence = f"toolbar {toolbar}: aria.oldFixedStart()", {"url": facts.url}
        action, arg, is_generic = _OLD_FIXED, None, False
    await tab.set_viewport(*activation.get("viewport", (1280, 1024)))  # a probe before may have narrowed it
    start = await _main_text(tab)
    if not start or start["px"] is None:
        return ProbeResult(
            Outcome.REVIEW,
            evidence=({**evidence, "message": f"entry: {via}; no main text to measure"},),
            measured={"via": via},
            note="main text could not be measured / 无法测量正文字号",
        )
    before = start["px"]
    try:
        activated, after = await _activate(tab, action, arg, before, activation)
    except Exception as exc:  # noqa: BLE001 - the page refused the click or script: a person must look
        activated, after = False, None
        evidence = {**evidence, "detail": f"{type(exc).__name__}: {exc}"[:200]}
    measured = {
        "via": via,
        "before_px": before,
        "after_px": after,
        "text": f"{before:g} px → {after:g} px" if after is not None else f"{before:g} px → ?",
    }
    required = f"> {before:g} px"
    if not activated or after is None:
        return ProbeResult(
            Outcome.REVIEW,
            evidence=({**evidence, "message": f"entry: {via}; could not be activated automatically / 无法自动启用"},),
            measured=measured,
            required=required,
            note="entry found but not activated automatically / 找到入口但无法自动启用",
        )
    grew = after >= before + float(activation.get("min_growth_px", 1))
    message = f"entry: {via}; main text {measured['text']} / 正文字号 {measured['text']}"
    if grew:
        return ProbeResult(Outcome.PASS, 1, 0, ({**evidence, "message": message},), measured, required)
    outcome = Outcome.REVIEW if is_generic else Outcome.FAIL  # a generic 无障碍 entry may open a toolbar instead
    return ProbeResult(
        outcome,
        0,
        1,
        ({**evidence, "message": message + " (no larger text / 字号未增大)"},),
        measured,
        required,
        note="activated, but the main text did not grow / 已启用，但正文字号未增大",
    )


_TOOLBAR_SIGNALS = """([globals, ids]) => ({
  scripts: Array.from(document.scripts).map(s => s.src).filter(Boolean),
  resources: performance.getEntriesByType('resource').map(r => r.name).slice(0, 2000),
  globals: globals.filter(g => typeof window[g] !== 'undefined'),
  ids: ids.filter(i => document.getElementById(i))})"""


async def overlay_toolbar(tab: Any, options: Mapping[str, Any], facts: PageFacts) -> ProbeResult:
    """Fingerprint third-party toolbars. Always n/a: recorded as information, never as credit."""
    signals = await tab.evaluate(
        _TOOLBAR_SIGNALS, [list(options.get("globals", [])), list(options.get("element_ids", []))]
    )
    found = []
    for entry in options.get("scripts", []):
        pattern = re.compile(entry["pattern"], re.IGNORECASE)
        match = next((u for u in signals["scripts"] + signals["resources"] if pattern.search(u)), None)
        if match:
            found.append({"family": entry["family"], "script": match[:300]})
    if not found and (signals["globals"] or signals["ids"]):
        found.append({"family": "unknown", "globals": signals["globals"], "ids": signals["ids"]})
    facts.toolbars = found
    evidence = tuple(
        {"url": facts.url, "message": f"toolbar {t['family']}", **({"html": t["script"]} if "script" in t else {})}
        for t in found
    )
    return ProbeResult(
        Outcome.NA,
        evidence=evidence,
        measured={"present": bool(found), "toolbars": found},
        note="information only: a toolbar earns no credit / 仅作信息记录，不计分",
    )


Probe = Callable[[Any, Mapping[str, Any], PageFacts], Awaitable[ProbeResult]]
# Order matters: the toolbar probe feeds the elder-mode probe; reflow changes the viewport. Late probes run
# after everything else (screenshots included) because they may change the page or leave it.
PROBES: dict[str, Probe] = {
    "overlay-toolbar": overlay_toolbar,
    "focus-visible": focus_visible,
    "reflow": reflow,
    "elder-mode-entry": elder_mode_entry,
}
LATE_PROBES = frozenset({"elder-mode-entry"})
