"""Every check of every facility checklist: a passing, a failing, a not-applicable and a missing answer, each
derived from the check's own data (field kind, unit, threshold, condition), give the outcome the rules say.

The answers go through the same parsers as an inspector's cells, so a threshold, a unit or a condition typed
wrong in a checklist, or an evaluator that stops honouring one, fails here under the check's own id."""

from __future__ import annotations

from typing import Any

import pytest

from audit.catalog import load_catalog
from audit.facility.evaluate import findings_of
from audit.facility.ingest import Submission
from audit.facility.marks import parse_marks
from audit.facility.values import (
    parse_choice,
    parse_number,
    parse_slope,
    parse_special,
    parse_yesno,
    threshold_slope,
)
from audit.model import Outcome

CATALOG = load_catalog()
FACILITY = {cid: cl for cid, cl in CATALOG.checklists.items() if cl.domain == "facility"}
NA_TEXT = "不适用"
# A 400 m segment in Changsha: chainages of recorded gaps and obstructions fall on it.
SEGMENT = {"type": "LineString", "coordinates": [[112.9800, 28.1900], [112.9841, 28.1900]]}


def _field(checklist, field_id: str):
    return next(f for f in checklist.fields if f.id == field_id)


def _parse(checklist, field_id: str, text: str) -> Any:
    """An inspector's cell as the ingester reads it (audit.facility.ingest.RowReader._parse)."""
    field = _field(checklist, field_id)
    special = parse_special(text)
    if special is not None:
        return special
    if field.kind == "number":
        return parse_number(text, field.unit)
    if field.kind == "slope":
        return parse_slope(text)
    if field.kind == "yesno":
        return parse_yesno(text)
    if field.kind == "choice":
        return parse_choice(text, field.choices)
    return parse_marks(text)  # the only text fields checks read are recorded spots along a segment


def _number(value: float) -> str:
    return f"{value:g}"


def answers(checklist, check) -> tuple[list[str], list[str]]:
    """(passing cells, failing cells) for the check's field, from its threshold."""
    answer, field = check.answer, _field(checklist, check.answer["field"])
    if "expect" in answer:  # yes/no questions
        other = "no" if answer["expect"] == "yes" else "yes"
        return [answer["expect"]], [other]
    if "allowed" in answer:
        refused = [c["value"] for c in field.choices if c["value"] not in answer["allowed"]]
        return list(answer["allowed"]), refused
    if field.kind == "slope":
        limit = threshold_slope(answer["max"]) * 100  # every slope check is a maximum
        assert "min" not in answer, check.id
        return [f"{limit / 2:.2f}%", "0%"], [f"{limit * 2:.2f}%"]
    if field.kind == "text":  # recorded spots: at most `max` of them
        assert answer["max"] == 0, check.id
        return ["无", "0"], ["120-135", "120; 240 电线杆"]
    low, high = answer.get("min"), answer.get("max")
    passing = [_number(v) for v in (low, high) if v is not None]  # thresholds are inclusive
    if low is not None and high is not None:
        passing.append(_number((low + high) / 2))
    failing = []
    if low is not None:
        failing.append(_number(low - max(abs(low) * 0.25, 0.01)))
    if high is not None:
        failing.append(_number(high + max(abs(high) * 0.25, 1)))
    return passing, failing


def _condition_cells(checklist, condition) -> tuple[str, str]:
    """(a cell that makes the condition hold, one that makes it not hold) for its field."""
    field = _field(checklist, condition["field"])
    if field.kind == "yesno":
        holds = condition["equals"]
        return holds, "no" if holds == "yes" else "yes"
    wanted = [condition["equals"]] if "equals" in condition else list(condition["in"])
    others = [c["value"] for c in field.choices if c["value"] not in wanted]
    # every choice satisfies it: only "n/a" makes it not hold (a condition treats NA as False)
    return wanted[0], others[0] if others else NA_TEXT


def _evaluate(checklist, check, cells: dict[str, str]) -> Outcome:
    values = {fid: _parse(checklist, fid, text) for fid, text in cells.items() if text != ""}
    submission = Submission(
        checklist=checklist.id,
        submission_id="t-1",
        name="test",
        geometry=SEGMENT,
        values=values,
        coord_system_in="wgs84",
        source="t.csv",
        row=2,
        raw=dict(cells),
    )
    [finding] = [f for f in findings_of(submission, checklist, CATALOG) if f.check_id == check.id]
    return finding.outcome


def _applies(checklist, check) -> dict[str, str]:
    condition = check.answer.get("when")
    return {condition["field"]: _condition_cells(checklist, condition)[0]} if condition else {}


CHECKS = [
    pytest.param(checklist, check, id=f"{checklist.id}:{check.id}")
    for checklist in FACILITY.values()
    for check in checklist.checks
]


def test_every_facility_checklist_is_covered():
    assert len(FACILITY) == 10
    assert len(CHECKS) == sum(len(cl.checks) for cl in FACILITY.values()) >= 99


@pytest.mark.parametrize(("checklist", "check"), CHECKS)
def test_pass(checklist, check):
    passing, _ = answers(checklist, check)
    assert passing
    for cell in passing:
        cells = {**_applies(checklist, check), check.answer["field"]: cell}
        assert _evaluate(checklist, check, cells) is Outcome.PASS, cell


@pytest.mark.parametrize(("checklist", "check"), CHECKS)
def test_fail(checklist, check):
    _, failing = answers(checklist, check)
    assert failing, "a check no answer can fail audits nothing"
    for cell in failing:
        cells = {**_applies(checklist, check), check.answer["field"]: cell}
        assert _evaluate(checklist, check, cells) is Outcome.FAIL, cell


@pytest.mark.parametrize(("checklist", "check"), CHECKS)
def test_not_applicable(checklist, check):
    """Answered "n/a", or its condition does not hold: n/a, never a pass, whatever the field says."""
    field = check.answer["field"]
    _, failing = answers(checklist, check)
    assert _evaluate(checklist, check, {**_applies(checklist, check), field: NA_TEXT}) is Outcome.NA
    condition = check.answer.get("when")
    if condition:
        not_holding = _condition_cells(checklist, condition)[1]
        assert _evaluate(checklist, check, {condition["field"]: not_holding, field: failing[0]}) is Outcome.NA


@pytest.mark.parametrize(("checklist", "check"), CHECKS)
def test_missing_or_unknown_is_for_review(checklist, check):
    """Missing data is never a pass: a blank or "unknown" answer, or an unanswered condition, is for review."""
    field = check.answer["field"]
    passing, _ = answers(checklist, check)
    assert _evaluate(checklist, check, {**_applies(checklist, check), field: ""}) is Outcome.REVIEW
    assert _evaluate(checklist, check, {**_applies(checklist, check), field: "不确定"}) is Outcome.REVIEW
    if check.answer.get("when"):
        assert _evaluate(checklist, check, {field: passing[0]}) is Outcome.REVIEW
