"""axe-core: the vendored script, its zh_CN locale, and a run over every frame of a page."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

VENDOR = Path(__file__).resolve().parent / "vendor"


class FrameScripting(Protocol):
    """What the axe run needs from a driver: scripts in a frame reached by a chain of axe selectors."""

    async def inject(self, source: str, frame_path: Sequence[Any] = ()) -> None: ...
    async def evaluate(self, function: str, arg: Any = None, frame_path: Sequence[Any] = ()) -> Any: ...


@lru_cache(maxsize=1)
def axe_source() -> str:
    return (VENDOR / "axe.min.js").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def axe_version() -> str:
    return (VENDOR / "VERSION").read_text(encoding="utf-8").strip()


@lru_cache(maxsize=1)
def zh_locale() -> dict:
    return json.loads((VENDOR / "locales" / "zh_CN.json").read_text(encoding="utf-8"))


def is_chinese(lang: str | None) -> bool:
    return bool(lang) and lang.lower().replace("_", "-").split("-")[0] == "zh"


def run_options(rule_ids: Iterable[str] | None) -> dict:
    """Options for runPartial/finishRun: only the catalog's rules when given (rules as data)."""
    options: dict[str, Any] = {"selectors": True, "ancestry": False, "xpath": False}
    if rule_ids is not None:
        options["runOnly"] = {"type": "rule", "values": sorted(set(rule_ids))}
    return options


# In the page, beside axe: the locale by name (so it crosses the driver once, inside the bundle), a
# whole-page run that keeps runPartial's results in the page when there are no frames, and a compact
# form of the results. Results come back as one JSON string: drivers relay a string far more cheaply
# than a deep object tree (Playwright validates every node of a returned object in Python).
_HELPERS = """;(() => {
  const locales = {zh: %s};
  // JSON as the browser ships it: the loader captured it before any page script (old portals load
  // Prototype.js, whose Array/String toJSON would turn arrays into strings), and toJSON is set aside.
  const native = typeof __a11yNativeJSON === 'object' ? __a11yNativeJSON : {stringify: JSON.stringify, parse: JSON.parse};
  const protos = [Object.prototype, Array.prototype, String.prototype, Number.prototype, Boolean.prototype];
  const stringify = value => {
    const saved = protos.map(p => Object.getOwnPropertyDescriptor(p, 'toJSON'));
    saved.forEach((d, i) => { if (d && d.configurable) delete protos[i].toJSON; });
    try { return native.stringify.call(JSON, value); }
    finally { saved.forEach((d, i) => { if (d && d.configurable) Object.defineProperty(protos[i], 'toJSON', d); }); }
  };
  const parse = text => native.parse.call(JSON, text);
  // Injected after a page replaced JSON.stringify (no loader ran first): hand back objects, not strings.
  const nativeOK = typeof __a11yNativeJSON === 'object' || /\\{\\s*\\[native code\\]\\s*\\}\\s*$/.test(Function.prototype.toString.call(JSON.stringify));
  const out = value => nativeOK ? stringify(value) : value;
  const node = n => ({target: n.target, html: n.html, failureSummary: n.failureSummary, impact: n.impact});
  // Failing and review nodes in full (the evidence); passes and inapplicable rules only with their node counts.
  const compact = r => Object.assign({}, r, {
    violations: r.violations.map(x => ({id: x.id, impact: x.impact, nodes: x.nodes.map(node)})),
    incomplete: r.incomplete.map(x => ({id: x.id, impact: x.impact, nodes: x.nodes.map(node)})),
    passes: r.passes.map(x => ({id: x.id, nodeCount: x.nodes.length})),
    inapplicable: r.inapplicable.map(x => ({id: x.id, nodeCount: x.nodes.length}))});
  const finish = async (partials, options, small) => {
    const results = await axe.finishRun(partials, options);
    return out(small ? compact(results) : results);
  };
  // Template components: a block (a child of <body>: a portal's top bar, header, menu, footer) that is the same on
  // many pages is audited once per run. Its key covers what axe's results for the block's nodes can depend on:
  // its markup, box and sub-pixel offset; the page's skeleton (the opening tags of <html>, <body> and every child of <body>), style
  // sheets and viewport; every element outside it whose box meets its box, and every target (link, control)
  // outside it within 24 px (target-size, color-contrast). A block is never a component when ids cross its edge
  // (a label, aria reference or header cell pointing in or out, an id used twice), or when it holds frames,
  // shadow roots, image maps, objects or media.
  const components = {
    plan: null,
    hash(text) {  // cyrb53 twice with different seeds: 106 bits
      const one = seed => { let h1 = 0xdeadbeef ^ seed, h2 = 0x41c6ce57 ^ seed;
        for (let i = 0; i < text.length; i++) { const c = text.charCodeAt(i);
          h1 = Math.imul(h1 ^ c, 2654435761); h2 = Math.imul(h2 ^ c, 1597334677); }
        h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
        h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
        return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36); };
      return one(1) + '.' + one(7);
    },
    blocks() {
      const body = document.body;
      if (!body || document.querySelector('iframe, frame')) return [];
      const shallow = e => e.cloneNode(false).outerHTML;
      const kids = Array.from(body.children);
      const page = [shallow(document.documentElement), shallow(body), ...kids.map(shallow),
        ...Array.from(document.querySelectorAll('link[rel~=stylesheet i], style')).map(e => e.href || e.textContent),
        (document.adoptedStyleSheets || []).length, innerWidth, innerHeight, devicePixelRatio].join('\\n');
      const refAttrs = ['for', 'headers', 'list', 'form', 'aria-labelledby', 'aria-describedby', 'aria-controls',
        'aria-owns', 'aria-activedescendant', 'aria-flowto', 'aria-details', 'aria-errormessage'];
      const idCount = new Map();
      for (const e of document.querySelectorAll('[id]')) idCount.set(e.id, (idCount.get(e.id) || 0) + 1);
      const referrers = Array.from(document.querySelectorAll(refAttrs.map(a => '[' + a + ']').join(',')))
        .map(e => [e, refAttrs.flatMap(a => (e.getAttribute(a) || '').split(/\\s+/).filter(Boolean))]);
      const all = Array.from(body.querySelectorAll('*')).map(e => [e, e.getBoundingClientRect()]);
      const targets = new Set(body.querySelectorAll('a[href], area, button, input, select, textarea, summary, '
        + '[tabindex], [role], [onclick], [contenteditable]'));
      const refused = 'iframe, frame, object, embed, map, img[usemap], slot, video, audio, canvas, marquee, blink';
      const out = [];
      kids.forEach((block, index) => {
        if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'LINK', 'META'].includes(block.tagName)) return;
        const inner = Array.from(block.querySelectorAll('*'));
        if (inner.length < 4 || block.matches(refused) || block.querySelector(refused)) return;
        if ([block, ...inner].some(e => e.shadowRoot || (e.id && idCount.get(e.id) > 1))) return;
        for (const [e, ids] of referrers) {
          const inside = block.contains(e);
          for (const id of ids) {
            const target = document.getElementById(id);
            if (target ? block.contains(target) !== inside : inside) return;
          }
        }
        const box = block.getBoundingClientRect();
        const near = [];
        for (const [e, r] of all) {
          if (block.contains(e) || e.contains(block)) continue;
          const meets = r.right > box.left && r.left < box.right && r.bottom > box.top && r.top < box.bottom;
          const close = targets.has(e) && r.right > box.left - 24 && r.left < box.right + 24
            && r.bottom > box.top - 24 && r.top < box.bottom + 24;
          if (meets || close) near.push([e.outerHTML, r.left - box.left, r.top - box.top, r.width, r.height].join(' '));
        }
        // the fraction of its top too: sub-pixel placement moves its lines' boxes (target-size measured 23.4 px
        // against 23.8 px for the same footer link on two pages)
        const key = [page, index, block.outerHTML, box.left, box.width, box.height, box.top - Math.floor(box.top),
          ...near].join('\\n');
        out.push({index, key: components.hash(key)});
      });
      return out;
    },
    path(el, root) {  // child indexes from the block down to the element
      const steps = [];
      for (let n = el; n !== root; n = n.parentElement) steps.unshift(Array.prototype.indexOf.call(n.parentElement.children, n));
      return steps;
    },
    at(root, steps) { let n = root; for (const i of steps) n = n && n.children[i]; return n; },
    // Results with the skipped blocks' recorded nodes put back in document order (selectors computed on this
    // page, as axe would), and what the learnt blocks contributed, by rule, for later pages.
    merge(plan, raw, grouped, elements, results, options) {
      const kids = document.body.children;
      const blockOf = el => { let n = el; while (n && n.parentElement !== document.body) n = n.parentElement; return n; };
      const learn = new Map(plan.learn.map(i => [kids[i], {}]));
      const rule = (map, block, id) => { const rules = map.get(block); return rules[id] || (rules[id] = {passes: 0}); };
      const passes = {}, found = {violations: {}, incomplete: {}};
      grouped.passes.forEach((r, i) => {
        passes[r.id] = r.nodes.length;
        for (const el of elements.passes[i]) { const b = blockOf(el); if (learn.has(b)) rule(learn, b, r.id).passes++; }
      });
      for (const kind of ['violations', 'incomplete']) {
        grouped[kind].forEach((r, i) => {
          found[kind][r.id] = results[kind][i].nodes.map((n, j) => {
            const el = elements[kind][i][j];
            const b = blockOf(el);
            if (learn.has(b)) (rule(learn, b, r.id)[kind] = rule(learn, b, r.id)[kind] || [])
              .push({path: components.path(el, b), html: n.html, failureSummary: n.failureSummary, impact: n.impact});
            return [el, node(n)];
          });
        });
      }
      for (const skip of plan.skip) {
        const root = kids[skip.index];
        for (const [id, recorded] of Object.entries(skip.rules)) {
          passes[id] = (passes[id] || 0) + recorded.passes;
          for (const kind of ['violations', 'incomplete']) for (const n of recorded[kind] || []) {
            const el = components.at(root, n.path);
            if (!el) throw new Error('a11y-audit: a recorded component changed');
            (found[kind][id] = found[kind][id] || []).push([el, {target: [axe.utils.getSelector(el, options)],
              html: n.html, failureSummary: n.failureSummary, impact: n.impact}]);
          }
        }
      }
      const order = (a, b) => a[0] === b[0] ? 0 : a[0].compareDocumentPosition(b[0]) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
      const impacts = ['minor', 'moderate', 'serious', 'critical'];
      const worst = nodes => nodes.reduce((w, n) => impacts.indexOf(n.impact) > impacts.indexOf(w) ? n.impact : w, null);
      const ids = raw.map(r => r.id);
      const out = Object.assign({}, results, {passes: [], inapplicable: [], violations: [], incomplete: []});
      for (const id of ids) {
        let any = false;
        for (const kind of ['violations', 'incomplete']) {
          const nodes = (found[kind][id] || []).sort(order).map(x => x[1]);
          if (nodes.length) { any = true; out[kind].push({id, impact: worst(nodes), nodes}); }
        }
        if (passes[id]) { any = true; out.passes.push({id, nodeCount: passes[id]}); }
        if (!any) out.inapplicable.push({id, nodeCount: 0});
      }
      out.__components = plan.learn.map(i => ({index: i, rules: learn.get(kids[i])}));
      return out;
    },
  };
  // axe.run with resultTypes [violations, incomplete]: axe builds selectors and snippets only for the nodes
  // it reports (one per passing rule), so a reporter counts every rule's nodes from the raw results first.
  axe.addReporter('a11y-audit-compact', (raw, options, resolve, reject) => {
    const counts = {passes: {}, inapplicable: {}};
    const grouped = axe.utils.aggregateResult(raw);
    for (const kind of ['passes', 'inapplicable']) for (const rule of grouped[kind]) counts[kind][rule.id] = rule.nodes.length;
    const plan = components.plan;
    components.plan = null;
    // the v1 reporter drops each node's element: take them first
    const elements = plan ? Object.fromEntries(['passes', 'violations', 'incomplete'].map(kind =>
      [kind, grouped[kind].map(r => r.nodes.map(n => n.node.element))])) : null;
    axe.getReporter('v1')(raw, options, results => {
      if (plan) return resolve(components.merge(plan, raw, grouped, elements, results, options));
      for (const kind of ['passes', 'inapplicable']) results[kind] = results[kind].map(x => ({id: x.id, nodeCount: counts[kind][x.id]}));
      results.violations = results.violations.map(x => ({id: x.id, impact: x.impact, nodes: x.nodes.map(node)}));
      results.incomplete = results.incomplete.map(x => ({id: x.id, impact: x.impact, nodes: x.nodes.map(node)}));
      resolve(results);
    }, reject);
  });
  axe.__a11yAudit = {
    async runCounted(context, options, plan) {
      if (plan) {  // skip the recorded blocks (axe's own exclude), learn the new ones
        const kids = document.body.children;
        context = Object.assign({}, context, {exclude: [...(context.exclude || []), ...plan.skip.map(b => kids[b.index])]});
        components.plan = plan;
      }
      try {
        const results = await axe.run(context, Object.assign({}, options,
          {resultTypes: ['violations', 'incomplete'], reporter: 'a11y-audit-compact'}));
        return out(results);
      } finally { components.plan = null; }
    },
    blocks: () => components.blocks(),
    hash: text => components.hash(text),
    configure(lang) { if (lang && locales[lang]) { axe.configure({locale: locales[lang]}); } else { axe.reset(); } return axe.version; },
    // The same runPartial/finishRun as with frames, without the round trip of the partial through the driver.
    async runHere(context, options, small) {
      const result = await axe.runPartial(context, options);
      const partial = nativeOK ? parse(stringify(result)) : structuredClone(result);
      return finish([partial], options, small);
    },
    finish(partials, options, small) { return finish(partials.map(p => typeof p === 'string' ? parse(p) : p), options, small); },
    out,
  };
})();"""
_LOADER_KEY = "Symbol.for('a11y-audit.axe')"
_PREPARE = (
    """(lang) => {
  if (!(typeof window.axe === 'object' && axe.__a11yAudit)) {
    const load = window["""
    + _LOADER_KEY
    + """];
    if (typeof load !== 'function') return false;
    load();
  }
  axe.__a11yAudit.configure(lang);
  return true;
}"""
)
_FRAME_CONTEXTS = "([context, options]) => axe.utils.getFrameContexts(context, options)"
_RUN_HERE = """([context, options, small]) => small ? axe.__a11yAudit.runCounted(context, options)
  : axe.__a11yAudit.runHere(context, options, false)"""
_BLOCKS = "() => axe.__a11yAudit.blocks()"
_RUN_COMPONENTS = "([context, options, plan]) => axe.__a11yAudit.runCounted(context, options, plan)"
COMPONENTS_CAP = 20000  # recorded blocks kept per run (each a few KB at most)
_RUN_PARTIAL = "([context, options]) => axe.runPartial(context, options).then(p => axe.__a11yAudit.out(p))"
_FINISH = "([partials, options, small]) => axe.__a11yAudit.finish(partials, options, small)"


@lru_cache(maxsize=1)
def axe_bundle() -> str:
    """axe-core plus this tool's helpers: what is injected into a frame."""
    return axe_source() + "\n" + _HELPERS % json.dumps(zh_locale(), ensure_ascii=False)


@lru_cache(maxsize=1)
def loader_script() -> str:
    """An init script (every frame, before the page's scripts) that *defines* a loader for the bundle.

    Nothing of axe runs until the audit calls the loader, so pages behave as without it; the bundle is
    handed to the browser once per tab instead of being sent with every page and frame.
    """
    return (
        "(() => { const __a11yNativeJSON = {stringify: JSON.stringify, parse: JSON.parse};\n"
        f"Object.defineProperty(window, {_LOADER_KEY}, {{configurable: true, enumerable: false, value: function () {{\n"
        + axe_bundle()
        + "\n}});\n})();"
    )


def _decoded(value: Any) -> Any:
    """Results come back as a JSON string, or as the object itself from a page whose JSON is not the browser's."""
    return json.loads(value) if isinstance(value, str) else value


async def _prepare(tab: FrameScripting, frame_path: Sequence[Any], locale: str | None) -> None:
    if not await tab.evaluate(_PREPARE, locale, frame_path):
        await tab.inject(axe_bundle(), frame_path)
        await tab.evaluate(_PREPARE, locale, frame_path)


async def _partials(tab: FrameScripting, frame_path: list, context: Any, options: dict, locale: str | None) -> list:
    """axe's runPartial in this frame, then in each child frame axe asks for, depth first (axe's order).

    Each partial is a JSON string (or None for a frame that could not be run)."""
    await _prepare(tab, frame_path, locale)
    frame_contexts = await tab.evaluate(_FRAME_CONTEXTS, [context, options], frame_path)
    results = [await tab.evaluate(_RUN_PARTIAL, [context, options], frame_path)]
    for item in frame_contexts or []:
        child = frame_path + [item["frameSelector"]]
        try:
            results += await _partials(tab, child, item["frameContext"], options, locale)
        except Exception:  # noqa: BLE001 - a frame that vanished or refuses scripts (any driver's error): axe
            # reports it via a null partial
            results.append(None)
    return results


def component_plan(cache: dict, scope: tuple, blocks: list[dict]) -> tuple[list[dict], list[int], dict[int, str]]:
    """(blocks to skip with what they contributed, blocks to learn, the learnt blocks' keys) for one page."""
    skip, learn, keys = [], [], {}
    for block in blocks:
        recorded = cache.get((scope, block["key"]))
        if recorded is not None:
            skip.append({"index": block["index"], "rules": recorded})
        else:
            learn.append(block["index"])
            keys[block["index"]] = block["key"]
    return skip, learn, keys


async def _run_with_components(tab: FrameScripting, cache: dict, context: dict, options: dict, locale: str | None):
    """A compact run that skips the page's template components already audited in this run (`cache`: the
    launcher's, block key -> what the block contributed to each rule) and records the new ones.

    The block keys are computed in the page (see `components` in _HELPERS: what a key covers, which blocks are
    never components); the recorded nodes come back with selectors computed on this page, in document order."""
    scope = (locale, json.dumps(options, sort_keys=True))
    skip, learn, keys = component_plan(cache, scope, await tab.evaluate(_BLOCKS))
    results = _decoded(await tab.evaluate(_RUN_COMPONENTS, [context, options, {"skip": skip, "learn": learn}]))
    for item in results.pop("__components", []):
        if len(cache) < COMPONENTS_CAP:
            cache[(scope, keys[item["index"]])] = item["rules"]
    return results


def axe_context(include: Sequence[str] = (), exclude: Sequence[str] = ()) -> dict:
    """axe's own context object: the whole page, or only the `include` regions, less the `exclude` regions
    (CSS selectors of the top document; axe applies them inside frames and shadow roots as it runs)."""
    context: dict[str, Any] = {"exclude": [[s] for s in exclude]}
    if include:
        context["include"] = [[s] for s in include]
    return context


async def run_axe(
    tab: FrameScripting,
    *,
    rule_ids: Iterable[str] | None = None,
    lang: str | None = None,
    compact: bool = False,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> dict:
    """Run axe-core in every frame of the loaded page and return axe's results object (JSON-able).

    `lang`: Chinese messages when it is zh*; None means use the page's own <html lang>.
    `compact`: violations and incomplete keep their nodes' target, html, failureSummary and impact;
    passes and inapplicable rules carry `nodeCount` instead of their nodes (what findings need). On a
    page without frames a compact run is one `axe.run` with `resultTypes: [violations, incomplete]`,
    which spares axe the selector and snippet of every passing node; a reporter counts the passing nodes
    from axe's raw results, so the passed counts are those of a full run.
    `include` / `exclude`: CSS selectors narrowing the run (axe's context); with `include`, axe leaves out its
    page-level rules (document title, language, bypass blocks), which judge a whole document.
    """
    options = run_options(rule_ids)
    if lang is None:
        await _prepare(tab, [], None)
        lang = await tab.evaluate("() => document.documentElement.lang || ''")
    locale = "zh" if is_chinese(lang) else None
    context = axe_context(include, exclude)
    await _prepare(tab, [], locale)
    frame_contexts = await tab.evaluate(_FRAME_CONTEXTS, [context, options])
    components = getattr(tab, "components", None)
    if not frame_contexts and compact and components is not None and not include and not exclude:
        results = await _run_with_components(tab, components, context, options, locale)
    elif not frame_contexts:  # no frames to visit: run and finish in the page (compact: axe.run, passes counted)
        results = _decoded(await tab.evaluate(_RUN_HERE, [context, options, compact]))
    else:
        partials = await _partials(tab, [], context, options, locale)
        results = _decoded(await tab.evaluate(_FINISH, [partials, options, compact]))
    results["axeLanguage"] = "zh" if locale else "en"
    return results
