"""Parse what inspectors write: numbers with units, slopes in any notation, yes/no/n.a./unknown, choices."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

# Length units convert through millimetres; the other units only accept themselves (or nothing).
UNIT_ALIASES = {
    "mm": "mm",
    "毫米": "mm",
    "cm": "cm",
    "厘米": "cm",
    "公分": "cm",
    "m": "m",
    "米": "m",
    "公尺": "m",
    "m2": "m2",
    "m²": "m2",
    "㎡": "m2",
    "平方米": "m2",
    "平米": "m2",
    "sqm": "m2",
    "n": "N",
    "牛": "N",
    "牛顿": "N",
    "s": "s",
    "秒": "s",
    "sec": "s",
    "个": "count",
    "处": "count",
    "辆": "count",
    "位": "count",
    "%": "percent",
    "％": "percent",
}
TO_MM = {"mm": 1.0, "cm": 10.0, "m": 1000.0}
UNIT_DISPLAY = {"mm": "mm", "cm": "cm", "m": "m", "m2": "m²", "N": "N", "s": "s", "count": "个", "percent": "%"}


class ValueProblem(ValueError):
    """A value that cannot be read; `key` names the message, `params` fill it in."""

    def __init__(self, key: str, **params: Any):
        super().__init__(key)
        self.key = key
        self.params = params


class Answer(str):
    """yes / no / n.a. / unknown for yes-no fields, as a tiny string type so it compares with 'yes'."""


NA, UNKNOWN = Answer("n/a"), Answer("unknown")
YES, NO = Answer("yes"), Answer("no")

_YESNO = {
    YES: (
        "是",
        "是的",
        "有",
        "有的",
        "已设",
        "设有",
        "符合",
        "合格",
        "yes",
        "y",
        "true",
        "1",
        "✓",
        "√",
        "✔",
        "对",
        "对的",
    ),
    NO: ("否", "不是", "无", "没有", "未设", "不符合", "不合格", "no", "n", "false", "0", "✗", "×", "✘", "x", "错"),
    NA: ("不适用", "无需", "n.a.", "n/a", "na", "n.a", "not applicable", "-", "—", "／", "/"),
    UNKNOWN: ("不确定", "未知", "不清楚", "待查", "unknown", "?", "？", "dk", "don't know"),
}
_YESNO_LOOKUP = {word: answer for answer, words in _YESNO.items() for word in words}


def parse_special(text: str) -> Answer | None:
    """'不适用' / 'n.a.' and '不确定' / 'unknown' are valid answers to any field."""
    answer = _YESNO_LOOKUP.get(text.strip().lower())
    return answer if answer in (NA, UNKNOWN) else None


def parse_yesno(text: str) -> Answer:
    answer = _YESNO_LOOKUP.get(text.strip().lower())
    if answer is None:
        near = closest(text, list(_YESNO_LOOKUP), cutoff=0.7)
        if near:
            raise ValueProblem("facility.value.yesno-near", suggestion=near)
        raise ValueProblem("facility.value.yesno")
    return answer


def closest(text: str, names: Sequence[str], cutoff: float = 0.5) -> str | None:
    """The name an inspector most likely meant ('推拉门' -> '推拉'), or None when nothing is close.

    A name that contains the text, or is contained in it, counts as close even when short ('单面坡')."""
    wanted = text.strip().lower()
    if not wanted:
        return None
    lowered = {n.lower(): n for n in names if n}
    found = difflib.get_close_matches(wanted, list(lowered), n=1, cutoff=cutoff)
    if found:
        return lowered[found[0]]
    containing = [
        n for low, n in lowered.items() if min(len(wanted), len(low)) >= 2 and (wanted in low or low in wanted)
    ]
    return min(containing, key=len) if len(containing) == 1 else None


@dataclass(frozen=True)
class Measure:
    """A number in the field's unit, with the text the inspector wrote."""

    value: float
    unit: str | None
    text: str


_NUMBER = re.compile(r"^\s*([+-]?\d+(?:[.,]\d+)?|[+-]?\.\d+)\s*([^\d\s].*?)?\s*$")


def _number(text: str) -> float:
    """'1,2' is a decimal comma; '1,200' a thousands separator."""
    head, _, tail = text.partition(",")
    return float(head + tail) if len(tail) == 3 else float(text.replace(",", "."))


def parse_number(text: str, unit: str | None) -> Measure:
    """'900', '90cm', '0.9 m', '900毫米' -> millimetres for a mm field; bare numbers are in the field's unit."""
    match = _NUMBER.match(text.replace("，", ","))
    units = _units_for(unit)
    if not match:
        raise ValueProblem("facility.value.number", units=units)
    value, suffix = _number(match.group(1)), (match.group(2) or "").strip()
    if value < 0:
        raise ValueProblem("facility.value.negative")
    if suffix:
        given = UNIT_ALIASES.get(suffix.lower()) or UNIT_ALIASES.get(suffix)
        if given is None or not _compatible(given, unit):
            raise ValueProblem("facility.value.unit", unit=suffix, units=units)
        value = convert(value, given, unit)
    return Measure(value, unit, text.strip())


def _compatible(given: str, unit: str | None) -> bool:
    return given == unit or (given in TO_MM and unit in TO_MM)


def _units_for(unit: str | None) -> str:
    if unit in TO_MM:
        return "mm, cm, m"
    return UNIT_DISPLAY.get(unit or "", "")


def convert(value: float, from_unit: str | None, to_unit: str | None) -> float:
    """Between length units (mm/cm/m); anything else converts only to itself."""
    if from_unit == to_unit or from_unit is None or to_unit is None:
        return value
    return value * TO_MM[from_unit] / TO_MM[to_unit]


@dataclass(frozen=True)
class Slope:
    """A gradient as rise/run. `tolerance` is half the reading step of the notation used (4.8° -> ±0.05°)."""

    ratio: float
    text: str
    tolerance: float = 0.0

    @property
    def percent(self) -> float:
        return 100.0 * self.ratio

    def label(self) -> str:
        """'1:12.0 (8.3%)': what reports print beside the threshold."""
        if self.ratio <= 0:
            return "0%"
        return f"1:{1 / self.ratio:.1f} ({self.percent:.1f}%)"


_RATIO = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[:：/]\s*(\d+(?:\.\d+)?)\s*$")
_PERCENT = re.compile(r"^\s*(\d+(?:\.(\d+))?)\s*[%％]\s*$")
_DEGREES = re.compile(r"^\s*(\d+(?:\.(\d+))?)\s*(?:°|度|deg|degrees?)\s*$", re.IGNORECASE)
_RISE_RUN = re.compile(
    r"^\s*(?:rise|高差?|升高?)\s*(\d+(?:\.\d+)?)\s*(mm|cm|m|毫米|厘米|米)?\s*[,，;；]?\s*"
    r"(?:run|长度?|水平长度?|水平距离)\s*(\d+(?:\.\d+)?)\s*(mm|cm|m|毫米|厘米|米)?\s*$",
    re.IGNORECASE,
)
_RISE_RUN_UNITS = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(mm|cm|m|毫米|厘米|米)\s*/\s*(\d+(?:\.\d+)?)\s*(mm|cm|m|毫米|厘米|米)\s*$"
)
_FRACTION = re.compile(r"^\s*(0?\.\d+|0)\s*$")


def _half_step(decimals: str | None) -> float:
    return 0.5 * 10 ** -(len(decimals) if decimals else 0)


def _length_mm(value: str, unit: str | None) -> float:
    return float(value) * TO_MM[UNIT_ALIASES[unit]] if unit else float(value)


def parse_slope(text: str) -> Slope:
    """1:12, 1：12, 150/1800, 8.3%, 4.8°, 4.8度, 'rise 150 run 1800', '高150 长1800', 150mm/1.8m, 0.083."""
    raw = text.strip()
    if m := _RATIO.match(raw):
        rise, run = float(m.group(1)), float(m.group(2))
        if run == 0:
            raise ValueProblem("facility.value.slope")
        return _checked(Slope(rise / run, raw))
    if m := _PERCENT.match(raw):
        return _checked(Slope(float(m.group(1)) / 100, raw, _half_step(m.group(2)) / 100))
    if m := _DEGREES.match(raw):
        degrees, half = float(m.group(1)), _half_step(m.group(2))
        ratio = math.tan(math.radians(degrees))
        return _checked(Slope(ratio, raw, math.tan(math.radians(degrees + half)) - ratio))
    if (m := _RISE_RUN.match(raw)) or (m := _RISE_RUN_UNITS.match(raw)):
        rise, run = _length_mm(m.group(1), m.group(2)), _length_mm(m.group(3), m.group(4))
        if run == 0:
            raise ValueProblem("facility.value.slope")
        return _checked(Slope(rise / run, raw))
    if m := _FRACTION.match(raw):
        return _checked(Slope(float(m.group(1)), raw))
    raise ValueProblem("facility.value.slope")


def _checked(slope: Slope) -> Slope:
    if not 0 <= slope.ratio <= 1.0:
        raise ValueProblem("facility.value.slope-range")
    return slope


def threshold_slope(value: Any) -> float:
    """A checklist threshold ('1:12', '5%', or a plain ratio number) as rise/run."""
    return value if isinstance(value, (int, float)) else parse_slope(str(value)).ratio


def _choice_names(choice: Mapping[str, Any]) -> tuple[str, ...]:
    label = choice["label"]
    return (choice["value"], label.get("zh", ""), label.get("en", ""), *choice.get("synonyms", ()))


def parse_choice(text: str, choices: Sequence[Mapping[str, Any]]) -> str:
    """A choice by its value, its Chinese or English label or a listed synonym (case-insensitive).

    A near miss ('推拉门' where the choice is '推拉') is refused, naming the closest choice."""
    wanted = text.strip().lower()
    owner: dict[str, Mapping[str, Any]] = {}
    for choice in choices:
        names = _choice_names(choice)
        if wanted in (n.lower() for n in names):
            return choice["value"]
        owner.update((n, choice) for n in names if n)
    listed = "、".join(f"{c['label']['zh']}({c['value']})" for c in choices)
    near = closest(text, list(owner))
    if near:
        meant = owner[near]
        suggestion = f"{meant['label']['zh']} / {meant['label'].get('en', meant['value'])}"
        raise ValueProblem("facility.value.choice-near", choices=listed, suggestion=suggestion)
    raise ValueProblem("facility.value.choice", choices=listed)


def choice_label(value: Any, choices: Sequence[Mapping[str, Any]], lang: str) -> Any:
    """The label a reader sees for a stored choice code ('sliding' -> '推拉'); other values unchanged."""
    for choice in choices:
        if choice["value"] == value:
            return choice["label"].get(lang) or choice["label"].get("zh") or value
    return value


# -- plausibility: a value outside the field's plausible range is a typo or the wrong unit -----------
# For a field in `unit`, what the inspector probably wrote instead: 0.9 in a mm column was metres.
UNIT_SLIPS = {"mm": (1000.0, 10.0), "cm": (10.0, 0.1), "m": (0.001, 0.01)}


def check_plausible(measure: Measure, plausible: Mapping[str, float]) -> Measure:
    """Refuse a measure outside `plausible` {min, max}, suggesting the unit slip that would make it fit."""
    if not plausible or plausible["min"] <= measure.value <= plausible["max"]:
        return measure
    low, high, unit = plausible["min"], plausible["max"], UNIT_DISPLAY.get(measure.unit or "", "")
    shown = {"value": f"{measure.value:g}", "min": f"{low:g}", "max": f"{high:g}", "unit": unit}
    for factor in UNIT_SLIPS.get(measure.unit or "", ()):
        meant = round(measure.value * factor, 6)
        if low <= meant <= high:
            raise ValueProblem("facility.value.implausible-unit", suggestion=f"{meant:g} {unit}", **shown)
    raise ValueProblem("facility.value.implausible", **shown)


_DATE = re.compile(r"^\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?$")
CHINA = ZoneInfo("Asia/Shanghai")  # inspectors date their visits in China time; a UTC server may lag a day


def today_in_china() -> date:
    return datetime.now(CHINA).date()


def parse_date(text: str, today: date | None = None) -> str:
    """'2025-06-30', '2025/6/30', '2025年6月30日', or an ISO timestamp -> '2025-06-30'.

    A day that does not exist (2025-02-30) or lies after today is refused: an inspection already happened."""
    m = _DATE.match(text)
    if not m:
        raise ValueProblem("facility.value.date")
    year, month, day = map(int, m.groups())
    try:
        when = date(year, month, day)
    except ValueError:
        raise ValueProblem("facility.value.date-impossible", date=text.strip()) from None
    limit = today or today_in_china()
    if when > limit:
        raise ValueProblem("facility.value.date-future", date=when.isoformat(), today=limit.isoformat())
    return when.isoformat()


def looks_like_formula(text: str) -> bool:
    """Cells that a spreadsheet would execute (=HYPERLINK(...), +cmd, @SUM): never accepted as data.

    Negative or signed numbers ('-5', '+3.5') are left to the number parser.
    """
    if not text:
        return False
    first = text[0]
    if first in "=@\t\r":
        return True
    return first in "+-" and len(text) > 1 and not (text[1].isdigit() or text[1] == ".")
