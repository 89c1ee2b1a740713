"""Measurements as inspectors write them: units, every slope notation, yes/no in Chinese and English."""

import math

import pytest

from audit.facility.values import (
    NA,
    NO,
    UNKNOWN,
    YES,
    ValueProblem,
    looks_like_formula,
    parse_choice,
    parse_date,
    parse_number,
    parse_slope,
    parse_special,
    parse_yesno,
)


@pytest.mark.parametrize(
    "text, unit, expected",
    [
        ("900", "mm", 900),
        ("90cm", "mm", 900),
        ("0.9 m", "mm", 900),
        ("900毫米", "mm", 900),
        ("90厘米", "mm", 900),
        ("1.2", "m", 1.2),
        ("120cm", "m", 1.2),
        ("1200mm", "m", 1.2),
        ("1.2米", "m", 1.2),
        ("1,2m", "mm", 1200),
        ("1,200mm", "mm", 1200),
        ("4.2㎡", "m2", 4.2),
        ("4.2平方米", "m2", 4.2),
        ("25N", "N", 25),
        ("3秒", "s", 3),
        ("2个", "count", 2),
        ("1.5%", "percent", 1.5),
    ],
)
def test_numbers_with_units_convert_to_the_field_unit(text, unit, expected):
    assert parse_number(text, unit).value == pytest.approx(expected)


@pytest.mark.parametrize(
    "text, unit, key",
    [
        ("wide", "mm", "facility.value.number"),
        ("90kg", "mm", "facility.value.unit"),
        ("3m", "m2", "facility.value.unit"),
        ("-5", "mm", "facility.value.negative"),
    ],
)
def test_bad_numbers_name_the_problem(text, unit, key):
    with pytest.raises(ValueProblem) as info:
        parse_number(text, unit)
    assert info.value.key == key


@pytest.mark.parametrize(
    "text",
    ["1:12", "1：12", "150/1800", "8.33%", "rise 150 run 1800", "高150 长1800", "150mm/1.8m", "0.0833", "15cm/1800mm"],
)
def test_every_slope_notation_reads_one_twelfth(text):
    assert parse_slope(text).ratio == pytest.approx(1 / 12, rel=2e-3)


def test_degrees_and_percent_keep_their_reading_precision():
    degrees = parse_slope("4.8°")
    assert degrees.ratio == pytest.approx(math.tan(math.radians(4.8)))
    assert degrees.ratio - degrees.tolerance <= 1 / 12 <= degrees.ratio + degrees.tolerance
    assert parse_slope("4.8度").ratio == degrees.ratio
    assert parse_slope("8.3%").tolerance == pytest.approx(0.0005)


@pytest.mark.parametrize(
    "text, key",
    [("steep", "facility.value.slope"), ("1:0", "facility.value.slope"), ("60°", "facility.value.slope-range")],
)
def test_bad_slopes(text, key):
    with pytest.raises(ValueProblem) as info:
        parse_slope(text)
    assert info.value.key == key


@pytest.mark.parametrize(
    "text, answer",
    [
        ("是", YES),
        ("有", YES),
        ("yes", YES),
        ("Y", YES),
        ("√", YES),
        ("否", NO),
        ("无", NO),
        ("没有", NO),
        ("no", NO),
        ("不适用", NA),
        ("n.a.", NA),
        ("N/A", NA),
        ("不确定", UNKNOWN),
        ("unknown", UNKNOWN),
        ("?", UNKNOWN),
    ],
)
def test_yes_no_na_unknown_in_both_languages(text, answer):
    assert parse_yesno(text) == answer


def test_na_and_unknown_answer_any_field_and_garbage_is_refused():
    assert parse_special("不适用") == NA and parse_special("不确定") == UNKNOWN and parse_special("是") is None
    with pytest.raises(ValueProblem):
        parse_yesno("maybe")


def test_choices_by_value_or_label(catalog):
    choices = catalog.checklists["accessible-toilets"].fields[0].choices
    assert parse_choice("独立无障碍厕所", choices) == "toilet-room"
    assert parse_choice("Accessible toilet room", choices) == "toilet-room"
    assert parse_choice("stall", choices) == "stall"
    with pytest.raises(ValueProblem) as info:
        parse_choice("别的", choices)
    assert "toilet-room" in info.value.params["choices"]


def test_dates_and_formulas():
    assert parse_date("2025/6/3") == "2025-06-03" == parse_date("2025年6月3日")
    assert parse_date("2025-06-03T10:00:00.000Z") == "2025-06-03"
    assert looks_like_formula('=HYPERLINK("http://x","y")') and looks_like_formula("@SUM(A1)")
    assert looks_like_formula("+cmd|' /C calc'!A0") and not looks_like_formula("-5") and not looks_like_formula("+3.5")
