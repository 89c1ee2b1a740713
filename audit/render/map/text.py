"""Short display texts shared by the map payload and the table: check references, values, dates."""

from __future__ import annotations

import json
from typing import Any

from audit.catalog import Catalog
from audit.model import Check, Finding
from audit.render.labels import labelled


class Texts:
    """Messages of one language, plus formatting of the stored values a popup or a table row shows."""

    def __init__(self, catalog: Catalog, lang: str):
        self.catalog = catalog
        self.lang = lang
        # A map of 100,000 items asks for the same few texts hundreds of thousands of times.
        self._plain: dict[str, str] = {}
        self._titles: dict[str, str] = {}
        self._clauses: dict[str, str] = {}
        self._measured: dict[tuple, str] = {}

    def t(self, key: str, **values: object) -> str:
        if values:
            return self.catalog.messages.t(key, self.lang, **values)
        text = self._plain.get(key)
        if text is None:
            text = self._plain[key] = self.catalog.messages.t(key, self.lang)
        return text

    def category(self, category: str) -> str:
        return self.t(f"map.category.{category}")

    def kind(self, kind: str) -> str:
        text = self.t(f"map.kind.{kind}")
        return kind if text == f"map.kind.{kind}" else text

    def check_title(self, check_id: str) -> str:
        title = self._titles.get(check_id)
        if title is None:
            check = self.catalog.checks.get(check_id)
            title = self._titles[check_id] = check.text(self.lang) if check else check_id
        return title

    def clauses(self, check: Check | None) -> str:
        """'GB 55019-2021 3.2.1; GB/T 37668-2019 5.1 [待核实]' — unverified references are marked."""
        if check is None:
            return ""
        text = self._clauses.get(check.id)
        if text is None:
            marker = self.t("map.unverified")
            text = self._clauses[check.id] = "; ".join(
                f"{c.standard} {c.clause}" + ("" if c.verified else f" {marker}") for c in check.clauses
            )
        return text

    def measured_vs_required(self, finding: Finding) -> str:
        measured, required = finding.measured, finding.required
        if measured is None and required is None:
            return ""
        key = (
            (finding.check_id, type(measured), measured, type(required), required)
            if _hashable(measured) and _hashable(required)
            else None
        )
        text = self._measured.get(key) if key is not None else None
        if text is None:
            measured, required = (labelled(v, finding.check_id, self.catalog, self.lang) for v in (measured, required))
            text = self.t("map.measured-vs-required", measured=value_text(measured), required=value_text(required))
            if key is not None:
                self._measured[key] = text
        return text


def _hashable(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float))


def value_text(value: Any) -> str:
    """A stored measured/required value as short text: its `text` when it has one."""
    if value is None:
        return "—"
    if isinstance(value, dict):
        if "text" in value:
            return str(value["text"])
        if "value" in value:
            return f"{value['value']}{value.get('unit', '')}"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def round_date(started_at: str) -> str:
    """'2024-05-01T08:00:00+00:00' -> '2024-05-01'."""
    return started_at[:10]
