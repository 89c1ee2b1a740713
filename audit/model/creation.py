"""City/county creation indicators (底线/导向) evaluated from aggregates; the rows are audit.model.indicators."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from audit.model.indicators import Indicator
from audit.model.rollup import Aggregate


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
