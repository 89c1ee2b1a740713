"""Barrier-free tourism service circles: coverage and gaps from `audit.circles` over the round's stored scores."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from audit.circles import Circle, CircleCoverage, Item, analyse
from audit.model import is_within
from audit.render.report.content import CircleGap, CircleRow
from audit.render.report.places import coordinates
from audit.render.report.text import Text
from audit.render.view import RoundView


def _gap(item: Item, text: Text) -> CircleGap:
    """'accessible toilet — none in range' at 'Park main gate (24.98500, 112.93000)'."""
    need = text.pick(item.requirement.name, item.requirement.type)
    if not item.requirement.verified:
        need += f" [{text.t('report.unverified')}]"
    what = text.t(
        "report.circles.need",
        need=need,
        within=text.number(item.requirement.within_m, 0),
        reason=text.t(f"report.circles.reason.{item.reason or 'missing'}"),
    )
    where = text.t("report.sep.paren", text=text.pick(item.point.name, item.point.id), inner=coordinates(item.location))
    return CircleGap(what, where)


def _row(result: CircleCoverage, text: Text, division: Callable[[str | None], str]) -> CircleRow:
    circle = result.circle
    name = text.pick(circle.name, circle.id)
    if circle.approximate:
        name += f" [{text.t('report.circles.approximate')}]"
    return CircleRow(
        circle.key, name, division(circle.county), result.coverage, tuple(_gap(i, text) for i in result.gaps)
    )


def circle_rows(
    circles: Sequence[Circle],
    facility_view: RoundView | None,
    area: str | None,
    text: Text,
    division: Callable[[str | None], str],
) -> list[CircleRow]:
    """Circles in `area`, analysed against every facility of the round (a circle may reach across a county line).

    `facility_view` must not be limited to the area. No facility round: nothing has been assessed yet.
    """
    wanted = [c for c in circles if area is None or is_within(c.county, area)]
    if facility_view is None or not wanted:
        return []
    results = analyse(wanted, facility_view.subjects.values(), facility_view.scores)
    return [_row(r, text, division) for r in results]
