"""Which findings a third-party accessibility toolbar caused (reference §4.1 step 6).

A script injected before any page script (`init_script`) remembers, without touching the DOM, the nodes
a toolbar script inserted and the attributes it set: a call counts as the toolbar's when its JavaScript
stack passes through a script whose URL matches a toolbar fingerprint. After axe-core ran, each failing
or incomplete node is looked up: inside a toolbar container (`#ciic_wza`, `#wzagjt`, …), inside or on a
node the toolbar inserted, or carrying the toolbar's own attributes (`aria-playertitle`, …, or aria-*
set by its script) -> `origin: third-party-toolbar`, so the webmaster and the vendor each see their share.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

ORIGIN_TOOLBAR = "third-party-toolbar"

_INIT = """(() => {
  if (window.__a11yToolbarOrigin) return;
  const patterns = %s.map(p => new RegExp(p, 'i'));
  const nodes = new WeakSet(), attrs = new WeakMap();
  Object.defineProperty(window, '__a11yToolbarOrigin', {value: {nodes, attrs}, enumerable: false});
  const fromToolbar = () => {
    const limit = Error.stackTraceLimit; Error.stackTraceLimit = 12;
    const stack = new Error().stack || ''; Error.stackTraceLimit = limit;
    return patterns.some(p => p.test(stack));
  };
  const wrap = (proto, name, pick) => {
    const original = proto[name];
    if (typeof original !== 'function') return;
    proto[name] = function (...args) {
      if (fromToolbar()) for (const n of pick(args)) if (n && typeof n === 'object') nodes.add(n);
      return original.apply(this, args);
    };
  };
  wrap(Node.prototype, 'appendChild', a => [a[0]]);
  wrap(Node.prototype, 'insertBefore', a => [a[0]]);
  wrap(Node.prototype, 'replaceChild', a => [a[0]]);
  for (const name of ['append', 'prepend', 'before', 'after', 'replaceWith']) wrap(Element.prototype, name, a => a);
  wrap(Element.prototype, 'insertAdjacentElement', a => [a[1]]);
  const setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (fromToolbar()) {
      let names = attrs.get(this);
      if (!names) attrs.set(this, names = new Set());
      names.add(String(name).toLowerCase());
    }
    return setAttribute.call(this, name, value);
  };
})();"""

_LOOKUP = """([selectors, containers, attributes]) => {
  const o = window.__a11yToolbarOrigin;
  const within = containers.length ? containers.join(',') : null;
  return selectors.map(selector => {
    let el = null;
    try { el = axe.utils.shadowSelect(selector); } catch (e) { return null; }
    if (!el) return null;
    try { if (within && el.closest(within)) return 'container'; } catch (e) { /* a bad selector in the data */ }
    for (let n = el; n; n = n.parentNode || n.host) if (o && o.nodes.has(n)) return 'inserted';
    if (attributes.some(a => el.hasAttribute(a))) return 'attribute';
    const set = o && o.attrs.get(el);
    if (set && [...set].some(a => a.startsWith('aria-') || attributes.includes(a))) return 'attribute';
    return null;
  });
}"""


def init_script(options: Mapping[str, Any]) -> str:
    """The tracker, given the overlay-toolbar check's options (its script patterns)."""
    patterns = [entry["pattern"] for entry in options.get("scripts", [])]
    return _INIT % json.dumps(patterns)


def _nodes(results: Mapping[str, Any]) -> Iterable[dict]:
    for kind in ("violations", "incomplete"):
        for rule in results.get(kind, []):
            yield from (n for n in rule.get("nodes", []) if n and n.get("target"))


async def attribute(tab: Any, results: Mapping[str, Any], options: Mapping[str, Any]) -> int:
    """Mark axe's failing/incomplete nodes the toolbar caused with node['origin']; how many were marked."""
    containers = list(options.get("containers", []))
    attributes = [a.lower() for a in options.get("attributes", [])]
    by_frame: dict[str, tuple[list, list[dict]]] = {}
    for node in _nodes(results):
        target = node["target"]
        frame_path, selector = list(target[:-1]), target[-1]
        by_frame.setdefault(json.dumps(frame_path), (frame_path, []))[1].append((selector, node))
    marked = 0
    for frame_path, items in by_frame.values():
        try:
            origins = await tab.evaluate(_LOOKUP, [[s for s, _ in items], containers, attributes], frame_path)
        except Exception:  # noqa: BLE001, S112 - a frame gone since axe ran (any driver's error): its nodes stay
            # unattributed (the site's)
            continue
        for (_, node), how in zip(items, origins or []):
            if how:
                node["origin"] = ORIGIN_TOOLBAR
                node["origin_by"] = how
                marked += 1
    return marked
