"""Schema and cross-reference validation of checklist data, with messages that name the item."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from audit.catalog.errors import ChecklistError


@cache
def validator(schema_path: Path) -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_path.read_text(encoding="utf-8")))


def _item_label(document: Any, path: Iterable[Any]) -> str:
    """'checks[3] (id curb-ramp-slope) > answer > max' from a jsonschema path."""
    parts: list[str] = []
    node = document
    for step in path:
        if isinstance(step, int):
            node = node[step] if isinstance(node, list) and step < len(node) else None
            ident = node.get("id") if isinstance(node, dict) else None
            parts[-1:] = [f"{parts[-1] if parts else ''}[{step}]" + (f" (id {ident})" if ident else "")]
        else:
            node = node.get(step) if isinstance(node, dict) else None
            parts.append(str(step))
    return " > ".join(parts) or "(top level)"


def _describe(error: ValidationError) -> str:
    if error.validator in ("oneOf", "anyOf") and error.context:
        detail = "; ".join(sorted({sub.message for sub in error.context}))
        return f"{error.message.split(' is not valid')[0]} does not match any allowed form ({detail})"
    return error.message


def schema_problems(document: Any, schema_path: Path) -> list[str]:
    """Every schema violation, each prefixed with the item it is in."""
    errors = sorted(validator(schema_path).iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{_item_label(document, e.absolute_path)}: {_describe(e)}" for e in errors]


def require_valid(document: Any, schema_path: Path, source: str) -> None:
    problems = schema_problems(document, schema_path)
    if problems:
        raise ChecklistError(source, problems)


def checklist_problems(document: dict[str, Any]) -> list[str]:
    """Cross-references the schema cannot express: unique ids, fields that answers and conditions name."""
    problems: list[str] = []
    field_ids = [f["id"] for f in document.get("fields", [])]
    problems += [f"fields: id {fid!r} is used more than once" for fid in _duplicates(field_ids)]
    check_ids = [c["id"] for c in document["checks"]]
    problems += [f"checks: id {cid!r} is used more than once" for cid in _duplicates(check_ids)]
    if document["domain"] != "facility":
        return problems
    choices = {f["id"]: {c["value"] for c in f.get("choices", [])} for f in document.get("fields", [])}
    kinds = {f["id"]: f["kind"] for f in document.get("fields", [])}
    for index, check in enumerate(document["checks"]):
        label = f"checks[{index}] (id {check['id']})"
        answer = check["answer"]
        for where, name in (
            ("answer > field", answer.get("field")),
            ("answer > when > field", answer.get("when", {}).get("field")),
        ):
            if name is not None and name not in kinds:
                problems.append(f"{label} > {where}: no field {name!r} in this checklist's fields")
        for name in answer.get("between_rows", {}).get("same", []):
            if name not in kinds:
                problems.append(f"{label} > answer > between_rows > same: no field {name!r} in this checklist's fields")
        rule = answer.get("between_rows", {})
        if rule and rule["max_gap_m"] <= rule["join_m"]:
            problems.append(f"{label} > answer > between_rows: max_gap_m must be more than join_m")
        field = answer.get("field")
        if field in kinds and "allowed" in answer and kinds[field] == "choice":
            unknown = set(answer["allowed"]) - choices[field]
            if unknown:
                problems.append(f"{label} > answer > allowed: {sorted(unknown)} are not choices of field {field!r}")
    return problems


def _duplicates(values: list[str]) -> list[str]:
    seen: set[str] = set()
    return sorted({v for v in values if v in seen or seen.add(v)})
