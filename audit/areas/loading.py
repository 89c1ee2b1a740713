"""Put a province's registry into a store (anything with `put_areas`, `areas` and `transaction`)."""

from __future__ import annotations

from typing import Any

from audit.areas.registry import province_areas
from audit.areas.source import HUNAN


class RegionMismatch(ValueError):
    """The store already holds another province's areas: one store covers one province."""

    def __init__(self, stored: str, wanted: str):
        self.stored, self.wanted = stored, wanted
        super().__init__(f"the store holds the areas of {stored}, not {wanted}")


def store_region(store: Any) -> str | None:
    """The region a store was loaded for (its province-level area), None before `areas load`.

    Duck-typed on purpose: importing audit.store here would forbid auditors from using audit.areas.
    """
    found = store.areas(level="province")
    return found[0].code if found else None


def load_into(store: Any, province: str = HUNAN) -> int:
    """Write (or refresh) every area of `province` with its display boundary, all or nothing; returns the count.

    Refuses (RegionMismatch) a store that already holds another province: its facilities, accounts and
    circles are filed under that province's counties.
    """
    stored = store_region(store)
    if stored and stored != province:
        raise RegionMismatch(stored, province)
    areas = province_areas(province)
    with store.transaction():
        store.put_areas(areas)
    return len(areas)
