"""City/county creation indicators (底线/导向) evaluated from aggregates. Indicator rows are data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from audit.model.rollup import Aggregate

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


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    value: float | None
    met: bool | None
    points: float


def measure(indicator: Indicator, cell: Aggregate | None) -> float | None:
    """The indicator's current value as a 0–1 share; None when nothing in the category was scored."""
    if cell is None:
        return None
    if indicator.metric == "compliance_rate":
        return cell.compliance_rate
    return None if cell.mean_score is None else cell.mean_score / 100.0


def evaluate(indicator: Indicator, cell: Aggregate | None) -> IndicatorResult:
    """Floor indicators earn all or nothing; guidance indicators earn points in proportion to the target."""
    value = measure(indicator, cell)
    if value is None:
        return IndicatorResult(indicator, None, None, 0.0)
    met = value >= indicator.target - 1e-9
    if indicator.kind == "floor":
        points = indicator.points if met else 0.0
    else:
        points = indicator.points * min(1.0, value / indicator.target) if indicator.target > 0 else indicator.points
    return IndicatorResult(indicator, value, met, round(points, 2))


def evaluate_all(
    indicators: list[Indicator], cells: Mapping[tuple[str | None, str], Aggregate], area_code: str | None
) -> list[IndicatorResult]:
    """Every indicator for one area, failed floor indicators first."""
    results = [evaluate(ind, cells.get((area_code, ind.category))) for ind in indicators]
    return sorted(results, key=lambda r: (not (r.indicator.kind == "floor" and r.met is False),))
