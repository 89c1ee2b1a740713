"""Manual criteria (`checklists/review/*.yaml`): what a reviewer judges by hand, loaded as model Checks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from audit.catalog.errors import ChecklistError
from audit.catalog.load import default_root, read_yaml
from audit.catalog.validate import require_valid
from audit.model.checks import Check, Clause
from audit.model.vocab import Severity

EVERY_PAGE, HOME_PAGE = "every-page", "home-page"


@dataclass(frozen=True)
class ManualSet:
    """One file of manual criteria: a standard's items, the pages they apply to, and a pass line if scored."""

    id: str
    version: int
    standard: str
    applies: str
    title: Mapping[str, str]
    checks: tuple[Check, ...]
    pass_line: float | None = None


@dataclass(frozen=True)
class ManualCriteria:
    sets: tuple[ManualSet, ...]

    @property
    def checks(self) -> dict[str, Check]:
        return {c.id: c for s in self.sets for c in s.checks}

    def set_of(self, check_id: str) -> ManualSet:
        return next(s for s in self.sets if any(c.id == check_id for c in s.checks))

    def by_id(self, set_id: str) -> ManualSet | None:
        return next((s for s in self.sets if s.id == set_id), None)


def _check(raw: Mapping, document: Mapping) -> Check:
    verified = raw.get("verified", True)
    clauses = [Clause(document["standard"], raw["clause"], verified)]
    clauses += [Clause("WCAG 2.1", sc) for sc in raw.get("wcag", ())]
    answer = {"manual": True, "applies": document["applies"]}
    for key in ("points", "mandatory", "auto"):
        if key in raw:
            answer[key] = raw[key]
    return Check(
        id=raw["id"],
        severity=Severity(raw["severity"]),
        title=dict(raw["title"]),
        veto=bool(raw.get("mandatory", False)),
        level=raw.get("level"),
        clauses=tuple(clauses),
        help=dict(raw["how"]),
        answer=answer,
        checklist=document["id"],
    )


@cache
def _load(root: Path) -> ManualCriteria:
    sets, seen = [], set()
    for path in sorted((root / "review").glob("*.yaml")):
        source = f"{root.name}/review/{path.name}"
        document = read_yaml(path, source)
        require_valid(document, root / "schema" / "review.schema.json", source)
        checks = tuple(_check(raw, document) for raw in document["criteria"])
        repeated = [c.id for c in checks if c.id in seen]
        if repeated:
            raise ChecklistError(source, [f"check id {i!r} is used twice" for i in repeated])
        seen.update(c.id for c in checks)
        sets.append(
            ManualSet(
                document["id"],
                document["version"],
                document["standard"],
                document["applies"],
                dict(document["title"]),
                checks,
                document.get("pass_line"),
            )
        )
    return ManualCriteria(tuple(sets))


def load_manual(root: Path | str | None = None) -> ManualCriteria:
    """Every manual criterion under `root/review/` (default: the bundled checklists), validated against its schema."""
    return _load(Path(root) if root else default_root())


@dataclass(frozen=True)
class SuccessCriterion:
    """A WCAG 2.1 A/AA success criterion: number, level, the WCAG-EM Report Tool's id slug, titles."""

    number: str
    level: str
    slug: str
    title: Mapping[str, str]


@cache
def _criteria(root: Path) -> tuple[SuccessCriterion, ...]:
    path = root / "review" / "sc" / "wcag21.yaml"
    document = read_yaml(path, f"{root.name}/review/sc/wcag21.yaml")
    return tuple(
        SuccessCriterion(str(n), lv, slug, {"en": en, "zh": zh}) for n, lv, slug, en, zh in document["criteria"]
    )


def wcag_criteria(root: Path | str | None = None) -> tuple[SuccessCriterion, ...]:
    """WCAG 2.1 Level A and AA success criteria, in order."""
    return _criteria(Path(root) if root else default_root())
