"""A check: one requirement, as the scoring model sees it once loaded from `checklists/`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from audit.model.vocab import Severity


@dataclass(frozen=True)
class Clause:
    """A reference to a clause of a standard; `verified` is False for [U] references."""

    standard: str
    clause: str
    verified: bool = True

    def label(self) -> str:
        """Human label, with a marker where the reference is not verified."""
        text = f"{self.standard} {self.clause}"
        return text if self.verified else f"{text} [unverified]"


@dataclass(frozen=True)
class Check:
    """One requirement. `answer` says how an auditor answers it; the model never reads it."""

    id: str
    severity: Severity
    title: Mapping[str, str]
    veto: bool = False
    level: str | None = None
    clauses: tuple[Clause, ...] = ()
    help: Mapping[str, str] = field(default_factory=dict)
    answer: Mapping[str, Any] = field(default_factory=dict)
    checklist: str = ""

    def text(self, lang: str = "zh") -> str:
        """Title in `lang`, falling back to Chinese, the default language."""
        return self.title.get(lang) or self.title.get("zh") or self.id
