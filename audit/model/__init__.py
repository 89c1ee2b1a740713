"""The scoring model: pure code, no I/O, importing nothing else of the package.

Everything is re-exported here for the callers that may score (store, render, runs, cli, service). Auditors and the
catalog import the data modules (checks, findings, subjects, vocab, policy, indicators) directly: import-linter
follows this package's imports, so `from audit.model import ...` in an auditor would reach scoring and fail.
"""

from __future__ import annotations

from audit.model.checks import Check, Clause
from audit.model.creation import IndicatorResult, evaluate_all
from audit.model.findings import Finding
from audit.model.indicators import Indicator
from audit.model.policy import MODEL_VERSION, Grade, ScoringPolicy
from audit.model.rollup import ALL, Aggregate, Change, aggregate, compare
from audit.model.scoring import GRADED, INSUFFICIENT, SubjectScore, score_subject
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

__all__ = [
    "ALL",
    "GRADED",
    "INSUFFICIENT",
    "MODEL_VERSION",
    "PART_KINDS",
    "Aggregate",
    "Category",
    "Change",
    "Check",
    "Clause",
    "Finding",
    "Grade",
    "Indicator",
    "IndicatorResult",
    "Outcome",
    "ScoringPolicy",
    "Severity",
    "Subject",
    "SubjectScore",
    "aggregate",
    "area_chain",
    "area_level",
    "city_code",
    "compare",
    "counts_in_aggregates",
    "evaluate_all",
    "is_within",
    "province_code",
    "score_subject",
]
