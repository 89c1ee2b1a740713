"""Short display texts shared by the map payload and the table: check references, values, dates."""

from __future__ import annotations

import json
from typing import Any

from audit.catalog import Catalog
from audit.model import Check, Finding


class Texts:
    """Messages of one language, plus formatting of the stored values a popup or a table row shows."""

    def __init__(self, catalog: Catalog, lang: str):
        self.catalog = catalog
        self.lang = lang

    def t(self, key: str, **values: object) -> str:
        return self.catalog.messages.t(key, self.lang, **values)

    def category(self, category: str) -> str:
        return self.t(f"map.category.{category}")

    def kind(self, kind: str) -> str:
        text = self.t(f"map.kind.{kind}")
        return kind if text == f"map.kind.{kind}" else text

    def check_title(self, check_id: str) -> str:
        check = self.catalog.checks.get(check_id)
        return check.text(self.lang) if check else check_id

    def clauses(self, check: Check | None) -> str:
        """'GB 55019-2021 3.2.1; GB/T 37668-2019 5.1 [待核实]' — unverified references are marked."""
        if check is None:
            return ""
        marker = self.t("map.unverified")
        return "; ".join(f"{c.standard} {c.clause}" + ("" if c.verified else f" {marker}") for c in check.clauses)

    def measured_vs_required(self, finding: Finding) -> str:
        if finding.measured is None and finding.required is None:
            return ""
        return self.t("map.measured-vs-required", measured=value_text(finding.measured),
                      required=value_text(finding.required))


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
