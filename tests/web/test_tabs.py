"""Tab reuse (Playwright): a normally audited tab serves the next URL clean, a limited number of times."""

import asyncio

import pytest

from audit.web.axe import loader_script, run_axe
from audit.web.drivers.playwright import TAB_USES, VIEWPORT, PlaywrightLauncher

pytestmark = pytest.mark.browser


def test_a_reused_tab_leaves_an_asking_page_resets_its_viewport_and_is_renewed(sites_server, chromium_executable):
    async def scenario():
        launcher = PlaywrightLauncher(executable=chromium_executable, init_scripts=[loader_script()])
        await launcher.start()
        try:
            tab = await launcher.new_tab()
            dialogs = []
            tab.page.on("dialog", lambda dialog: dialogs.append(dialog.type))  # the driver's own handler answers
            await tab.goto(sites_server.url("tabs/unload.html"), 15)
            await tab.page.mouse.click(5, 5)  # user activation: now the page asks before unloading
            await tab.press_tab()
            await tab.set_viewport(320, 256)
            first = await run_axe(tab, compact=True)
            await tab.close(reuse=True)
            again = await launcher.new_tab()
            assert again is tab and dialogs == ["beforeunload"]
            nav = await again.goto(sites_server.url("tabs/next.html"), 15)
            assert nav.url.endswith("tabs/next.html") and nav.status == 200
            width = await again.evaluate("() => window.innerWidth")
            assert width == VIEWPORT["width"]
            second = await run_axe(again, compact=True)
            assert second["url"].endswith("tabs/next.html") and first["url"].endswith("tabs/unload.html")
            for _ in range(TAB_USES):  # renewed after TAB_USES pages
                await tab.close(reuse=True)
                tab = await launcher.new_tab()
                if tab is not again:
                    break
            # Retired: closed, or (when Chromium does not finish closing it in time) abandoned as unusable.
            assert tab is not again and (again.page.is_closed() or again.crashed)
            assert again not in launcher._idle
            await tab.close(reuse=False)
            assert not launcher._idle
        finally:
            await launcher.close()

    asyncio.run(scenario())


@pytest.mark.parametrize("loader", [True, False], ids=["loader", "injected"])
def test_results_survive_a_page_that_breaks_json(sites_server, chromium_executable, loader):
    """Old portals' Prototype.js (Array/String toJSON, own JSON.stringify) must not garble axe's results."""

    async def scenario():
        launcher = PlaywrightLauncher(executable=chromium_executable, init_scripts=[loader_script()] if loader else [])
        await launcher.start()
        try:
            tab = await launcher.new_tab()
            await tab.goto(sites_server.url("tabs/prototype-json.html"), 15)
            compact = await run_axe(tab, rule_ids=["image-alt", "document-title"], compact=True)
            full = await run_axe(tab, rule_ids=["image-alt", "document-title"])
            return compact, full
        finally:
            await launcher.close()

    compact, full = asyncio.run(scenario())
    assert [v["id"] for v in compact["violations"]] == ["image-alt"]
    assert compact["violations"][0]["nodes"][0]["target"] == ["img"]
    assert compact["passes"] == [{"id": "document-title", "nodeCount": 1}]
    assert [v["id"] for v in full["violations"]] == ["image-alt"] and full["passes"][0]["nodes"][0]["target"] == [
        "html"
    ]
