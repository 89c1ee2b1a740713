"""Checklist data (`checklists/`) loaded and validated into the scoring model's objects."""

from audit.catalog.errors import ChecklistError
from audit.catalog.load import Catalog, Checklist, Field, default_root, load_catalog, load_checklist
from audit.catalog.messages import DEFAULT_LANGUAGE, LANGUAGES, Messages

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "Catalog",
    "Checklist",
    "ChecklistError",
    "Field",
    "Messages",
    "default_root",
    "load_catalog",
    "load_checklist",
]
