"""Validation problems: each names file, row, column, the value and what was expected, in zh and en."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from audit.catalog import Messages

ERROR, WARNING = "error", "warning"
VALUE_SHOWN = 60  # long values are cut in messages; the whole row is kept in the submission


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an upload. `row` is the spreadsheet row (header = 1) or GeoJSON feature number."""

    file: str
    key: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    level: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.level == ERROR

    def text(self, messages: Messages, lang: str = "zh") -> str:
        """'toilets.csv 第3行「门净宽」列：应为数字…（填写的值：宽）' in the chosen language."""
        if self.row is not None and self.column:
            where = messages.t("facility.where.cell", lang, file=self.file, row=self.row, column=self.column)
        elif self.row is not None:
            where = messages.t("facility.where.row", lang, file=self.file, row=self.row)
        else:
            where = messages.t("facility.where.file", lang, file=self.file)
        message = messages.t(self.key, lang, **self.params)
        if self.value is None or self.value == "":
            return messages.t("facility.problem.line-novalue", lang, where=where, message=message)
        shown = self.value if len(self.value) <= VALUE_SHOWN else self.value[:VALUE_SHOWN] + "…"
        return messages.t("facility.problem.line", lang, where=where, message=message, value=shown)

    def as_dict(self, messages: Messages) -> dict[str, Any]:
        """For the upload service's JSON answer: location, both languages, and the machine key."""
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "key": self.key,
            "level": self.level,
            "params": dict(self.params),
            "zh": self.text(messages, "zh"),
            "en": self.text(messages, "en"),
        }
