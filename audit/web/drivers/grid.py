"""Remote WebDriver sessions sized by a Selenium Grid 4: one session per free slot, fewer when a node goes away.

The pool opens as many sessions as the Grid has free slots when the round starts, and
crawls that many sites side by side (`site_lanes`). A session whose node died is retired when the Grid has no
free slot left to replace it, so the round goes on, on the nodes that remain, instead of queueing for a slot
that will never come. A server that is no Grid (a bare chromedriver) gets the plain fixed-size pool.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from typing import Any

from audit.web.drivers.selenium import SeleniumLauncher, Session, in_daemon_thread
from audit.web.grid import grid_status

log = logging.getLogger(__name__)
RENEW_TIMEOUT = 60.0  # s; a replacement the Grid cannot place by then is given up (its node reclaims it if it comes)


class GridLauncher(SeleniumLauncher):
    def __init__(self, remote_url: str, sessions: int = 2, **options: Any):
        super().__init__(remote_url=remote_url, sessions=sessions, **options)
        self.grid = False  # the server answered as a Grid
        self.nodes: dict[str, str] = {}  # session id -> node URI, as the Grid reported it
        self.usage: Counter = Counter()  # node URI -> tabs it served (who did the work, for logs and tests)

    async def _status(self):
        # a daemon thread, as every WebDriver call here: an executor thread would outlive the round's loop
        try:
            return await asyncio.wait_for(in_daemon_thread(grid_status, self.remote_url), 30)
        except TimeoutError:
            return None

    @property
    def site_lanes(self) -> int:
        """How many sites the auditor crawls at once: one per session of a Grid, else one at a time."""
        return max(1, len(self.sessions)) if self.grid else 1

    async def start(self) -> None:
        status = await self._status()
        if status is not None and status.nodes:
            self.grid = True
            self.size = max(1, status.free_slots)
            log.info("Selenium Grid at %s: %d nodes, %d free slots", self.remote_url, len(status.nodes), self.size)
        self.sessions = list(await asyncio.gather(*(self._new_session() for _ in range(self.size))))
        caps = self.sessions[0].driver.capabilities
        self.version = f"{caps.get('browserName', 'chrome')} {caps.get('browserVersion', '')}".strip()
        await self._locate()

    async def _locate(self) -> None:
        """Which node runs each session (the Grid's /status): for the usage counts."""
        if not self.grid:
            return
        status = await self._status()
        if status is None:
            return
        for session in self.sessions:
            sid = session.driver.session_id
            if sid and sid not in self.nodes:
                self.nodes[sid] = status.node_of(sid) or ""

    async def new_tab(self, *args: Any, **kwargs: Any):
        tab = await super().new_tab(*args, **kwargs)
        sid = tab.driver.session_id
        if sid not in self.nodes:
            await self._locate()
        self.usage[self.nodes.get(sid, "")] += 1
        return tab

    async def _renew(self, broken: Session) -> Session | None:
        others = [s for s in self.sessions if s is not broken and not s.broken]
        if not self.grid or not others:  # the last session: wait for the Grid to offer a slot again
            return await self._new_session()
        status = await self._status()
        if status is None or status.free_slots <= 0:
            log.warning("Selenium Grid has no free slot: a lost session is retired, %d remain", len(others))
            return None
        try:
            return await asyncio.wait_for(self._new_session(), RENEW_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - the slot went to someone else: carry on with the others
            log.warning("could not replace a lost Grid session (%s): %d remain", exc, len(others))
            return None
