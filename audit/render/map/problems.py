"""The map's "open problems" layer: the ledger's open problems at their subjects' places, as payload data."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from audit.model.problems import ASSIGNED, OPEN, RECTIFIED, REOPENED, Problem
from audit.render.map.data import MapData, MapItem
from audit.render.map.geometry import Projector, representative_lonlat
from audit.render.map.text import Texts
from audit.render.view import RoundView

OPEN_STATES = (OPEN, ASSIGNED, RECTIFIED, REOPENED)  # every state but verified: still to be done or checked
# A problem record: [[lat, lon], ref, subject name, check title, severity, status, age days, overdue 0|1, unit, deadline]
FIELDS = ("position", "ref", "name", "check", "severity", "status", "age", "overdue", "unit", "deadline")


def open_problems(views: Sequence[RoundView], data: MapData) -> list[Problem]:
    """The store's open problems of the subjects the map shows (so: in the map's area)."""
    keys = {item.subject.key for item in data.items}
    if not views or not keys:
        return []
    return views[0].store.problems(subject_keys=keys, statuses=OPEN_STATES)


def problem_layer(
    problems: Iterable[Problem], data: MapData, texts: Texts, projector: Projector, today: date | None = None
) -> dict[str, Any]:
    """The layer's name, its labels and one record per problem whose subject has a place on the map."""
    today = today or date.today()
    places = {item.subject.key: item for item in data.items}
    items = []
    for problem in problems:
        position = _position(places.get(problem.subject_key), projector)
        if position is not None:
            items.append(_record(problem, position, texts, today))
    return {
        "name": texts.t("map.layer.problems"),
        "badge": texts.t("map.problems.badge"),
        "fields": list(FIELDS),
        "labels": {key: texts.t(f"map.problems.{key}") for key in FIELDS[1:]},
        "overdue": [texts.t("map.problems.overdue-no"), texts.t("map.problems.overdue-yes")],
        "none": texts.t("map.problems.none"),
        "items": items,
    }


def _position(item: MapItem | None, projector: Projector) -> list[float] | None:
    geometry = item.geometry if item else None
    if not geometry:
        return None
    if geometry.get("type") == "Point":
        lon, lat = geometry["coordinates"][:2]
    else:
        lon, lat = representative_lonlat(geometry)
    return list(projector.latlon(lon, lat))


def _record(problem: Problem, position: list[float], texts: Texts, today: date) -> list:
    return [
        position,
        problem.reference,
        problem.subject_name,
        texts.check_title(problem.check_id),
        texts.t(f"ledger.severity.{problem.severity}"),
        texts.t(f"ledger.status.{problem.status}"),
        problem.age_days(today),
        int(problem.is_overdue(today)),
        problem.unit or "",
        problem.deadline or "",
    ]
