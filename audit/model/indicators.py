"""Creation-scheme indicators (底线/导向) as data: one row of `checklists/creation/indicators.yaml` each."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

METRICS = ("compliance_rate", "mean_score")


@dataclass(frozen=True)
class Indicator:
    """One row of the creation scheme: a floor indicator must be met; a guidance one earns points pro rata."""

    id: str
    dimension: Mapping[str, str]
    name: Mapping[str, str]
    kind: str
    target: float
    points: float
    metric: str
    category: str
    verified: bool = True

    @classmethod
    def from_mapping(cls, row: Mapping[str, Any]) -> Indicator:
        measure = row["measure"]
        if measure["metric"] not in METRICS:
            raise ValueError(f"indicator {row['id']}: unknown metric {measure['metric']!r}; expected one of {METRICS}")
        return cls(
            id=row["id"],
            dimension=dict(row["dimension"]),
            name=dict(row["name"]),
            kind=row["type"],
            target=float(row["target"]),
            points=float(row["points"]),
            metric=measure["metric"],
            category=measure["category"],
            verified=bool(row.get("verified", True)),
        )
