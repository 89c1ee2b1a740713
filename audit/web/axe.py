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
  // axe.run with resultTypes [violations, incomplete]: axe builds selectors and snippets only for the nodes
  // it reports (one per passing rule), so a reporter counts every rule's nodes from the raw results first.
  axe.addReporter('a11y-audit-compact', (raw, options, resolve, reject) => {
    const counts = {passes: {}, inapplicable: {}};
    const grouped = axe.utils.aggregateResult(raw);
    for (const kind of ['passes', 'inapplicable']) for (const rule of grouped[kind]) counts[kind][rule.id] = rule.nodes.length;
    axe.getReporter('v1')(raw, options, results => {
      for (const kind of ['passes', 'inapplicable']) results[kind] = results[kind].map(x => ({id: x.id, nodeCount: counts[kind][x.id]}));
      results.violations = results.violations.map(x => ({id: x.id, impact: x.impact, nodes: x.nodes.map(node)}));
      results.incomplete = results.incomplete.map(x => ({id: x.id, impact: x.impact, nodes: x.nodes.map(node)}));
      resolve(results);
    }, reject);
  });
  axe.__a11yAudit = {
    async runCounted(context, options) {
      const results = await axe.run(context, Object.assign({}, options,
        {resultTypes: ['violations', 'incomplete'], reporter: 'a11y-audit-compact'}));
      return out(results);
    },
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
    if not frame_contexts:  # no frames to visit: run and finish in the page (compact: axe.run, passes counted)
        results = _decoded(await tab.evaluate(_RUN_HERE, [context, options, compact]))
    else:
        partials = await _partials(tab, [], context, options, locale)
        results = _decoded(await tab.evaluate(_FINISH, [partials, options, compact]))
    results["axeLanguage"] = "zh" if locale else "en"
    return results
