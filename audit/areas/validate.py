"""Which province-level codes can be a configured region, and a clear refusal of any other."""

from __future__ import annotations

import re

from audit.areas.source import provinces

_CODE = re.compile(r"^\d{6}$")


class UnknownRegion(ValueError):
    """A region code that is no province-level division of the boundary data."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(f"{code!r} is not a province-level GB/T 2260 code; valid codes: {valid_region_list()}")


def valid_region_list() -> str:
    """'110000 北京市, 120000 天津市, …': what an error shows the user, in code order."""
    return ", ".join(f"{p.code} {p.name}" for p in sorted(provinces().values(), key=lambda p: p.code))


def check_region(code: str) -> str:
    """The code, stripped, when it is a province-level division the data covers; else UnknownRegion."""
    text = str(code).strip()
    if not _CODE.match(text) or text not in provinces():
        raise UnknownRegion(text)
    return text


def province_of(code: str) -> str | None:
    """The province an area code lies in (its first two digits), None when the data has no such province."""
    text = str(code)
    if not _CODE.match(text):
        return None
    province = text[:2] + "0000"
    return province if province in provinces() else None
