"""The scoring model: pure code, no I/O, importing nothing else of the package."""

from audit.model.aggregate import ALL, Aggregate, Change, aggregate, compare
from audit.model.checks import Check, Clause
from audit.model.creation import Indicator, IndicatorResult, evaluate_all
from audit.model.findings import Finding
from audit.model.policy import MODEL_VERSION, Grade, ScoringPolicy
from audit.model.scoring import SubjectScore, score_subject
from audit.model.subjects import Subject, area_chain, area_level, city_code, is_within, province_code
from audit.model.vocab import Category, Outcome, Severity

__all__ = [
    "ALL", "Aggregate", "Change", "aggregate", "compare", "Check", "Clause", "Indicator", "IndicatorResult",
    "evaluate_all", "Finding", "MODEL_VERSION", "Grade", "ScoringPolicy", "SubjectScore", "score_subject",
    "Subject", "area_chain", "area_level", "city_code", "is_within", "province_code", "Category", "Outcome",
    "Severity",
]
