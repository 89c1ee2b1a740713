"""axe-core: the vendored script, its zh_CN locale, and a run over every frame of a page."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Protocol, Sequence

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


# Defined in the page: loads axe once per frame and applies the locale when asked.
_CONFIGURE = "(locale) => { if (locale) { axe.configure({locale}); } else { axe.reset(); } return axe.version; }"
_FRAME_CONTEXTS = "([context, options]) => axe.utils.getFrameContexts(context, options)"
_RUN_PARTIAL = "([context, options]) => axe.runPartial(context, options)"
_FINISH = "([partials, options]) => axe.finishRun(partials, options)"
_HAS_AXE = "() => typeof window.axe === 'object' && typeof axe.runPartial === 'function'"


async def _prepare(tab: FrameScripting, frame_path: Sequence[Any], locale: dict | None) -> None:
    if not await tab.evaluate(_HAS_AXE, None, frame_path):
        await tab.inject(axe_source(), frame_path)
    await tab.evaluate(_CONFIGURE, locale, frame_path)


async def _partials(tab: FrameScripting, frame_path: list, context: Any, options: dict, locale: dict | None) -> list:
    """axe's runPartial in this frame, then in each child frame axe asks for, depth first (axe's order)."""
    await _prepare(tab, frame_path, locale)
    frame_contexts = await tab.evaluate(_FRAME_CONTEXTS, [context, options], frame_path)
    results = [await tab.evaluate(_RUN_PARTIAL, [context, options], frame_path)]
    for item in frame_contexts or []:
        child = frame_path + [item["frameSelector"]]
        try:
            results += await _partials(tab, child, item["frameContext"], options, locale)
        except Exception:  # a frame that vanished or refuses scripts: axe reports it via a null partial
            results.append(None)
    return results


async def run_axe(tab: FrameScripting, *, rule_ids: Iterable[str] | None = None, lang: str | None = None) -> dict:
    """Run axe-core in every frame of the loaded page and return axe's results object (JSON-able).

    `lang`: Chinese messages when it is zh*; None means use the page's own <html lang>.
    """
    options = run_options(rule_ids)
    if lang is None:
        await _prepare(tab, [], None)
        lang = await tab.evaluate("() => document.documentElement.lang || ''")
    locale = zh_locale() if is_chinese(lang) else None
    partials = await _partials(tab, [], {"exclude": []}, options, locale)
    results = await tab.evaluate(_FINISH, [partials, options])
    results["axeLanguage"] = "zh" if locale else "en"
    return results
