"""Submissions -> subjects and findings: each check compiled once per run into an evaluator, then answered per row."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from types import MappingProxyType
from typing import Any

from audit.catalog import Catalog, Checklist, Messages
from audit.facility.ingest import Submission
from audit.facility.spatial import place_marks, stretch_counts
from audit.facility.values import NA, UNIT_DISPLAY, UNKNOWN, Answer, Measure, Slope, convert, threshold_slope
from audit.model.checks import Check
from audit.model.findings import Finding
from audit.model.subjects import Subject
from audit.model.vocab import Category, Outcome

SLOPE_TEXT = {"max": "≤", "min": "≥"}
MEASURED_CACHE = 50_000


def evaluate_all(submissions: Iterable[Submission], catalog: Catalog) -> Iterator[tuple[Subject, list[Finding]]]:
    """Yield (subject, findings) per submission, filed under the county the ingest placed it in.

    The catalog's checks are compiled here, for this catalog only: no evaluator outlives the run or is shared
    with another catalog, so the same check id with another threshold is another evaluator."""
    compiled = compile_catalog(catalog)
    measured = MeasuredMemo()
    for submission in submissions:
        checklist = compiled[submission.checklist]
        yield subject_of(submission, checklist.checklist, submission.county), checklist.findings(submission, measured)


def findings_of(submission: Submission, checklist: Checklist, catalog: Catalog) -> list[Finding]:
    """One submission's findings, compiling its checklist for this call (evaluate_all compiles once per run)."""
    return compile_checklist(checklist, catalog.messages).findings(submission, MeasuredMemo())


def compile_catalog(catalog: Catalog) -> Mapping[str, CompiledChecklist]:
    """Every facility checklist of the catalog, compiled; read-only."""
    return MappingProxyType({c.id: compile_checklist(c, catalog.messages) for c in catalog.domain("facility")})


def compile_checklist(checklist: Checklist, messages: Messages) -> CompiledChecklist:
    units = {f.id: f.unit for f in checklist.fields}
    missing, unknown = messages.both("facility.note.missing"), messages.both("facility.note.unknown")
    checks = tuple(
        CheckEvaluator.compile(check, units.get(check.answer["field"]), messages, missing, unknown)
        for check in checklist.checks
    )
    return CompiledChecklist(checklist, checks)


@dataclass(frozen=True, slots=True)
class CompiledChecklist:
    checklist: Checklist
    checks: tuple[CheckEvaluator, ...]

    def findings(self, submission: Submission, measured: MeasuredMemo) -> list[Finding]:
        base, key = _base_evidence(submission), submission.key
        return [check(submission, key, base, measured) for check in self.checks]


@dataclass(frozen=True, slots=True)
class CheckEvaluator:
    """One check with everything that does not depend on the row built once: its threshold text, its
    condition's choices as strings, and its notes in both languages. Shared dicts are never mutated."""

    check: Check
    field: str
    required: dict[str, Any]
    condition: Mapping[str, Any] | None
    note_condition_missing: str
    note_missing: str
    note_unknown: str
    # Whether a value passes, and whether a condition value makes the check apply, once per value object (the
    # reader shares repeated answers). A compiled check lives for one run, so its memos do too.
    passes: ByIdentity
    applies: ByIdentity

    @classmethod
    def compile(
        cls, check: Check, field_unit: str | None, messages: Messages, missing: str, unknown: str
    ) -> CheckEvaluator:
        condition = check.answer.get("when")
        choices = frozenset(str(v) for v in condition.get("in", ())) if condition else frozenset()
        return cls(
            check=check,
            field=check.answer["field"],
            required=required_text(check.answer, field_unit),
            condition=condition,
            note_condition_missing=(
                messages.both("facility.note.condition-missing", field=condition["field"]) if condition else ""
            ),
            note_missing=missing,
            note_unknown=unknown,
            passes=ByIdentity(partial(_passes, check.answer)),
            applies=ByIdentity(partial(_holds, condition, choices)),
        )

    def __call__(self, submission: Submission, key: str, base: dict[str, Any], measured: MeasuredMemo) -> Finding:
        """`key` is the submission's key, made once per row by the caller."""
        check, required, values = self.check, self.required, submission.values
        if self.condition:
            applies = self.applies(values.get(self.condition["field"]))
            if applies is None:
                return Finding(
                    key,
                    check.id,
                    Outcome.REVIEW,
                    required=required,
                    evidence=(base,),
                    note=self.note_condition_missing,
                )
            if not applies:
                return Finding(key, check.id, Outcome.NA, required=required)
        value = values.get(self.field)
        if value is None:
            return Finding(key, check.id, Outcome.REVIEW, required=required, evidence=(base,), note=self.note_missing)
        if isinstance(value, Answer) and value in (NA, UNKNOWN):
            outcome = Outcome.NA if value == NA else Outcome.REVIEW
            return Finding(
                key,
                check.id,
                outcome,
                measured=str(value),
                required=required,
                evidence=() if value == NA else (base,),
                note="" if value == NA else self.note_unknown,
            )
        if isinstance(value, tuple):
            return _count_marks(check, submission, value, base, required)
        passed = self.passes(value)
        # Pass findings carry no evidence: the subject keeps the row, source and photos; fails point at them.
        return Finding(
            key,
            check.id,
            Outcome.PASS if passed else Outcome.FAIL,
            measured=measured(value),
            required=required,
            evidence=() if passed else (base,),
        )


def _holds(condition: Mapping[str, Any], choices: frozenset[str], value: Any) -> bool | None:
    """Whether a check with a condition applies, from the value of the condition's field: True/False when it is
    answered; None when it is blank or 'unknown'."""
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
        return str(value) in choices
    return True


class ByIdentity:
    """`compute(value)` once per value object within a run. Keyed by id with the value kept alive, so an id is
    never reused while its entry exists; bounded (emptied when full), and dropped with the run."""

    def __init__(self, compute: Callable[[Any], Any], limit: int = MEASURED_CACHE):
        self.compute, self.limit = compute, limit
        self.entries: dict[int, tuple[Any, Any]] = {}

    def __call__(self, value: Any) -> Any:
        hit = self.entries.get(id(value))
        if hit is None or hit[0] is not value:
            if len(self.entries) >= self.limit:
                self.entries.clear()
            hit = self.entries[id(value)] = (value, self.compute(value))
        return hit[1]


class MeasuredMemo(ByIdentity):
    """measured_of, once per value object within a run: the reader shares repeated answers, so their findings
    share the (never mutated) measured dict too, and the store encodes it once."""

    def __init__(self, limit: int = MEASURED_CACHE):
        super().__init__(measured_of, limit)


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
    for field in checklist.fields:
        # What the facility is (a scenic spot's spot_type, a toilet's provision): service circles match on it.
        value = submission.values.get(field.id)
        if field.kind == "choice" and field.required and isinstance(value, str):
            attributes.setdefault(field.id, value)
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


def _base_evidence(submission: Submission) -> dict[str, Any]:
    evidence: dict[str, Any] = {"row": submission.row, "source": submission.source}
    photo = next((p.safe_name for p in submission.photos if p.safe_name), None)
    if photo:
        evidence["photo"] = photo
    return evidence


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
        ("geometry", mark.geometry or spot.geometry),
        ("position_m", spot.position_m),
        ("length_m", spot.length_m),
        ("offset_m", spot.offset_m),
        ("note", mark.note or None),
    ):
        if value is not None:
            item[key] = value
    return item


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
