"""Points of a large upload converted and checked in a second process, ahead of the row reader (issue 17)."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from audit.facility.location import Region, checked_point
from audit.facility.values import ValueProblem

MIN_POINTS = 5000  # below this a second process costs more than it saves
CHUNK = 2000

Point = tuple[float, float, str]  # lon, lat and coordinate system as written in the row


def checked_chunk(points: Sequence[Point], region: Region) -> list[tuple[float, float] | None]:
    """`checked_point` of each point; None where it raises (the reader then asks again, to report it)."""
    out: list[tuple[float, float] | None] = []
    for lon, lat, crs in points:
        try:
            out.append(checked_point(lon, lat, crs, region))
        except ValueProblem:
            out.append(None)
    return out


class PointPrefetch:
    """`checked_point` of the points the reader will meet, computed chunk by chunk in one worker process.

    The reader asks `get` in row order; a point not (yet) known is None and the reader computes it itself, so
    the prefetch changes no result, only where the work is done. The worker is forked, so it runs the same code
    on the same data and gives the same floats; only a single-threaded process forks (the upload service,
    which runs requests in threads, reads without it). `close` stops the worker, by its pid."""

    def __init__(self, points: Iterable[Point], region: Region):
        self.known: dict[Point, tuple[float, float]] = {}
        self.pending: list[tuple[list[Point], Future]] = []
        self.pool: ProcessPoolExecutor | None = None
        wanted = list(points)
        if len(wanted) < MIN_POINTS or threading.active_count() > 1:
            return
        checked_chunk(wanted[:1], region)  # the county index is built here, once, before the worker is forked
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            self.pending.append((chunk, self.pool.submit(checked_chunk, chunk, region)))
        self.pending.reverse()  # popped from the end, in row order

    def get(self, lon: float, lat: float, crs: str) -> tuple[float, float] | None:
        point = (lon, lat, crs)
        hit = self.known.pop(point, None)
        while hit is None and self.pending and self.pending[-1][1].done():
            chunk, future = self.pending.pop()
            if future.exception() is None:
                self.known.update((p, r) for p, r in zip(chunk, future.result()) if r is not None)
            hit = self.known.pop(point, None)
        return hit

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
