"""Read `checklists/` into the scoring model's Check objects, policy, indicators and messages."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from audit.catalog.errors import ChecklistError
from audit.catalog.messages import Messages
from audit.catalog.regions import indicators_path
from audit.catalog.validate import checklist_problems, require_valid
from audit.model.checks import Check, Clause
from audit.model.indicators import Indicator
from audit.model.policy import ScoringPolicy
from audit.model.vocab import Severity

ENV_ROOT = "A11Y_AUDIT_CHECKLISTS"


def default_root() -> Path:
    """$A11Y_AUDIT_CHECKLISTS, else the copy inside an installed wheel, else the source checkout's."""
    if os.environ.get(ENV_ROOT):
        return Path(os.environ[ENV_ROOT])
    packaged = Path(__file__).resolve().parent.parent / "_data" / "checklists"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[2] / "checklists"


@dataclass(frozen=True)
class Field:
    """One column an inspector fills in (facility checklists)."""

    id: str
    label: Mapping[str, str]
    kind: str
    unit: str | None = None
    choices: tuple[Mapping[str, Any], ...] = ()
    required: bool = False
    help: Mapping[str, str] = field(default_factory=dict)
    plausible: Mapping[str, float] = field(default_factory=dict)  # {min, max}: beyond is a typo or a wrong unit


@dataclass(frozen=True)
class Checklist:
    id: str
    version: int
    domain: str
    category: str
    title: Mapping[str, str]
    checks: tuple[Check, ...]
    fields: tuple[Field, ...] = ()
    subject_kind: str | None = None
    description: Mapping[str, str] = field(default_factory=dict)
    path: str = ""

    def field(self, field_id: str) -> Field:
        return next(f for f in self.fields if f.id == field_id)


@dataclass(frozen=True)
class Catalog:
    root: Path
    checklists: Mapping[str, Checklist]
    checks: Mapping[str, Check]
    policy: ScoringPolicy
    indicators: tuple[Indicator, ...]
    messages: Messages

    def checklist_of(self, check_id: str) -> Checklist:
        return self.checklists[self.checks[check_id].checklist]

    def domain(self, domain: str) -> list[Checklist]:
        return [c for c in self.checklists.values() if c.domain == domain]


def read_yaml(path: Path, source: str) -> Any:
    """Parse one YAML file; syntax errors carry the line and column."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ChecklistError(source, [f"not UTF-8 text ({exc.reason} at byte {exc.start})"]) from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ChecklistError(source, [f"{where}YAML syntax error: {getattr(exc, 'problem', exc)}"]) from exc


def _relative(path: Path, root: Path) -> str:
    try:
        return str(Path(root.name) / path.relative_to(root))
    except ValueError:
        return str(path)


def _to_check(raw: Mapping[str, Any], checklist_id: str) -> Check:
    clauses = tuple(Clause(c["standard"], str(c["clause"]), c.get("verified", True)) for c in raw.get("clauses", []))
    return Check(
        id=raw["id"],
        severity=Severity(raw["severity"]),
        title=dict(raw["title"]),
        veto=raw.get("veto", False),
        level=raw.get("level"),
        clauses=clauses,
        help=dict(raw.get("help", {})),
        answer=dict(raw["answer"]),
        checklist=checklist_id,
    )


def _to_field(raw: Mapping[str, Any]) -> Field:
    return Field(
        id=raw["id"],
        label=dict(raw["label"]),
        kind=raw["kind"],
        unit=raw.get("unit"),
        choices=tuple(raw.get("choices", [])),
        required=raw.get("required", False),
        help=dict(raw.get("help", {})),
        plausible=dict(raw.get("plausible", {})),
    )


def load_checklist(path: Path, root: Path) -> Checklist:
    """One checklist file, validated against the schema and its own cross-references."""
    source = _relative(path, root)
    document = read_yaml(path, source)
    require_valid(document, root / "schema" / "checklist.schema.json", source)
    problems = checklist_problems(document)
    if problems:
        raise ChecklistError(source, problems)
    return Checklist(
        id=document["id"],
        version=document["version"],
        domain=document["domain"],
        category=document["category"],
        title=dict(document["title"]),
        checks=tuple(_to_check(c, document["id"]) for c in document["checks"]),
        fields=tuple(_to_field(f) for f in document.get("fields", [])),
        subject_kind=document.get("subject_kind"),
        description=dict(document.get("description", {})),
        path=source,
    )


# Service-circle checks live beside the circles they apply to (checklists/circles/*.yaml are circles, not checklists).
CHECKLIST_DIRS = ("web", "facility", "circles/checks")


def checklist_paths(root: Path) -> list[Path]:
    return sorted(p for sub in CHECKLIST_DIRS for p in (root / sub).glob("*.yaml"))


def load_policy(root: Path) -> ScoringPolicy:
    path = root / "scoring.yaml"
    document = read_yaml(path, _relative(path, root))
    require_valid(document, root / "schema" / "scoring.schema.json", _relative(path, root))
    return ScoringPolicy.from_mapping(document)


def load_indicators(root: Path, region: str | None = None) -> tuple[Indicator, ...]:
    path = indicators_path(root, region)
    if not path.exists():
        return ()
    source = _relative(path, root)
    document = read_yaml(path, source)
    require_valid(document, root / "schema" / "indicators.schema.json", source)
    return tuple(Indicator.from_mapping(row) for row in document["indicators"])


def load_catalog(root: Path | str | None = None, region: str | None = None) -> Catalog:
    """Everything in `checklists/`; raises ChecklistError naming the file and item on bad data.

    `region` (a province code) picks `regions/<region>/indicators.yaml` over the national scheme when it exists.
    """
    root = Path(root) if root else default_root()
    checklists: dict[str, Checklist] = {}
    checks: dict[str, Check] = {}
    for path in checklist_paths(root):
        checklist = load_checklist(path, root)
        if checklist.id in checklists:
            raise ChecklistError(
                checklist.path, [f"id {checklist.id!r} is already used by {checklists[checklist.id].path}"]
            )
        for check in checklist.checks:
            if check.id in checks:
                other = checklists[checks[check.id].checklist].path
                raise ChecklistError(checklist.path, [f"check id {check.id!r} is already used in {other}"])
            checks[check.id] = check
        checklists[checklist.id] = checklist
    return Catalog(root, checklists, checks, load_policy(root), load_indicators(root, region), Messages.load(root))
