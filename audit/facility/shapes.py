"""What the auditor needs of loaded checklists, as protocols: audit.catalog is the caller's to import.

(The import contracts keep auditors away from the scoring functions, which audit.catalog pulls in.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from audit.model.checks import Check


class Messages(Protocol):
    def t(self, key: str, lang: str = "zh", **values: object) -> str: ...
    def both(self, key: str, **values: object) -> str: ...


class Field(Protocol):
    id: str
    label: Mapping[str, str]
    kind: str
    unit: str | None
    choices: Sequence[Mapping[str, Any]]
    required: bool
    help: Mapping[str, str]


class Checklist(Protocol):
    id: str
    version: int
    domain: str
    category: str
    subject_kind: str | None
    title: Mapping[str, str]
    checks: Sequence[Check]
    fields: Sequence[Field]


class Catalog(Protocol):
    checklists: Mapping[str, Checklist]
    messages: Messages

    def domain(self, domain: str) -> list[Checklist]: ...
