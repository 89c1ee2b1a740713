"""The shared vocabulary of both auditors: outcomes, severities and subject categories."""

from __future__ import annotations

from enum import Enum


class Outcome(str, Enum):
    """What one check said about one subject."""

    PASS = "pass"
    FAIL = "fail"
    REVIEW = "review"
    NA = "n/a"

    @property
    def is_answered(self) -> bool:
        """`review` is the only outcome that leaves a check unanswered."""
        return self is not Outcome.REVIEW

    @property
    def is_applicable(self) -> bool:
        """Only pass and fail count towards a score."""
        return self in (Outcome.PASS, Outcome.FAIL)


class Severity(str, Enum):
    """One scale for web and facility findings, named as axe-core's impacts."""

    CRITICAL = "critical"
    SERIOUS = "serious"
    MODERATE = "moderate"
    MINOR = "minor"

    @property
    def rank(self) -> int:
        """Higher is worse; used to sort and to compare against a threshold."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.MINOR: 1, Severity.MODERATE: 2, Severity.SERIOUS: 3, Severity.CRITICAL: 4}


class Category(str, Enum):
    """What kind of public life a subject belongs to; aggregates are kept per category."""

    INFORMATION = "information"
    ROADS = "roads"
    TOILETS = "toilets"
    BUILDINGS = "buildings"
    PARKING = "parking"
    SCENIC = "scenic"
