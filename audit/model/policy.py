"""The scoring policy: severity weights, grade bands and the partial-credit cap, loaded from data."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from audit.model.vocab import Severity

MODEL_VERSION = "1"


@dataclass(frozen=True)
class Grade:
    """A grade band: `minimum` score inclusive; `passing` grades can be compliant."""

    code: str
    minimum: float
    passing: bool
    label: Mapping[str, str]


@dataclass(frozen=True)
class ScoringPolicy:
    """Everything a province may tune without code. Its digest is part of the scoring version."""

    weights: Mapping[Severity, float]
    grades: tuple[Grade, ...]
    failed_check_max_credit: float

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
        return cls(weights, grades, float(data["failed_check_max_credit"]))

    def weight(self, severity: Severity) -> float:
        return self.weights[severity]

    def grade_for(self, score: float) -> Grade:
        """The highest band whose minimum the score reaches."""
        for grade in self.grades:
            if score >= grade.minimum:
                return grade
        return self.grades[-1]

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
            },
            sort_keys=True,
        )
        return f"{MODEL_VERSION}+{hashlib.sha256(canonical.encode()).hexdigest()[:8]}"
