"""Submissions -> subjects and findings: each check of the checklist answered from the row's values."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, ClassVar

from audit.catalog import Catalog, Checklist
from audit.facility.ingest import Submission
from audit.facility.spatial import place_marks, stretch_counts
from audit.facility.values import NA, UNIT_DISPLAY, UNKNOWN, Answer, Measure, Slope, convert, threshold_slope
from audit.model.checks import Check
from audit.model.findings import Finding
from audit.model.subjects import Subject
from audit.model.vocab import Category, Outcome

SLOPE_TEXT = {"max": "≤", "min": "≥"}


def evaluate_all(submissions: Iterable[Submission], catalog: Catalog) -> Iterator[tuple[Subject, list[Finding]]]:
    """Yield (subject, findings) per submission, filed under the county the ingest placed it in."""
    for submission in submissions:
        checklist = catalog.checklists[submission.checklist]
        yield subject_of(submission, checklist, submission.county), findings_of(submission, checklist, catalog)


def subject_of(submission: Submission, checklist: Checklist, area_code: str | None) -> Subject:
    attributes = {
        "submission_id": submission.submission_id,
        "checklist": checklist.id,
        "checklist_version": checklist.version,
        "inspector": submission.inspector,
        "inspected_on": submission.inspected_on,
        "coord_system_in": submission.coord_system_in,
        "photos": [p.safe_name or p.name for p in submission.photos],
        "source": submission.source,
        "row": submission.row,
    }
    if submission.notes:
        attributes["notes"] = submission.notes
    if submission.geometry.get("type") == "LineString":
        attributes["counties"] = list(submission.counties)  # a line is authorised only where it all lies
    return Subject(
        key=submission.key,
        kind=checklist.subject_kind or "facility",
        category=Category(checklist.category),
        name=submission.name,
        area_code=area_code,
        geometry=submission.geometry,
        attributes=attributes,
    )


_UNITS: dict[tuple[str, int], dict[str, str | None]] = {}


def field_units(checklist: Checklist) -> dict[str, str | None]:
    key = (checklist.id, checklist.version)
    if key not in _UNITS:
        _UNITS[key] = {f.id: f.unit for f in checklist.fields}
    return _UNITS[key]


def findings_of(submission: Submission, checklist: Checklist, catalog: Catalog) -> list[Finding]:
    base = _base_evidence(submission)
    units = field_units(checklist)
    notes = Notes(catalog)
    return [
        evaluate_check(check, submission, base, units.get(check.answer["field"]), notes) for check in checklist.checks
    ]


class Notes:
    """Finding notes in both languages, formatted once per distinct note."""

    _cache: ClassVar[dict[tuple[int, str, str], str]] = {}

    def __init__(self, catalog: Catalog):
        self.catalog = catalog

    def __call__(self, key: str, **values: str) -> str:
        cache_key = (id(self.catalog), key, repr(sorted(values.items())))
        if cache_key not in self._cache:
            self._cache[cache_key] = self.catalog.messages.both(key, **values)
        return self._cache[cache_key]


def _base_evidence(submission: Submission) -> dict[str, Any]:
    evidence: dict[str, Any] = {"row": submission.row, "source": submission.source}
    photo = next((p.safe_name for p in submission.photos if p.safe_name), None)
    if photo:
        evidence["photo"] = photo
    return evidence


def evaluate_check(
    check: Check,
    submission: Submission,
    base: dict[str, Any],
    field_unit: str | None = None,
    notes: Callable[..., str] = lambda key, **values: key,
) -> Finding:
    answer = check.answer
    values = submission.values
    required = _required(check, field_unit)
    condition = answer.get("when")
    if condition:
        applies = condition_holds(condition, values)
        if applies is None:
            return Finding(
                submission.key,
                check.id,
                Outcome.REVIEW,
                required=required,
                evidence=(base,),
                note=notes("facility.note.condition-missing", field=condition["field"]),
            )
        if not applies:
            return Finding(submission.key, check.id, Outcome.NA, required=required)
    value = values.get(answer["field"])
    if value is None:
        return Finding(
            submission.key,
            check.id,
            Outcome.REVIEW,
            required=required,
            evidence=(base,),
            note=notes("facility.note.missing"),
        )
    if isinstance(value, Answer) and value in (NA, UNKNOWN):
        outcome = Outcome.NA if value == NA else Outcome.REVIEW
        return Finding(
            submission.key,
            check.id,
            outcome,
            measured=str(value),
            required=required,
            evidence=() if value == NA else (base,),
            note="" if value == NA else notes("facility.note.unknown"),
        )
    if isinstance(value, tuple):
        return _count_marks(check, submission, value, base, required)
    passed = _passes(answer, value)
    # Pass findings carry no evidence: the subject keeps the row, source and photos; fails point at them.
    return Finding(
        submission.key,
        check.id,
        Outcome.PASS if passed else Outcome.FAIL,
        measured=_measured(value),
        required=required,
        evidence=() if passed else (base,),
    )


def condition_holds(condition: dict[str, Any], values: dict[str, Any]) -> bool | None:
    """True/False when the condition's field is answered; None when it is blank or 'unknown'."""
    value = values.get(condition["field"])
    if value is None:
        return None
    # Only strings can equal the UNKNOWN/NA answers; skipping the test spares a dataclass __eq__ per Measure.
    if isinstance(value, str):
        if value == UNKNOWN:
            return None
        if value == NA:
            return False
    if "equals" in condition:
        return str(value) == str(condition["equals"])
    if "in" in condition:
        return str(value) in _choices(condition)
    return True


_CHOICES: dict[int, tuple[dict[str, Any], Any, frozenset[str]]] = {}


def _choices(condition: dict[str, Any]) -> frozenset[str]:
    """The condition's 'in' list as strings, built once per condition (it is asked for every row).

    The cache holds the condition itself, so its id cannot be reused by another dict meanwhile."""
    listed = condition["in"]
    hit = _CHOICES.get(id(condition))
    if hit is None or hit[0] is not condition or hit[1] is not listed:
        hit = _CHOICES[id(condition)] = (condition, listed, frozenset(str(v) for v in listed))
    return hit[2]


def _passes(answer: dict[str, Any], value: Any) -> bool:
    if "expect" in answer:
        return str(value) == answer["expect"]
    if "allowed" in answer:
        return str(value) in answer["allowed"]
    if isinstance(value, Slope):
        # Benefit of the reading precision: 4.8° may be anything from 4.75° to 4.85°.
        low, high = value.ratio - value.tolerance, value.ratio + value.tolerance
        ok_max = "max" not in answer or low <= threshold_slope(answer["max"]) + 1e-9
        ok_min = "min" not in answer or high >= threshold_slope(answer["min"]) - 1e-9
        return ok_max and ok_min
    if isinstance(value, Measure):
        unit = answer.get("unit") or value.unit  # thresholds are in the field's unit unless the check says
        ok_max = "max" not in answer or value.value <= convert(float(answer["max"]), unit, value.unit) + 1e-9
        ok_min = "min" not in answer or value.value >= convert(float(answer["min"]), unit, value.unit) - 1e-9
        return ok_max and ok_min
    return False


def _count_marks(check: Check, submission: Submission, marks: tuple, base: dict[str, Any], required: Any) -> Finding:
    """Each recorded gap, obstruction or crossing is one failed instance, placed on the segment."""
    limit = int(check.answer.get("max", 0))
    spots = place_marks(submission.geometry, marks)
    evidence = [base] + [_spot_evidence(base, mark, spot) for mark, spot in zip(marks, spots)]
    outcome = Outcome.PASS if len(marks) <= limit else Outcome.FAIL
    total_length = sum(s.length_m or 0 for s in spots)
    measured = {"value": len(marks), "text": f"{len(marks)}"}
    if total_length:
        measured["length_m"] = round(total_length, 1)
    # Stretches of the segment are the instances, so the model's partial credit tells 1 gap from 10.
    stretch_m = check.answer.get("stretch_m") if outcome is Outcome.FAIL else None
    stretches = stretch_counts(submission.geometry, spots, stretch_m) if stretch_m else None
    if stretches:
        measured["stretches"] = {"intact": stretches[0], "broken": stretches[1]}
        passed, failed = stretches
    else:
        passed, failed = None, len(marks) if outcome is Outcome.FAIL else 0
    return Finding(
        submission.key,
        check.id,
        outcome,
        passed=passed,
        failed=failed,
        measured=measured,
        required=required,
        evidence=tuple(evidence),
    )


def _spot_evidence(base: dict[str, Any], mark: Any, spot: Any) -> dict[str, Any]:
    item = {"row": base["row"], "source": base["source"], "text": mark.text}
    for key, value in (
        ("geometry", spot.geometry),
        ("position_m", spot.position_m),
        ("length_m", spot.length_m),
        ("offset_m", spot.offset_m),
        ("note", mark.note or None),
    ):
        if value is not None:
            item[key] = value
    return item


_MEASURED: dict[int, tuple[Any, Any]] = {}
MEASURED_CACHE = 50_000


def _measured(value: Any) -> Any:
    """measured_of, once per value object: the reader shares repeated answers, so their findings share the
    (never mutated) measured dict too, and the store encodes it once. Keyed by id with the value kept alive."""
    hit = _MEASURED.get(id(value))
    if hit is None or hit[0] is not value:
        if len(_MEASURED) >= MEASURED_CACHE:
            _MEASURED.clear()
        hit = _MEASURED[id(value)] = (value, measured_of(value))
    return hit[1]


def measured_of(value: Any) -> Any:
    if isinstance(value, Slope):
        return {"value": round(value.ratio, 5), "text": value.text, "label": value.label()}
    if isinstance(value, Measure):
        unit = UNIT_DISPLAY.get(value.unit or "", "")
        return {
            "value": round(value.value, 4),
            "unit": value.unit,
            "text": value.text,
            "label": f"{value.value:g}{unit}",
        }
    return str(value)


_REQUIRED: dict[tuple[str, str, str | None], dict[str, Any]] = {}


def _required(check: Check, field_unit: str | None) -> dict[str, Any]:
    """The threshold text of a check never changes within a run: build it once (100k rows, ~10 checks each)."""
    key = (check.checklist, check.id, field_unit)
    if key not in _REQUIRED:
        _REQUIRED[key] = required_text(check.answer, field_unit)
    return _REQUIRED[key]


def required_text(answer: dict[str, Any], field_unit: str | None = None) -> dict[str, Any]:
    """'≤1:12', '700–850mm', 'yes', 'full-width | three-sided' plus the raw bounds and whether verified."""
    unit_code = answer.get("unit") or field_unit
    unit = UNIT_DISPLAY.get(unit_code or "", "")
    if "expect" in answer:
        text = answer["expect"]
    elif "allowed" in answer:
        text = " | ".join(answer["allowed"])
    elif "min" in answer and "max" in answer:
        text = f"{answer['min']}–{answer['max']}{unit}"
    elif "max" in answer:
        text = f"≤{answer['max']}{unit}"
    else:
        text = f"≥{answer['min']}{unit}"
    required: dict[str, Any] = {"text": text}
    for key in ("min", "max"):
        if key in answer:
            required[key] = answer[key]
    if unit_code:
        required["unit"] = unit_code
    if answer.get("threshold_verified") is False:
        required["verified"] = False
    return required
