"""Scores of many subjects -> roll-ups by administrative area and category, and change between rounds."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from audit.model.scoring import SubjectScore
from audit.model.subjects import Subject, area_chain, counts_in_aggregates

ALL = "all"


@dataclass(frozen=True)
class Aggregate:
    """One (area, category) cell. `area_code` None collects subjects with no known area.

    `scored` counts graded subjects; `insufficient` those listed for re-inspection (待补充). The mean
    score is over graded subjects only; the compliance rate is compliant / (graded + insufficient):
    an insufficient subject counts against the rate, so an area cannot raise it by not inspecting.
    """

    area_code: str | None
    category: str
    subjects: int
    scored: int
    compliant: int
    insufficient: int
    mean_score: float | None
    compliance_rate: float | None
    grades: Mapping[str, int]
    top_failed: tuple[tuple[str, int], ...]

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.area_code, self.category)


@dataclass(frozen=True)
class Change:
    """Difference of one cell between the previous round and this one; None where either side is missing."""

    area_code: str | None
    category: str
    mean_score: float | None
    compliance_rate: float | None
    subjects: int


def _cell_keys(subject: Subject) -> list[tuple[str | None, str]]:
    areas: Iterable[str | None] = area_chain(subject.area_code) if subject.area_code else (None,)
    return [(area, cat) for area in areas for cat in (ALL, subject.category.value)]


def _summarise(key: tuple[str | None, str], scores: list[SubjectScore], top: int) -> Aggregate:
    scored = [s for s in scores if s.score is not None and not s.insufficient]
    insufficient = sum(1 for s in scores if s.insufficient)
    compliant = sum(1 for s in scored if s.compliant)
    rated = len(scored) + insufficient
    failed = Counter(check for s in scores for check in s.failed_checks)
    return Aggregate(
        area_code=key[0],
        category=key[1],
        subjects=len(scores),
        scored=len(scored),
        compliant=compliant,
        insufficient=insufficient,
        mean_score=round(sum(s.score for s in scored) / len(scored), 2) if scored else None,
        compliance_rate=compliant / rated if rated else None,
        grades=dict(Counter(s.grade for s in scored)),
        top_failed=tuple(sorted(failed.items(), key=lambda kv: (-kv[1], kv[0]))[:top]),
    )


def aggregate(
    scored_subjects: Iterable[tuple[Subject, SubjectScore]], top_failed: int = 10
) -> dict[tuple[str | None, str], Aggregate]:
    """Every subject counts in its county, city and province, under its category and under 'all'.

    Parts of another subject (web pages of a website) are left out: their whole is counted instead.
    """
    cells: dict[tuple[str | None, str], list[SubjectScore]] = defaultdict(list)
    for subject, score in scored_subjects:
        if not counts_in_aggregates(subject):
            continue
        for key in _cell_keys(subject):
            cells[key].append(score)
    return {key: _summarise(key, scores, top_failed) for key, scores in cells.items()}


def _delta(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else round(now - before, 4)


def compare(
    current: Mapping[tuple[str | None, str], Aggregate], previous: Mapping[tuple[str | None, str], Aggregate]
) -> dict[tuple[str | None, str], Change]:
    """Change of every cell present in the current round against the previous round."""
    changes = {}
    for key, now in current.items():
        before = previous.get(key)
        changes[key] = Change(
            area_code=key[0],
            category=key[1],
            mean_score=_delta(now.mean_score, before.mean_score if before else None),
            compliance_rate=_delta(now.compliance_rate, before.compliance_rate if before else None),
            subjects=now.subjects - (before.subjects if before else 0),
        )
    return changes
