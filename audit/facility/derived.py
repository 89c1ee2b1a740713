"""Values the inspector may leave for the auditor to compute from other answers on the same row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from audit.facility.values import NA, Measure

BAYS_WITHOUT_SHARE_RULE = 100  # GB 55019 2.9.5: at least one bay up to 100, at least 1 % above


def accessible_share(values: dict[str, Any]) -> Any:
    """Share of accessible bays, only meaningful for car parks of more than 100 bays."""
    total, accessible = values.get("total_bays"), values.get("accessible_bays")
    if not isinstance(total, Measure) or not isinstance(accessible, Measure):
        return None
    if total.value <= BAYS_WITHOUT_SHARE_RULE:
        return NA
    share = 100.0 * accessible.value / total.value
    return Measure(round(share, 2), "percent", f"{accessible.value:g}/{total.value:g}")


# field id -> how to compute it when the row leaves it blank
DERIVED: dict[str, Callable[[dict[str, Any]], Any]] = {"accessible_share": accessible_share}


def fill_derived(values: dict[str, Any], field_ids: set[str]) -> None:
    for field_id, compute in DERIVED.items():
        if field_id in field_ids and values.get(field_id) is None:
            value = compute(values)
            if value is not None:
                values[field_id] = value
