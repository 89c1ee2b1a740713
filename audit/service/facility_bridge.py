"""The one place the service calls the facility auditor: the CLI's own ingest and persistence code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from audit.catalog import Catalog
from audit.model import Finding, Subject
from audit.service.accounts import User
from audit.service.safety import Upload
from audit.service.text import t
from audit.store import Store


@dataclass
class Parsed:
    subjects: list[Subject] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    problems: list = field(default_factory=list)  # submissions.Problem
    rows: int = 0
    rows_of: dict[str, int] = field(default_factory=dict)
    files_of: dict[str, str] = field(default_factory=dict)
    source: Any = None  # the facility ingest's own result, handed back to its persistence code


def read(catalog: Catalog, checklist_id: str, files: list[Upload], photo_names: dict[str, str], lang: str) -> Parsed:
    from audit.service.submissions import Problem

    return Parsed(problems=[Problem(t(catalog, "upload.ingest-missing", lang))])


def persist(store: Store, catalog: Catalog, parsed: Parsed, user: User, upload_id: int) -> tuple[int, list[dict]]:
    raise NotImplementedError
