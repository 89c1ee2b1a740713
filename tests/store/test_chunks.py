"""Key lists asked in chunks: every value once, in order, with one placeholder each, never over the bound."""

from __future__ import annotations

import sqlite3

import pytest

from audit.store.chunks import CHUNK, in_chunks


@pytest.mark.parametrize("n", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 7])
def test_every_value_once_in_order_with_its_placeholders(n):
    values = [f"k{i}" for i in range(n)]
    chunks = list(in_chunks(values))
    assert [v for chunk, _ in chunks for v in chunk] == values
    assert all(0 < len(chunk) <= CHUNK and marks == ",".join("?" * len(chunk)) for chunk, marks in chunks)
    assert len(chunks) == -(-n // CHUNK)


def test_a_chunk_binds_in_sqlite():
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE t (k TEXT)")
    con.executemany("INSERT INTO t VALUES (?)", [(str(i),) for i in range(1200)])
    found = [
        k
        for chunk, marks in in_chunks([str(i) for i in range(1200)])
        for (k,) in con.execute(f"SELECT k FROM t WHERE k IN ({marks})", chunk)
    ]
    assert sorted(found, key=int) == [str(i) for i in range(1200)]
