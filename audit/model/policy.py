"""The scoring policy: weights, grade bands, partial-credit cap and the insufficient-data rule, loaded from data."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from audit.model.vocab import Severity

# 2: a blocking failure grades D, and thin or veto-less data is "insufficient" instead of graded.
# 3: checks a web round left out (--ignore, --only, --no-builtins) count against coverage.
MODEL_VERSION = "3"


@dataclass(frozen=True)
class Grade:
    """A grade band: `minimum` score inclusive; `passing` grades can be compliant."""

    code: str
    minimum: float
    passing: bool
    label: Mapping[str, str]


INSUFFICIENT_ACTIONS = ("insufficient", "ignore")


class PolicyError(ValueError):
    """A bad value in `scoring.yaml`; the message starts with the key."""


@dataclass(frozen=True)
class InsufficientPolicy:
    """When a subject is not graded but listed for re-inspection (待补充) instead."""

    coverage_floor: float
    veto_unanswered: str
    label: Mapping[str, str]

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> InsufficientPolicy:
        floor = _number(data, "coverage_floor", "insufficient.coverage_floor")
        if not 0.0 <= floor <= 1.0:
            raise PolicyError(f"insufficient.coverage_floor: {floor} is not a share between 0 and 1")
        action = data.get("veto_unanswered")
        if action not in INSUFFICIENT_ACTIONS:
            raise PolicyError(f"insufficient.veto_unanswered: {action!r}; expected one of {INSUFFICIENT_ACTIONS}")
        label = data.get("label")
        if not isinstance(label, Mapping) or not all(isinstance(label.get(k), str) and label[k] for k in ("zh", "en")):
            raise PolicyError("insufficient.label: expected {zh: ..., en: ...} with both texts")
        return cls(floor, action, dict(label))


def _number(data: Mapping[str, Any], key: str, name: str) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PolicyError(f"{name}: expected a number, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class ScoringPolicy:
    """Everything a province may tune without code. Its digest is part of the scoring version."""

    weights: Mapping[Severity, float]
    grades: tuple[Grade, ...]
    failed_check_max_credit: float
    non_compliant_grade: str
    insufficient: InsufficientPolicy

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ScoringPolicy:
        """Build from the parsed `checklists/scoring.yaml` (already schema-validated)."""
        weights = {Severity(name): float(value) for name, value in data["weights"].items()}
        missing = set(Severity) - set(weights)
        if missing:
            raise ValueError(f"weights missing for: {sorted(s.value for s in missing)}")
        grades = tuple(
            sorted(
                (Grade(g["code"], float(g["minimum"]), bool(g["passing"]), dict(g["label"])) for g in data["grades"]),
                key=lambda g: -g.minimum,
            )
        )
        if not grades or grades[-1].minimum > 0:
            raise ValueError("grade bands must cover 0 (the lowest band needs minimum: 0)")
        by_code = {g.code: g for g in grades}
        verdict = data.get("non_compliant_grade")
        if verdict not in by_code or by_code[verdict].passing:
            failing = sorted(code for code, g in by_code.items() if not g.passing)
            raise ValueError(
                f"non_compliant_grade: {verdict!r}; expected a grade that is not passing, one of {failing}"
            )
        if not isinstance(data.get("insufficient"), Mapping):
            raise PolicyError("insufficient: expected a mapping with coverage_floor, veto_unanswered and label")
        return cls(
            weights,
            grades,
            float(data["failed_check_max_credit"]),
            verdict,
            InsufficientPolicy.from_mapping(data["insufficient"]),
        )

    def weight(self, severity: Severity) -> float:
        return self.weights[severity]

    def grade_for(self, score: float) -> Grade:
        """The highest band whose minimum the score reaches."""
        for grade in self.grades:
            if score >= grade.minimum:
                return grade
        return self.grades[-1]

    def grade(self, code: str) -> Grade:
        return next(g for g in self.grades if g.code == code)

    @cached_property
    def version(self) -> str:
        """Model version plus a digest of the policy, so cached scores know what produced them.

        Cached: scoring 100,000 subjects asks for it once per subject.
        """
        canonical = json.dumps(
            {
                "weights": {s.value: w for s, w in sorted(self.weights.items(), key=lambda kv: kv[0].value)},
                "grades": [[g.code, g.minimum, g.passing] for g in self.grades],
                "cap": self.failed_check_max_credit,
                "non_compliant_grade": self.non_compliant_grade,
                "insufficient": [self.insufficient.coverage_floor, self.insufficient.veto_unanswered],
            },
            sort_keys=True,
        )
        return f"{MODEL_VERSION}+{hashlib.sha256(canonical.encode()).hexdigest()[:8]}"
