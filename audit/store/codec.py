"""Row <-> model conversions shared by the store backends."""

from __future__ import annotations

import json
from typing import Any, Mapping

from audit.model import Category, Finding, Outcome, Severity, Subject, SubjectScore


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def loads(text: str | None, default: Any = None) -> Any:
    return default if text is None else json.loads(text)


def representative_point(geometry: Mapping[str, Any] | None) -> tuple[float | None, float | None]:
    """A lon/lat for indexing: the point itself, or the middle vertex of a line or ring."""
    if not geometry:
        return None, None
    coords: Any = geometry.get("coordinates")
    while isinstance(coords, list) and coords and isinstance(coords[0], list):
        coords = coords[len(coords) // 2] if isinstance(coords[0][0], (int, float)) else coords[0]
    if isinstance(coords, list) and len(coords) >= 2:
        return float(coords[0]), float(coords[1])
    return None, None


def subject_row(subject: Subject) -> tuple:
    lon, lat = representative_point(subject.geometry)
    return (
        subject.key, subject.kind, subject.category.value, subject.name, subject.area_code, subject.url,
        dumps(subject.geometry) if subject.geometry else None, lon, lat, dumps(dict(subject.attributes)),
    )


def subject_from(row: Mapping[str, Any]) -> Subject:
    return Subject(
        key=row["key"], kind=row["kind"], category=Category(row["category"]), name=row["name"],
        area_code=row["area_code"], url=row["url"], geometry=loads(row["geometry"]),
        attributes=loads(row["attributes"], {}),
    )


def finding_row(round_id: int, finding: Finding) -> tuple:
    return (
        round_id, finding.subject_key, finding.check_id, finding.outcome.value, finding.passed, finding.failed,
        finding.severity.value if finding.severity else None,
        None if finding.measured is None else dumps(finding.measured),
        None if finding.required is None else dumps(finding.required),
        finding.note, dumps([dict(e) for e in finding.evidence]), dumps(dict(finding.extra)),
    )


def finding_from(row: Mapping[str, Any]) -> Finding:
    return Finding(
        subject_key=row["subject_key"], check_id=row["check_id"], outcome=Outcome(row["outcome"]),
        passed=row["passed"], failed=row["failed"], severity=Severity(row["severity"]) if row["severity"] else None,
        evidence=tuple(loads(row["evidence"], [])), measured=loads(row["measured"]), required=loads(row["required"]),
        note=row["note"], extra=loads(row["extra"], {}),
    )


def score_row(round_id: int, score: SubjectScore) -> tuple:
    return (
        round_id, score.subject_key, score.version, score.score, score.grade,
        None if score.compliant is None else int(score.compliant), score.coverage, dumps(dict(score.counts)),
        dumps(list(score.failed_checks)), dumps(list(score.blocking_checks)),
    )


def score_from(row: Mapping[str, Any]) -> SubjectScore:
    return SubjectScore(
        subject_key=row["subject_key"], score=row["score"], grade=row["grade"],
        compliant=None if row["compliant"] is None else bool(row["compliant"]), coverage=row["coverage"],
        counts=loads(row["counts"], {}), failed_checks=tuple(loads(row["failed_checks"], [])),
        blocking_checks=tuple(loads(row["blocking_checks"], [])), version=row["version"],
    )
