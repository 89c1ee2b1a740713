"""User-facing text kept as data in `checklists/messages/*.yaml`, in Chinese (default) and English."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from audit.catalog.errors import ChecklistError

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


@dataclass(frozen=True)
class Messages:
    """Keyed messages; `t('upload.bad-row', 'en', row=3)` formats one."""

    table: Mapping[str, Mapping[str, str]]

    @classmethod
    def load(cls, root: Path) -> Messages:
        table: dict[str, dict[str, str]] = {}
        for path in sorted((root / "messages").glob("*.yaml")):
            source = f"{root.name}/messages/{path.name}"
            document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            if not isinstance(document, dict):
                raise ChecklistError(source, ["expected a mapping of message keys to {zh, en}"])
            problems = []
            for key, text in document.items():
                if key in table:
                    problems.append(f"{key}: key is already defined in another messages file")
                elif not isinstance(text, dict) or set(text) != set(LANGUAGES):
                    problems.append(f"{key}: expected exactly the languages {list(LANGUAGES)}")
                else:
                    table[key] = text
            if problems:
                raise ChecklistError(source, problems)
        return cls(table)

    def t(self, key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
        """The message in `lang` (falling back to Chinese); the key itself if none is defined."""
        entry = self.table.get(key)
        if entry is None:
            return key
        return (entry.get(lang) or entry[DEFAULT_LANGUAGE]).format(**values)

    def both(self, key: str, **values: object) -> str:
        """Chinese, then English, for messages a user may need in either (upload and CLI errors)."""
        return " / ".join(dict.fromkeys(self.t(key, lang, **values) for lang in LANGUAGES))
