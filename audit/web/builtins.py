"""Probes beyond axe-core, each answering one built-in check: focus visible, reflow, elder mode, toolbars."""

from __future__ import annotations

import asyncio
import functools
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from audit.catalog import Messages, default_root
from audit.model.vocab import Outcome
from audit.web.urls import same_site


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


@functools.cache
def _messages() -> Messages:
    return Messages.load(default_root())


def say(key: str, **values: Any) -> str:
    """A probe message in Chinese and English (checklists/messages/web.yaml): evidence is read in either."""
    return _messages().both(key, **values)


# Records, from the page itself, every element that received focus since the last look, and gives each element
# an identity (a WeakMap number): two identical links are two stops, and an element that blurs itself on focus
# (WCAG F55) is seen although the focus is back on <body> when we look.
_FOCUS_WATCH = """() => {
  if (!window.__a11yAuditFocus) {
    const state = {ids: new WeakMap(), next: 1, log: []};
    // 'focus' in the capture phase runs before the element's own onfocus handler, which may blur it at once
    document.addEventListener('focus', (e) => { if (e.target && e.target.nodeType === 1) state.log.push(e.target); }, true);
    window.__a11yAuditFocus = state;
  }
  window.__a11yAuditFocus.log = [];
  document.activeElement && document.activeElement.blur();
  window.scrollTo(0, 0);
}"""

# After one Tab press: the focused element's identity and whether its style changed with focus; or the element
# that took the focus and dropped it (focus back on the body); or null when focus left the document.
_FOCUS_STEP = """() => {
  const state = window.__a11yAuditFocus;
  if (!state) return {reset: true};
  const log = state.log;
  const id = (e) => { if (!state.ids.has(e)) state.ids.set(e, state.next++); return state.ids.get(e); };
  const sel = (e) => e.id ? '#' + CSS.escape(e.id) : e.tagName.toLowerCase() +
      (e.getAttribute('href') ? '[href="' + e.getAttribute('href').slice(0, 80).replace(/"/g, '\\\\"') + '"]' : '');
  const where = (e) => { const path = []; let n = e;  // the body child holding it, and the way down to it
    for (; n && n.parentElement && n.parentElement !== document.body; n = n.parentElement)
      path.unshift(Array.prototype.indexOf.call(n.parentElement.children, n));
    return n && n.parentElement === document.body
      ? {block: Array.prototype.indexOf.call(document.body.children, n), path} : {block: -1, path: null}; };
  const info = (e) => ({id: id(e), selector: sel(e), html: e.outerHTML.slice(0, 300), ...where(e)});
  const el = document.activeElement;
  const isRoot = (e) => !e || e === document.body || e === document.documentElement;
  if (isRoot(el)) {
    const lost = log.filter(e => !isRoot(e));
    state.log = [];
    return lost.length ? {lost: true, ...info(lost[lost.length - 1])} : null;
  }
  if (el.tagName === 'IFRAME' || el.tagName === 'FRAME') { state.log = []; return {frame: true}; }
  const pick = (s) => ({outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
      ? s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor : 'none',
    shadow: s.boxShadow, border: s.borderTopColor + s.borderBottomColor + s.borderTopWidth + s.borderBottomWidth,
    background: s.backgroundColor, color: s.color, decoration: s.textDecorationLine});
  const focused = pick(getComputedStyle(el));
  const result = info(el);
  el.blur();
  const plain = pick(getComputedStyle(el));
  el.focus({focusVisible: true});
  state.log = [];  // our own blur and focus are not the page's
  const changed = Object.keys(focused).filter(k => focused[k] !== plain[k]);
  return {...result, changed, focused: focused.outline};
}"""


# The key of the first `m` + 1 children of <body> for the focus walk: a later page with the same key meets the same
# first stops in them, in the same order, because sequential focus starts at the top of the document (no positive
# tabindex; no frames or shadow roots in them) and everything that can change a stop's focus style or behaviour is
# in the key: their markup, the page's skeleton, style sheets and scripts, the viewport. None: not reusable.
_FOCUS_KEYS = """(ms) => {
  const runner = typeof window.axe === 'object' && axe.__a11yAudit;
  if (!runner || !runner.hash || !document.body) return null;
  if (Array.from(document.querySelectorAll('[tabindex]')).some(e => e.tabIndex > 0)) return null;
  const kids = Array.from(document.body.children);
  const shallow = e => e.cloneNode(false).outerHTML;
  const page = [shallow(document.documentElement), shallow(document.body), ...kids.map(shallow),
    ...Array.from(document.querySelectorAll('link[rel~=stylesheet i], style')).map(e => e.href || e.textContent),
    ...Array.from(document.scripts).map(e => e.src || e.textContent), innerWidth, innerHeight].join('\\n');
  const plain = k => !k.matches('iframe, frame') && !k.querySelector('iframe, frame')
    && ![k, ...k.querySelectorAll('*')].some(e => e.shadowRoot);
  const out = {};
  for (const m of ms) {
    const prefix = kids.slice(0, m + 1);
    out[m] = prefix.length === m + 1 && prefix.every(plain)
      ? runner.hash(page + '\\n' + m + '\\n' + prefix.map(k => k.outerHTML).join('\\n')) : null;
  }
  return out;
}"""
# Takes the stops of a known prefix as met (their identities, so a wrap-around is still seen) and puts the focus on
# the last one, where the walk goes on from; null when one is missing.
_FOCUS_SEED = """(where) => { const state = window.__a11yAuditFocus;
  const found = where.map(([block, path]) => { let n = document.body && document.body.children[block];
    for (const i of path) n = n && n.children[i];
    return n; });
  if (!state || !found.length || found.some(e => !e)) return null;
  const ids = found.map(e => { if (!state.ids.has(e)) state.ids.set(e, state.next++); return state.ids.get(e); });
  found[found.length - 1].focus({focusVisible: true});
  state.log = [];
  return ids; }"""
_FOCUS_PROBLEMS = {"lost": "web.probe.focus.lost", "invisible": "web.probe.focus.invisible"}


async def _known_prefix(tab: Any, cache: dict, options: tuple) -> list[dict]:
    """The stops of the longest prefix of this page's template already walked in this run, [] when none."""
    blocks = cache.get(("focus-blocks", *options), set())
    keys = await tab.evaluate(_FOCUS_KEYS, sorted(blocks)) if blocks else None
    known = [cache.get(("focus", *options, key)) for key in (keys or {}).values() if key]
    return max((stops for stops in known if stops), key=len, default=[])


def _record_prefixes(stops: list[dict], limit: int, complete: bool) -> dict[int, list[dict]]:
    """block index m -> the walk's stops in the first m + 1 children of <body>, where those are all of their stops:
    the blocks before the last stop's, and the last stop's own when the walk ended at the limit there."""
    last = stops[-1]["where"][0]
    prefixes = {}
    before = [s for s in stops if s["where"][0] < last]
    if before and before[-1]["kind"] != "lost":
        prefixes[last - 1] = before
    if complete and len(stops) >= limit and stops[-1]["kind"] != "lost":
        prefixes[last] = stops[:limit]
    return prefixes


async def focus_visible(tab: Any, options: Mapping[str, Any], facts: PageFacts) -> ProbeResult:
    """Tab through the first N focusable elements, by element identity; each must look different when
    focused, and none may drop the focus it was given (F55). Stops in template blocks already walked in this run
    (the same header on every page, see _FOCUS_KEYS) are taken from that walk and the walk goes on after them."""
    limit = int(options.get("max_elements", 30))
    presses = int(options.get("max_presses", 2 * limit + 10))  # frames and off-document stops cost presses too
    cache, walk_options = getattr(tab, "components", None), (limit, presses)
    prefix = await _known_prefix(tab, cache, walk_options) if cache is not None else []
    await tab.evaluate(_FOCUS_WATCH)
    passed, failed, evidence, seen, stops = 0, 0, [], set(), []
    ids = await tab.evaluate(_FOCUS_SEED, [s["where"] for s in prefix]) if prefix else None
    reusable = True
    for stop, element in zip(prefix, ids or []):
        seen.add(element)
        stops.append(stop)
        if stop["kind"] == "visible":
            passed += 1
            continue
        failed += 1
        if len(evidence) < 10:
            problem = say(_FOCUS_PROBLEMS[stop["kind"]])
            evidence.append({"selector": stop["selector"], "html": stop["html"], "url": facts.url, "message": problem})
    for _ in range(presses - len(stops)):
        if passed + failed >= limit:
            break
        await tab.press_tab()
        state = await tab.evaluate(_FOCUS_STEP)
        if state and state.get("reset"):  # the page reloaded itself: watch the new document
            reusable = False
            await tab.evaluate(_FOCUS_WATCH)
            continue
        if state is None or state.get("frame"):
            reusable = reusable and state is None
            continue
        if state["id"] in seen:  # focus wrapped around to an element already met
            break
        seen.add(state["id"])
        kind = "lost" if state.get("lost") else "visible" if state["changed"] else "invisible"
        reusable = reusable and state.get("block", -1) >= 0
        stops.append(
            {
                "where": [state.get("block"), state.get("path")],
                "kind": kind,
                "selector": state["selector"],
                "html": state["html"],
            }
        )
        if kind == "visible":
            passed += 1
            continue
        failed += 1
        if len(evidence) < 10:
            evidence.append(
                {
                    "selector": state["selector"],
                    "html": state["html"],
                    "url": facts.url,
                    "message": say(_FOCUS_PROBLEMS[kind]),
                }
            )
    if passed + failed == 0:
        return ProbeResult(Outcome.NA, note=say("web.probe.focus.none"))
    if cache is not None and reusable:
        await _record_walk(tab, cache, walk_options, _record_prefixes(stops, limit, passed + failed >= limit))
    outcome = Outcome.FAIL if failed else Outcome.PASS
    return ProbeResult(outcome, passed, failed, tuple(evidence), measured=f"{passed}/{passed + failed} visible")


async def _record_walk(tab: Any, cache: dict, options: tuple, prefixes: dict[int, list[dict]]) -> None:
    """Keep the walk's stops by template prefix (see _FOCUS_KEYS) for the later pages of this run."""
    if not prefixes:
        return
    keys = await tab.evaluate(_FOCUS_KEYS, sorted(prefixes)) or {}
    for m, stops in prefixes.items():
        key = keys.get(str(m))
        if key:
            cache.setdefault(("focus-blocks", *options), set()).add(m)
            cache[("focus", *options, key)] = stops


# The page's width, and the elements that make it scroll sideways: boxes reaching past the viewport whose
# parent does not (the outermost cause), skipping whatever lies inside its own scroll container (a data table
# in an overflow-x: auto wrapper, a map) or is fixed to the viewport: WCAG 1.4.10 excepts those.
_OVERFLOW = """([tolerance, cap]) => {
  window.scrollTo(0, 0);
  const doc = document.documentElement;
  const client = doc.clientWidth;
  const scroll = Math.max(doc.scrollWidth, document.body ? document.body.scrollWidth : 0);
  const culprits = [];
  if (scroll - client <= tolerance || !document.body) return {scroll, client, culprits};
  const path = (e) => {
    const parts = [];
    for (let n = e; n && n.nodeType === 1 && n !== doc && parts.length < 4; n = n.parentElement) {
      if (n.id) { parts.unshift('#' + CSS.escape(n.id)); break; }
      let part = n.tagName.toLowerCase();
      const cls = Array.from(n.classList).slice(0, 2).map(c => '.' + CSS.escape(c)).join('');
      const same = n.parentElement ? Array.from(n.parentElement.children).filter(c => c.tagName === n.tagName) : [];
      part += cls || (same.length > 1 ? ':nth-of-type(' + (same.indexOf(n) + 1) + ')' : '');
      parts.unshift(part);
    }
    return parts.join(' > ');
  };
  let visited = 0;
  const walk = (el, parentOverflows) => {
    if (culprits.length >= cap || visited++ > 20000) return;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.position === 'fixed') return;
    const rect = el.getBoundingClientRect();
    const overflows = rect.width > 0 && (rect.right > client + tolerance || rect.left < -tolerance);
    if (overflows && !parentOverflows) {
      const tag = el.cloneNode(false).outerHTML;
      culprits.push({selector: path(el), html: (tag.length > 300 ? tag.slice(0, 300) : el.outerHTML.slice(0, 300)),
        width: Math.round(rect.width), overflow: Math.round(Math.max(rect.right - client, -rect.left))});
    }
    if (['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX)) return;  // its own scroll container
    for (const child of el.children) walk(child, overflows);
  };
  walk(document.body, false);
  return {scroll, client, culprits};
}"""


async def reflow(tab: Any, options: Mapping[str, Any], facts: PageFacts) -> ProbeResult:
    """At a 320 CSS px wide viewport the page must not scroll sideways; the elements that make it do are named."""
    width, height = int(options.get("width", 320)), int(options.get("height", 256))
    tolerance = int(options.get("tolerance_px", 2))
    await tab.set_viewport(width, height)
    await tab.evaluate("() => new Promise(r => requestAnimationFrame(() => r(null)))")  # let layout settle
    size = await tab.evaluate(_OVERFLOW, [tolerance, int(options.get("max_elements", 5))])
    measured = f"{size['scroll']} px"
    required = f"≤ {size['client']} px"
    if size["scroll"] - size["client"] <= tolerance:
        return ProbeResult(Outcome.PASS, 1, 0, (), measured, required)
    page = say("web.probe.reflow.overflow", width=width, scroll=size["scroll"])
    evidence = [
        {
            "selector": c["selector"],
            "html": c["html"],
            "url": facts.url,
            "message": page + "; " + say("web.probe.reflow.culprit", element_width=c["width"], overflow=c["overflow"]),
        }
        for c in size["culprits"]
    ] or [{"url": facts.url, "message": page + "; " + say("web.probe.reflow.unknown")}]
    return ProbeResult(Outcome.FAIL, 0, 1, tuple(evidence), measured, required)


_CONTROLS = "a, button, [role=button], [role=link], input[type=button]"
_CONTROL_NAMES = """(selector) => Array.from(document.querySelectorAll(selector))
  .slice(0, 3000).map((e, index) => ({index, name: [e.textContent, e.getAttribute('aria-label'), e.getAttribute('title'), e.value,
    ...Array.from(e.querySelectorAll('img[alt]')).map(i => i.alt)].filter(Boolean).join(' ').replace(/\\s+/g, ' ').trim().slice(0, 80),
    html: e.outerHTML.slice(0, 300), id: e.id, href: e.tagName === 'A' && e.href ? e.href : ''}))"""

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
  const nav = performance.getEntriesByType('navigation')[0];
  return {px: best, fresh: !window.__a11yAuditMark, ready: document.readyState, url: location.href,
    status: nav && nav.responseStatus ? nav.responseStatus : null};
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
) -> tuple[bool, dict | None]:
    """Run the activation; poll the main text until it grew or the wait ran out. (activated, last state)."""
    wait, growth = float(options.get("wait_s", 3)), float(options.get("min_growth_px", 1))
    await tab.evaluate(_MARK)
    try:
        if not await tab.evaluate(action, arg):
            return False, None
    except Exception:  # noqa: BLE001, S110 - the click navigated at once: the new document answers below
        pass
    last, deadline = None, time.monotonic() + wait
    while time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        state = await _main_text(tab)
        if not state or state["px"] is None or (state["fresh"] and state["ready"] != "complete"):
            if state and not _is_web(state["url"]):  # a browser error page: nothing more will load
                return True, state
            continue
        last = state
        if state["px"] >= before + growth:
            break
    return True, last


def _is_web(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https")


def _in_site(url: str, home: str) -> bool:
    """A control's target is this site's when it stays on the page (no http link) or on the same site."""
    return not _is_web(url) or same_site(url, home)


def _choose_entry(controls: list[dict], options: Mapping[str, Any], home: str) -> tuple[dict | None, dict | None]:
    """(entry on this site, entry off-site): the first control named with the most preferred keyword."""
    on_site = off_site = None
    for keyword in (k.lower() for k in options.get("keywords", []) if k):  # the list is in order of preference
        for control in controls:
            if keyword not in control["name"].lower():
                continue
            if _in_site(control.get("href", ""), home):
                return control, off_site
            off_site = off_site or control
    return on_site, off_site


def _review(evidence: dict, message: str, **result: Any) -> ProbeResult:
    return ProbeResult(Outcome.REVIEW, evidence=({**evidence, "message": message},), note=message, **result)


async def elder_mode_entry(tab: Any, options: Mapping[str, Any], facts: PageFacts) -> ProbeResult:
    """On the home page, find an elder/accessibility mode entry of this site (or a toolbar's elder mode),
    activate it and confirm that the main text grew without leaving the site. Runs last: the activation may
    change or leave the page."""
    if not facts.is_home:
        return ProbeResult(Outcome.NA, note=say("web.probe.elder.home-only"))
    activation = options.get("activate", {})
    generic = {k.lower() for k in options.get("generic_keywords", [])}
    controls = await tab.evaluate(_CONTROL_NAMES, _CONTROLS)
    entry, off_site = _choose_entry(controls, options, facts.url)
    toolbar = facts.toolbars[0]["family"] if facts.toolbars else None
    if entry is None and toolbar is None:
        if off_site is not None:  # e.g. a W3C "Accessibility" logo: never this site's larger-text mode
            return _review(
                {"html": off_site["html"], "url": facts.url},
                say("web.probe.elder.off-site", via=off_site["name"], url=off_site["href"]),
                measured={"via": off_site["name"], "href": off_site["href"]},
            )
        message = say("web.probe.elder.none")
        return ProbeResult(Outcome.FAIL, 0, 1, ({"url": facts.url, "message": message},), measured="none")
    if entry is not None:
        via, evidence = entry["name"], {"html": entry["html"], "url": facts.url}
        action, arg = _CLICK, [_CONTROLS, entry["index"]]
        is_generic = any(k in entry["name"].lower() for k in generic) and not any(
            k.lower() in entry["name"].lower() for k in options.get("keywords", []) if k.lower() not in generic
        )
    else:
        via, evidence = f"toolbar {toolbar}: aria.oldFixedStart()", {"url": facts.url}
        action, arg, is_generic = _OLD_FIXED, None, False
    # a probe before may have narrowed the viewport; a mobile profile goes back to its own width
    own = getattr(tab, "profile_viewport", None)
    await tab.set_viewport(*(own if own and own[0] < 1024 else activation.get("viewport", (1280, 1024))))
    start = await _main_text(tab)
    if not start or start["px"] is None:
        return _review(evidence, say("web.probe.elder.unmeasured", via=via), measured={"via": via})
    before = start["px"]
    try:
        activated, state = await _activate(tab, action, arg, before, activation)
    except Exception as exc:  # noqa: BLE001 - the page refused the click or script: a person must look
        activated, state = False, None
        evidence = {**evidence, "detail": f"{type(exc).__name__}: {exc}"[:200]}
    after = state["px"] if state else None
    text = f"{before:g} px → {after:g} px" if after is not None else f"{before:g} px → ?"
    measured = {"via": via, "before_px": before, "after_px": after, "text": text}
    required = f"> {before:g} px"
    result = {"measured": measured, "required": required}
    if not activated or state is None:
        return _review(evidence, say("web.probe.elder.not-activated", via=via), **result)
    here = state["url"]
    if not _in_site(here, facts.url) or not _is_web(here):
        measured["landed"] = here[:300]
        return _review(evidence, say("web.probe.elder.left-site", via=via, url=here[:300]), **result)
    if state.get("status") and state["status"] >= 400:
        return _review(evidence, say("web.probe.elder.error-page", via=via, status=state["status"]), **result)
    if after is None:
        return _review(evidence, say("web.probe.elder.unmeasured", via=via), **result)
    if is_generic and state["fresh"]:  # a page named only "accessibility" may be a statement, not a mode
        measured["landed"] = here[:300]
        return _review(evidence, say("web.probe.elder.other-page", via=via, url=here[:300], text=text), **result)
    if after >= before + float(activation.get("min_growth_px", 1)):
        return ProbeResult(
            Outcome.PASS, 1, 0, ({**evidence, "message": say("web.probe.elder.result", via=via, text=text)},), **result
        )
    message = say("web.probe.elder.no-growth", via=via, text=text)
    outcome = Outcome.REVIEW if is_generic else Outcome.FAIL  # a generic 无障碍 entry may open a toolbar instead
    return ProbeResult(outcome, 0, 1, ({**evidence, "message": message},), note=message, **result)


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
        {
            "url": facts.url,
            "message": say("web.probe.toolbar.found", family=t["family"]),
            **({"html": t["script"]} if "script" in t else {}),
        }
        for t in found
    )
    return ProbeResult(
        Outcome.NA,
        evidence=evidence,
        measured={"present": bool(found), "toolbars": found},
        note=say("web.probe.toolbar.note"),
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
