"""Put the Hunan registry into a store (anything with `put_areas` and `transaction`)."""

from __future__ import annotations

from typing import Any

from audit.areas.registry import hunan_areas


def load_into(store: Any) -> int:
    """Write (or refresh) every Hunan area with its display boundary, all or nothing; returns the count.

    Duck-typed on purpose: importing audit.store here would forbid auditors from using audit.areas.
    """
    areas = hunan_areas()
    with store.transaction():
        store.put_areas(areas)
    return len(areas)
