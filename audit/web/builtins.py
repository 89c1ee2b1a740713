"""Probes beyond axe-core, each answering one built-in check: focus visible, reflow, elder mode, toolbars."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Mapping

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
                evidence.append({"selector": state["selector"], "html": state["html"], "url": facts.url,
                                 "message": "no visible change of outline, shadow, border, background or colour "
                                            "when focused / 获得焦点时外观无可见变化"})
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
        return ProbeResult(Outcome.FAIL, 0, 1, ({"url": facts.url, "message":
                           f"horizontal scroll at {width} px: content {size['scroll']} px wide / 水平滚动"},),
                           measured, required)
    return ProbeResult(Outcome.PASS, 1, 0, (), measured, required)


_CONTROL_NAMES = """() => Array.from(document.querySelectorAll('a, button, [role=button], [role=link], input[type=button]'))
  .slice(0, 3000).map(e => ({name: [e.textContent, e.getAttribute('aria-label'), e.getAttribute('title'), e.value,
    ...Array.from(e.querySelectorAll('img[alt]')).map(i => i.alt)].filter(Boolean).join(' ').replace(/\\s+/g, ' ').trim().slice(0, 80),
    html: e.outerHTML.slice(0, 300), id: e.id}))"""


async def elder_mode_entry(tab: Any, options: Mapping[str, Any], facts: PageFacts) -> ProbeResult:
    """On the home page, a link or button named like an elder/accessibility mode (or a detected toolbar)."""
    if not facts.is_home:
        return ProbeResult(Outcome.NA, note="checked on home pages only")
    keywords = [k.lower() for k in options.get("keywords", [])]
    for control in await tab.evaluate(_CONTROL_NAMES):
        name = control["name"].lower()
        hit = next((k for k in keywords if k and k in name), None)
        if hit:
            return ProbeResult(Outcome.PASS, 1, 0, ({"html": control["html"], "url": facts.url,
                                                     "message": f"entry: {control['name']}"},), measured=control["name"])
    if facts.toolbars:
        family = facts.toolbars[0]["family"]
        return ProbeResult(Outcome.PASS, 1, 0, ({"url": facts.url, "message": f"entry via toolbar {family}"},),
                           measured=f"toolbar {family}", note="offered through a third-party toolbar")
    return ProbeResult(Outcome.FAIL, 0, 1, ({"url": facts.url, "message": "no elder-friendly or accessibility mode "
                                             "entry found / 未发现适老化或无障碍模式入口"},), measured="none")


_TOOLBAR_SIGNALS = """([globals, ids]) => ({
  scripts: Array.from(document.scripts).map(s => s.src).filter(Boolean),
  resources: performance.getEntriesByType('resource').map(r => r.name).slice(0, 2000),
  globals: globals.filter(g => typeof window[g] !== 'undefined'),
  ids: ids.filter(i => document.getElementById(i))})"""


async def overlay_toolbar(tab: Any, options: Mapping[str, Any], facts: PageFacts) -> ProbeResult:
    """Fingerprint third-party toolbars. Always n/a: recorded as information, never as credit."""
    signals = await tab.evaluate(_TOOLBAR_SIGNALS, [list(options.get("globals", [])), list(options.get("element_ids", []))])
    found = []
    for entry in options.get("scripts", []):
        pattern = re.compile(entry["pattern"], re.I)
        match = next((u for u in signals["scripts"] + signals["resources"] if pattern.search(u)), None)
        if match:
            found.append({"family": entry["family"], "script": match[:300]})
    if not found and (signals["globals"] or signals["ids"]):
        found.append({"family": "unknown", "globals": signals["globals"], "ids": signals["ids"]})
    facts.toolbars = found
    evidence = tuple({"url": facts.url, "message": f"toolbar {t['family']}", **({"html": t["script"]} if "script" in t else {})}
                     for t in found)
    return ProbeResult(Outcome.NA, evidence=evidence, measured={"present": bool(found), "toolbars": found},
                       note="information only: a toolbar earns no credit / 仅作信息记录，不计分")


Probe = Callable[[Any, Mapping[str, Any], PageFacts], Awaitable[ProbeResult]]
# Order matters: the toolbar probe feeds the elder-mode probe; reflow changes the viewport, so it runs last.
PROBES: dict[str, Probe] = {
    "overlay-toolbar": overlay_toolbar,
    "elder-mode-entry": elder_mode_entry,
    "focus-visible": focus_visible,
    "reflow": reflow,
}
