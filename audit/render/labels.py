"""Choice and yes/no codes stored in facility findings ('sliding', 'no'), as labels in the reader's language."""

from __future__ import annotations

from typing import Any

from audit.catalog import Catalog

ANSWERS = {"yes", "no", "n/a", "unknown"}


def labelled(value: Any, check_id: str, catalog: Catalog, lang: str) -> Any:
    """The stored measured/required value with every code of the check's choice or yes/no field replaced
    by its label ('inward' -> '内开'; required 'sliding | outward' -> '推拉 | 外开'); anything else as is."""
    check = catalog.checks.get(check_id)
    field_id = check.answer.get("field") if check is not None else None
    if not field_id or check.checklist not in catalog.checklists:
        return value
    try:
        field = catalog.checklists[check.checklist].field(field_id)
    except StopIteration:
        return value
    if field.kind == "choice":
        names = {c["value"]: c["label"].get(lang) or c["label"]["zh"] for c in field.choices}
    elif field.kind == "yesno":
        names = {a: catalog.messages.t(f"facility.answer.{a}", lang) for a in ANSWERS}
    else:
        return value
    if isinstance(value, str):
        return _codes(value, names)
    if isinstance(value, dict) and isinstance(value.get("text"), str) and "value" not in value:
        return {**value, "text": _codes(value["text"], names)}
    return value


def _codes(text: str, names: dict[str, str]) -> str:
    return " | ".join(names.get(part, part) for part in text.split(" | "))
