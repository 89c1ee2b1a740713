"""Politeness across every browser session of a round, and many sites crawled side by side.

HostGate spaces the page loads sent to one host (scheme, name and port) by the crawl delay, however many
sessions and sites share it: a Grid of ten nodes is still one polite visitor per host (the audits of loaded
pages run side by side; only the loads queue). `interleave` runs up
to `lanes` site crawls at once and yields their events as they land.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from typing import TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")


def host_of(url: str) -> str:
    """What politeness is counted per: scheme, host name and port (one server, whatever the path)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class HostGate:
    """One page load at a time per host, the next starting `delay` seconds after the last one finished,
    across all sessions and sites of the round. Spacing the calls' starts would not do: a load reaches the
    server after a varying trip through the Grid, so only a load that is over bounds when the next may leave."""

    def __init__(self, delay: float):
        self.delay = max(0.0, delay)
        self._locks: dict[str, asyncio.Lock] = {}
        self._next: dict[str, float] = {}  # host -> the earliest moment its next load may start

    @asynccontextmanager
    async def visit(self, url: str) -> AsyncIterator[None]:
        if self.delay <= 0:  # no delay asked: loads go as fast as the sessions allow
            yield
            return
        host = host_of(url)
        async with self._locks.setdefault(host, asyncio.Lock()):
            wait = self._next.get(host, 0.0) - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                yield
            finally:
                self._next[host] = time.monotonic() + self.delay


async def interleave(sources: Iterable[Callable[[], AsyncIterator[T]]], lanes: int) -> AsyncIterator[T]:
    """Run up to `lanes` of the sources at once, in order, yielding their items as they come.

    One lane is the plain sequence (each source runs to its end before the next starts). The queue holds at
    most `lanes` items, so a slow consumer (the store) holds the crawls back instead of piling results up."""
    if lanes <= 1:
        for source in sources:
            async for item in source():
                yield item
        return
    queue: asyncio.Queue = asyncio.Queue(maxsize=lanes)
    pending = iter(sources)
    tasks: list[asyncio.Task] = []
    finished = object()
    active = 0

    async def pump(source: Callable[[], AsyncIterator[T]]) -> None:
        stream = source()
        try:
            async for item in stream:
                await queue.put((item, None))
        except Exception as exc:  # noqa: BLE001 - handed to the consumer, which re-raises it
            await queue.put((finished, exc))
            return
        finally:
            await stream.aclose()
        await queue.put((finished, None))

    def launch() -> None:
        nonlocal active
        source = next(pending, None)
        if source is not None:
            tasks[:] = [t for t in tasks if not t.done()]
            tasks.append(asyncio.ensure_future(pump(source)))
            active += 1

    for _ in range(lanes):
        launch()
    try:
        while active:
            item, error = await queue.get()
            if item is not finished:
                yield item
                continue
            active -= 1
            if error is not None:
                raise error
            launch()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
