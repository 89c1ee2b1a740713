"""Report text in one language: messages from `report.yaml` and numbers and dates formatted for the locale."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from audit.catalog import Messages

EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Text:
    """`t('report.yes')` and the formatters every output shares, so HTML, PDF and XLSX read the same."""

    messages: Messages
    lang: str = "zh"

    def t(self, key: str, **values: Any) -> str:
        return self.messages.t(key, self.lang, **values)

    def pick(self, texts: Mapping[str, str] | None, fallback: str = "") -> str:
        """A {zh, en} mapping from checklist data in this language, falling back to Chinese."""
        if not texts:
            return fallback
        return texts.get(self.lang) or texts.get("zh") or fallback

    def number(self, value: float | None, digits: int = 1) -> str:
        """'1,234.5'; both locales group thousands with a comma and use a point for decimals."""
        if value is None:
            return "—"
        return f"{value:,.{digits}f}"

    def points(self, value: float | None) -> str:
        """Points to at most two decimals without trailing zeros: '3.75', '4', '0'."""
        return "—" if value is None else f"{value:,.2f}".rstrip("0").rstrip(".")

    def integer(self, value: int | None) -> str:
        return "—" if value is None else f"{value:,d}"

    def percent(self, share: float | None, digits: int = 1) -> str:
        """A 0–1 share as '87.5%'."""
        return "—" if share is None else f"{share * 100:.{digits}f}%"

    def signed(self, value: float | None, digits: int = 1, unit: str = "") -> str:
        """'+3.0', '−2.5' (a real minus sign, which screen readers announce), '0.0'."""
        if value is None:
            return "—"
        rounded = round(value, digits)
        sign = "+" if rounded > 0 else "−" if rounded < 0 else ""
        return f"{sign}{abs(rounded):,.{digits}f}{unit}"

    def signed_points(self, share_delta: float | None) -> str:
        """A change of a 0–1 share in percentage points: '+12.5 pp' / '+12.5 百分点'."""
        if share_delta is None:
            return "—"
        return self.signed(share_delta * 100, 1, " " + self.t("report.progress.points"))

    def day(self, when: str | date | datetime | None) -> str:
        """'2024年5月1日' or '1 May 2024' from an ISO timestamp or date."""
        if when is None or when == "":
            return "—"
        parsed = _parse_day(when)
        if parsed is None:
            return str(when)
        if self.lang == "zh":
            return f"{parsed.year}年{parsed.month}月{parsed.day}日"
        return f"{parsed.day} {EN_MONTHS[parsed.month - 1]} {parsed.year}"

    def category(self, category: str) -> str:
        return self.t(f"report.category.{category}")


def _parse_day(when: str | date | datetime) -> date | None:
    if isinstance(when, datetime):
        return when.date()
    if isinstance(when, date):
        return when
    try:
        return datetime.fromisoformat(str(when)).date()
    except ValueError:
        try:
            return date.fromisoformat(str(when)[:10])
        except ValueError:
            return None
