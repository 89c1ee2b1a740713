"""What a progress report says, as plain records: every output format (HTML, PDF, XLSX) renders these."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from audit.render.report.text import Text
from audit.store import Round

STATUSES = ("open", "new", "fixed")


@dataclass(frozen=True)
class IndicatorRow:
    """One creation indicator for the report's area. Values are 0–1 shares; None when nothing was scored."""

    id: str
    dimension: str
    name: str
    kind: str
    category: str
    metric: str
    target: float
    value: float | None
    previous: float | None
    points: float
    max_points: float
    met: bool | None
    verified: bool

    @property
    def floor_failed(self) -> bool:
        return self.kind == "floor" and self.met is False


@dataclass(frozen=True)
class FailedCheck:
    """A check and how many subjects failed it; `clauses` are display labels."""

    check_id: str
    title: str
    clauses: tuple[str, ...]
    subjects: int


@dataclass(frozen=True)
class CategoryRow:
    """One category in the report's area, with the same cell of the compared round when there is one."""

    category: str
    subjects: int
    scored: int
    mean_score: float | None
    compliance_rate: float | None
    grades: Mapping[str, int]
    top_failed: tuple[FailedCheck, ...]
    insufficient: int = 0
    previous_mean: float | None = None
    previous_rate: float | None = None
    previous_subjects: int | None = None

    @property
    def mean_change(self) -> float | None:
        return None if self.mean_score is None or self.previous_mean is None else self.mean_score - self.previous_mean

    @property
    def rate_change(self) -> float | None:
        if self.compliance_rate is None or self.previous_rate is None:
            return None
        return self.compliance_rate - self.previous_rate


@dataclass(frozen=True)
class PortalRow:
    """A government portal: its stored score this round and in the compared round."""

    key: str
    name: str
    url: str
    division: str
    score: float | None
    grade: str | None
    compliant: bool | None
    critical: int
    previous_score: float | None
    audited_before: bool

    @property
    def change(self) -> float | None:
        return None if self.score is None or self.previous_score is None else self.score - self.previous_score


@dataclass(frozen=True)
class CircleGap:
    item: str
    where: str


@dataclass(frozen=True)
class CircleRow:
    """A barrier-free tourism service circle: share of required items present and compliant, and what is missing."""

    key: str
    name: str
    division: str
    coverage: float | None
    gaps: tuple[CircleGap, ...] = ()


@dataclass(frozen=True)
class RectifyRow:
    """One item of the rectification list: a failed check on one subject, and where it stands."""

    subject_key: str
    subject: str
    location: str
    division: str
    check_id: str
    item: str
    clauses: tuple[str, ...]
    measured: str
    required: str
    photo: str
    first_seen: str | None
    status: str
    severity: str
    round_kind: str


@dataclass(frozen=True)
class ReinspectRow:
    """A subject not graded for want of answers (待补充): why, and the checks still to answer."""

    subject_key: str
    subject: str
    location: str
    division: str
    coverage: float
    reason: str
    missing: str
    missing_count: int


@dataclass(frozen=True)
class RoundLine:
    """One kind's rounds, as the report names them."""

    kind: str
    current: Round
    previous: Round | None


@dataclass
class Report:
    """Everything one report shows, already limited to its area and computed from stored scores."""

    text: Text
    area_code: str | None
    area_name: str
    generated: str
    rounds: list[RoundLine]
    grade_labels: Mapping[str, str]
    indicators: list[IndicatorRow] = field(default_factory=list)
    categories: list[CategoryRow] = field(default_factory=list)
    portals: list[PortalRow] = field(default_factory=list)
    circles: list[CircleRow] = field(default_factory=list)
    rectification: list[RectifyRow] = field(default_factory=list)
    reinspection: list[ReinspectRow] = field(default_factory=list)
    ledger: Any = None  # audit.render.report.ledger.LedgerSection: the problem ledger's progress

    @property
    def lang(self) -> str:
        return self.text.lang

    @property
    def has_previous(self) -> bool:
        return any(r.previous is not None for r in self.rounds)

    @property
    def points(self) -> float:
        return round(sum(r.points for r in self.indicators), 2)

    @property
    def max_points(self) -> float:
        return round(sum(r.max_points for r in self.indicators), 2)

    @property
    def floors_failed(self) -> int:
        return sum(1 for r in self.indicators if r.floor_failed)

    def status_counts(self) -> dict[str, int]:
        counts = {s: 0 for s in STATUSES}
        for row in self.rectification:
            counts[row.status] += 1
        return counts
