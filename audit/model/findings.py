"""A finding: one check applied to one subject, with instance counts and evidence."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from audit.model.vocab import Outcome, Severity


@dataclass(frozen=True)
class Finding:
    """`passed`/`failed` count instances (50 images, 5 curb ramps); None means the check is all-or-nothing.

    `severity` overrides the check's own severity when an auditor has a better one
    (axe-core's impact for a web rule), and is None otherwise.
    """

    subject_key: str
    check_id: str
    outcome: Outcome
    passed: int | None = None
    failed: int | None = None
    severity: Severity | None = None
    evidence: tuple[Mapping[str, Any], ...] = ()
    measured: Any = None
    required: Any = None
    note: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)
