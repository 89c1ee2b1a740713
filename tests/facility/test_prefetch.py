"""A large file's points are converted and checked in a second process ahead of the reader: the same rows and
the same problems as reading it alone, the worker stopped afterwards, none started beside other threads."""

from __future__ import annotations

import importlib.util
import multiprocessing
import threading
from pathlib import Path

import pytest

from audit.facility import prefetch
from audit.facility.ingest import IngestOptions, read_submission
from tests.facility.conftest import csv_bytes

ROOT = Path(__file__).resolve().parents[2]
ROWS = 6000  # above prefetch.MIN_POINTS


@pytest.fixture(scope="module")
def big_file() -> bytes:
    spec = importlib.util.spec_from_file_location("bench_ingest", ROOT / "bench" / "facility" / "bench_ingest.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rows = bench.realistic_rows(ROWS)
    # how real files fail: swapped columns, points in Guangdong (outside the box) and in Jiangxi (inside it,
    # outside Hunan), an unknown system, a repeated id, a bad number
    rows[11][4], rows[11][5] = rows[11][5], rows[11][4]
    rows[3000][4:6] = ["114.4", "27.5"]
    rows[4000][6] = "北京54"
    rows[5000][0] = rows[4999][0]
    rows[5500][5] = "28.1x"
    rows[5999][4:6] = ["113.264385", "23.129112"]
    return csv_bytes(rows)


def _read(data: bytes, catalog):
    return read_submission(data, "toilets.csv", catalog, IngestOptions(partial=True))


@pytest.fixture
def counted(monkeypatch):
    """How many points the worker answered, and how many workers started. The reader waits for the worker's
    chunks (it would compute a point the worker has not reached yet itself): every point is then the worker's,
    however loaded the machine, so the comparison below covers all of them."""
    seen = {"answered": 0, "workers": 0}
    get, init = prefetch.PointPrefetch.get, prefetch.PointPrefetch.__init__

    def counting_get(self, *point):
        for _, future in self.pending:
            future.result(timeout=120)
        found = get(self, *point)
        seen["answered"] += found is not None
        return found

    def counting_init(self, *args):
        init(self, *args)
        seen["workers"] += self.pool is not None

    monkeypatch.setattr(prefetch.PointPrefetch, "get", counting_get)
    monkeypatch.setattr(prefetch.PointPrefetch, "__init__", counting_init)
    return seen


def test_the_worker_changes_no_row_and_no_problem(big_file, catalog, counted, monkeypatch):
    monkeypatch.setattr(prefetch.threading, "active_count", lambda: 1)  # whatever threads earlier tests left
    ahead = _read(big_file, catalog)
    # every point the worker could check: all but the unreadable latitude (never planned) and the three it refuses
    assert counted["workers"] == 1 and counted["answered"] == ROWS - 4
    assert multiprocessing.active_children() == []  # stopped once the rows are read
    monkeypatch.setattr(prefetch, "MIN_POINTS", 10**9)
    alone = _read(big_file, catalog)
    assert counted["workers"] == 1
    assert ahead.problems == alone.problems
    assert ahead.rows == alone.rows
    keys = {p.key for p in ahead.problems}
    assert {"facility.location.swapped", "facility.location.outside-province", "facility.location.outside"} <= keys
    assert {"facility.id.duplicate", "facility.location.invalid", "facility.location.crs-unknown"} <= keys
    assert len(ahead.rows) == ROWS - 6  # one row left out for each of the six faults


def test_no_worker_is_forked_beside_other_threads(big_file, catalog, counted):
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, args=(30,))
    other.start()
    try:
        result = _read(big_file, catalog)
    finally:
        stop.set()
        other.join()
    assert counted["workers"] == 0 and counted["answered"] == 0
    assert len(result.rows) > ROWS - 10
