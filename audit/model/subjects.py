"""Subjects (what is audited) and the GB/T 2260 administrative-division hierarchy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from audit.model.vocab import Category


@dataclass(frozen=True)
class Subject:
    """A web page, website or facility. `key` is stable across rounds; `geometry` is GeoJSON in WGS-84."""

    key: str
    kind: str
    category: Category
    name: str
    area_code: str | None = None
    url: str | None = None
    geometry: Mapping[str, Any] | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)


# Kinds of subject that are parts of another subject: a web page is scored on its own (for the webmaster),
# but counts in area aggregates only through its website, so a portal weighs one, not one per page.
PART_KINDS = frozenset({"web-page"})


def counts_in_aggregates(subject: Subject) -> bool:
    """False for parts (pages of a website, or anything marked `part_of` another subject)."""
    return subject.kind not in PART_KINDS and not subject.attributes.get("part_of")


def province_code(area_code: str) -> str:
    """'430102' -> '430000'."""
    return area_code[:2] + "0000"


def city_code(area_code: str) -> str:
    """'430102' -> '430100'. A province code maps to itself."""
    return area_code if area_code.endswith("0000") else area_code[:4] + "00"


def area_level(area_code: str) -> str:
    """'province', 'city' or 'county' from the shape of a 6-digit code."""
    if area_code.endswith("0000"):
        return "province"
    if area_code.endswith("00"):
        return "city"
    return "county"


def area_chain(area_code: str) -> tuple[str, ...]:
    """The code and every ancestor, largest first, without repeats: county -> (province, city, county)."""
    chain: list[str] = []
    for code in (province_code(area_code), city_code(area_code), area_code):
        if code not in chain:
            chain.append(code)
    return tuple(chain)


def is_within(area_code: str | None, scope: str) -> bool:
    """Whether `area_code` lies in the area `scope` (itself, or a descendant of it)."""
    return bool(area_code) and scope in area_chain(area_code)
