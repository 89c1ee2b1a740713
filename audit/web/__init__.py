"""The web auditor: crawl portals, run axe-core in Chromium, turn results into findings."""

from __future__ import annotations

import asyncio
from typing import Any


def audit_page(
    url: str,
    *,
    lang: str | None = None,
    rules: list[str] | None = None,
    timeout: float = 30.0,
    executable: str | None = None,
) -> dict[str, Any]:
    """Run axe-core (every frame) on one URL in headless Chromium and return axe's raw results.

    `lang`: 'zh' or 'en' messages; None follows the page's <html lang>. `rules`: axe rule ids to run
    (default: every rule axe enables by default). The result is axe's object (violations, passes,
    incomplete, inapplicable, testEngine, ...) plus `axeLanguage`. Raises NavigationError when the
    page cannot be loaded. Use `critical_or_serious(results)` to assert a page is clean in tests.
    """
    return asyncio.run(_audit_page(url, lang=lang, rules=rules, timeout=timeout, executable=executable))


async def _audit_page(url: str, *, lang, rules, timeout, executable) -> dict[str, Any]:
    from audit.web.axe import run_axe
    from audit.web.drivers.playwright import PlaywrightLauncher

    launcher = PlaywrightLauncher(executable=executable)
    await launcher.start()
    try:
        tab = await launcher.new_tab()
        await tab.goto(url, timeout)
        return await asyncio.wait_for(run_axe(tab, rule_ids=rules, lang=lang), timeout)
    finally:
        await launcher.close()


def critical_or_serious(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The violations of impact critical or serious, each as {id, impact, targets}; [] when clean."""
    return [
        {"id": v["id"], "impact": v["impact"], "targets": [n["target"] for n in v["nodes"]]}
        for v in results.get("violations", [])
        if v.get("impact") in ("critical", "serious")
    ]


__all__ = ["audit_page", "critical_or_serious"]
