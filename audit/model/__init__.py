"""The scoring model: pure code, no I/O, importing nothing else of the package."""

from __future__ import annotations

import importlib
from typing import Any

from audit.model.checks import Check, Clause
from audit.model.findings import Finding
from audit.model.policy import MODEL_VERSION, Grade, ScoringPolicy
from audit.model.subjects import (
    PART_KINDS,
    Subject,
    area_chain,
    area_level,
    city_code,
    counts_in_aggregates,
    is_within,
    province_code,
)
from audit.model.vocab import Category, Outcome, Severity

# Scoring, aggregation and indicator evaluation load on first use, so that importing the vocabulary
# (as the auditors do) does not import the code that computes scores: the import-linter contract
# "auditors never compute scores" can then forbid those modules outright.
_LAZY = {
    "SubjectScore": "scoring",
    "GRADED": "scoring",
    "INSUFFICIENT": "scoring",
    "score_subject": "scoring",
    "ALL": "rollup",
    "Aggregate": "rollup",
    "Change": "rollup",
    "aggregate": "rollup",
    "compare": "rollup",
    "Indicator": "creation",
    "IndicatorResult": "creation",
    "evaluate_all": "creation",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"audit.model.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'audit.model' has no attribute {name!r}")


__all__ = [
    "PART_KINDS",
    "counts_in_aggregates",
    "Check",
    "Clause",
    "Finding",
    "MODEL_VERSION",
    "Grade",
    "ScoringPolicy",
    "Subject",
    "area_chain",
    "area_level",
    "city_code",
    "is_within",
    "province_code",
    "Category",
    "Outcome",
    "Severity",
    *_LAZY,
]
