"""Assemble a Report from stored rounds: indicators, categories, portals, circles, progress and rectification."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from functools import partial
from itertools import chain

from audit.catalog import Catalog
from audit.model import Aggregate, Category, Indicator, aggregate, evaluate_all, province_code
from audit.model.creation import measure
from audit.render.labels import labelled
from audit.render.report.circles import circle_rows
from audit.render.report.content import CategoryRow, FailedCheck, IndicatorRow, Report, RoundLine
from audit.render.report.ledger import ledger_section
from audit.render.report.places import area_title, check_title, clause_labels, division_namer
from audit.render.report.portals import portal_rows
from audit.render.report.rectification import rectification_rows, sort_rows
from audit.render.report.reinspection import reinspection_rows
from audit.render.report.selection import RoundPair
from audit.render.report.text import Text
from audit.render.view import RoundView
from audit.store import Store

Cells = Mapping[tuple[str | None, str], Aggregate]
CATEGORY_ORDER = ("all",) + tuple(c.value for c in Category)


def scope_code(area: str | None, views: Sequence[RoundView]) -> str | None:
    """The aggregate cell a report reads: the area asked for, else the province most subjects lie in."""
    if area:
        return area
    provinces = Counter(province_code(s.area_code) for v in views for s in v.subjects.values() if s.area_code)
    return provinces.most_common(1)[0][0] if provinces else None


def combined_cells(views: Sequence[RoundView | None]) -> dict:
    """Aggregates over the web and facility rounds together, so 'all' and every category are in one table."""
    present = [v for v in views if v is not None]
    return aggregate(chain.from_iterable(v.pairs() for v in present)) if present else {}


def indicator_rows(
    indicators: Sequence[Indicator], cells: Cells, previous: Cells, scope: str | None, text: Text
) -> list[IndicatorRow]:
    """Every indicator, failed floor indicators first (the order evaluate_all gives)."""
    rows = []
    for result in evaluate_all(list(indicators), cells, scope):
        ind = result.indicator
        rows.append(
            IndicatorRow(
                id=ind.id,
                dimension=text.pick(ind.dimension),
                name=text.pick(ind.name),
                kind=ind.kind,
                category=ind.category,
                metric=ind.metric,
                target=ind.target,
                value=result.value,
                previous=measure(ind, previous.get((scope, ind.category))),
                points=result.points,
                max_points=ind.points,
                met=result.met,
                verified=ind.verified,
            )
        )
    return rows


def _failed_checks(cell: Aggregate, catalog: Catalog, text: Text, top: int) -> tuple[FailedCheck, ...]:
    found = []
    for check_id, count in cell.top_failed[:top]:
        check = catalog.checks.get(check_id)
        clauses = clause_labels(check.clauses, text) if check else ()
        found.append(FailedCheck(check_id, check_title(catalog.checks, check_id, text), clauses, count))
    return tuple(found)


def category_rows(
    cells: Cells, previous: Cells, scope: str | None, catalog: Catalog, text: Text, top: int = 5
) -> list[CategoryRow]:
    """'all' first, then each category audited in this round (in the model's order)."""
    rows = []
    for category in CATEGORY_ORDER:
        cell, before = cells.get((scope, category)), previous.get((scope, category))
        if cell is None:
            continue
        rows.append(
            CategoryRow(
                category=category,
                subjects=cell.subjects,
                scored=cell.scored,
                mean_score=cell.mean_score,
                compliance_rate=cell.compliance_rate,
                grades=dict(cell.grades),
                top_failed=_failed_checks(cell, catalog, text, top),
                insufficient=cell.insufficient,
                previous_mean=before.mean_score if before else None,
                previous_rate=before.compliance_rate if before else None,
                previous_subjects=before.subjects if before else None,
            )
        )
    return rows


def load_views(
    store: Store, pairs: Sequence[RoundPair], version: str, area: str | None
) -> tuple[dict[str, RoundView], dict[str, RoundView]]:
    """Current and compared RoundViews per kind, from the scores already in the store."""
    current = {p.kind: RoundView.load(store, p.current.id, version, area) for p in pairs}
    previous = {p.kind: RoundView.load(store, p.previous.id, version, area) for p in pairs if p.previous}
    return current, previous


def build_report(
    store: Store,
    catalog: Catalog,
    pairs: Sequence[RoundPair],
    area: str | None = None,
    lang: str = "zh",
    today: date | None = None,
) -> Report:
    """The whole report for `area` (None: everything stored). Scores must already be in the store.

    Service circles are the `service-circle` subjects the facility round's circle step stored, in `area`.
    """
    text = Text(catalog.messages, lang)
    current, previous = load_views(store, pairs, catalog.policy.version, area)
    cells, before = combined_cells(list(current.values())), combined_cells(list(previous.values()))
    scope = scope_code(area, list(current.values()))
    division = division_namer(store, text)
    report = Report(
        text=text,
        area_code=scope,  # the province a whole-store report reads is the one it is titled with and named after
        area_name=area_title(store, scope, text),
        generated=(today or date.today()).isoformat(),
        rounds=[RoundLine(p.kind, p.current, p.previous) for p in pairs],
        grade_labels={g.code: text.pick(g.label, g.code) for g in catalog.policy.grades},
    )
    report.indicators = indicator_rows(catalog.indicators, cells, before, scope, text)
    report.categories = category_rows(cells, before, scope, catalog, text)
    report.portals = portal_rows(current.get("web"), previous.get("web"), catalog.checks, division)
    report.circles = circle_rows(current.get("facility"), catalog.checks, text, division)
    rows = [
        row
        for kind, view in current.items()
        for row in rectification_rows(
            store,
            view,
            previous.get(kind),
            catalog.checks,
            text,
            division,
            partial(labelled, catalog=catalog, lang=text.lang),
        )
    ]
    report.rectification = sort_rows(rows)
    report.reinspection = [
        row for view in current.values() for row in reinspection_rows(view.pairs(), catalog.checks, text, division)
    ]
    since = min((p.current.started_at for p in pairs), default=report.generated)
    report.ledger = ledger_section(store, catalog.checks, text, area, since, today or date.today())
    return report
