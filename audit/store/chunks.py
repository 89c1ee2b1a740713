"""Long key lists in SQL, asked in chunks: no statement may pass a backend's limit on bound parameters."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

CHUNK = 500


def in_chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[tuple[list[Any], str]]:
    """Each run of at most `size` values, with its placeholders ("?,?,…") for an `IN (…)` clause."""
    for start in range(0, len(values), size):
        chunk = list(values[start : start + size])
        yield chunk, ",".join("?" * len(chunk))
