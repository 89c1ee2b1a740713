"""The sample service hall's two-step application form (个体工商户变更登记): its fields and their server-side checks,
including the check digits of a resident ID number (GB 11643) and of a unified social credit code (GB 32100)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

SERVICE = "个体工商户变更登记"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CHANGES = {"name": "名称", "address": "经营场所", "scope": "经营范围", "operator": "经营者"}


def valid_id_number(value: str) -> bool:
    """An 18-character resident ID number whose last character is its GB 11643 check character."""
    if not re.fullmatch(r"[1-9]\d{16}[\dX]", value):
        return False
    total = sum(int(c) * w for c, w in zip(value, _ID_WEIGHTS, strict=False))
    return "10X98765432"[total % 11] == value[-1]


def valid_credit_code(value: str) -> bool:
    """An 18-character unified social credit code whose last character is its GB 32100 check character."""
    if len(value) != 18 or any(c not in _USCC_ALPHABET for c in value):
        return False
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(value, _USCC_WEIGHTS, strict=False))
    return _USCC_ALPHABET[(31 - total % 31) % 31] == value[-1]


@dataclass(frozen=True)
class Field:
    """One field of a step: its name (the form's and the element's id), label, input type and its check."""

    name: str
    label: str
    check: Callable[[str], str | None]  # the error message, or None when the value passes
    kind: str = "text"
    autocomplete: str | None = None
    hint: str | None = None
    options: Mapping[str, str] = field(default_factory=dict)


def _required(label: str, then: Callable[[str], str | None] = lambda v: None) -> Callable[[str], str | None]:
    return lambda value: f"请填写{label}" if not value else then(value)


def _name(value: str) -> str | None:
    return None if 2 <= len(value) <= 20 else "经营者姓名应为 2 至 20 个字"


def _id(value: str) -> str | None:
    return None if valid_id_number(value) else "身份证号码不正确：应为 18 位，末位为数字或 X，且校验位正确"


def _phone(value: str) -> str | None:
    return None if re.fullmatch(r"1[3-9]\d{9}", value) else "手机号码不正确：应为以 1 开头的 11 位数字"


def _credit_code(value: str) -> str | None:
    if valid_credit_code(value):
        return None
    return "统一社会信用代码不正确：应为 18 位数字或大写字母（不含 I、O、S、V、Z），且校验位正确"


def _change(value: str) -> str | None:
    return None if value in CHANGES else "请选择变更事项"


STEPS: dict[int, tuple[str, tuple[Field, ...]]] = {
    1: (
        "经营者信息",
        (
            Field("operator_name", "经营者姓名", _required("经营者姓名", _name), autocomplete="name"),
            Field("id_number", "身份证号码", _required("身份证号码", _id), hint="18 位，末位可为 X"),
            Field("phone", "手机号码", _required("手机号码", _phone), kind="tel", autocomplete="tel"),
        ),
    ),
    2: (
        "经营信息",
        (
            Field("credit_code", "统一社会信用代码", _required("统一社会信用代码", _credit_code), hint="18 位"),
            Field("business_name", "个体工商户名称", _required("个体工商户名称")),
            Field("address", "经营场所", _required("经营场所"), autocomplete="street-address"),
            Field("change", "变更事项", _change, kind="select", options=CHANGES),
        ),
    ),
}


def errors_of(step: int, form: Mapping[str, str]) -> dict[str, str]:
    """Field name -> error message, in the order of the form; empty when every value passes."""
    out = {}
    for f in STEPS[step][1]:
        message = f.check(form.get(f.name, "").strip())
        if message:
            out[f.name] = message
    return out
