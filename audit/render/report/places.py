"""How subjects, places, clauses and measured values are written in a report."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any

from audit.areas import get_area as registry_area
from audit.model import Check, Clause, Subject
from audit.render.report.text import Text
from audit.store import Store


def area_name(store: Store, code: str, lang: str) -> str | None:
    """The area's name in `lang` from the Hunan registry (it has English names), else from the store's areas."""
    known = registry_area(code)
    if known is not None:
        return known.label(lang)
    stored = store.get_area(code)
    return stored.name if stored else None


def division_namer(store: Store, text: Text) -> Callable[[str | None], str]:
    """Code -> '芙蓉区（430102）' / 'Furong District (430102)'; the bare code for an area nobody knows."""

    @cache
    def name(code: str | None) -> str:
        if not code:
            return "—"
        found = area_name(store, code, text.lang)
        return text.t("report.sep.paren", text=found, inner=code) if found else code

    return name


def area_title(store: Store, code: str | None, text: Text) -> str:
    if not code:
        return text.t("report.all-areas")
    return area_name(store, code, text.lang) or code


def _point(geometry: Mapping[str, Any] | None) -> tuple[float, float] | None:
    """The spot to name for a geometry: the point, or the middle vertex of a line or the first of a ring."""
    coords: Any = (geometry or {}).get("coordinates")
    while isinstance(coords, list) and coords and isinstance(coords[0], list):
        coords = coords[len(coords) // 2] if isinstance(coords[0][0], (int, float)) else coords[0]
    if isinstance(coords, list) and len(coords) >= 2 and all(isinstance(c, (int, float)) for c in coords[:2]):
        return float(coords[0]), float(coords[1])
    return None


def coordinates(geometry: Mapping[str, Any] | None) -> str:
    """'28.19410, 112.98230' (latitude, longitude, WGS-84), the order map apps accept when pasted."""
    spot = _point(geometry)
    return f"{spot[1]:.5f}, {spot[0]:.5f}" if spot else ""


def location(subject: Subject) -> str:
    """A URL for web subjects; an address if the inspector gave one, else WGS-84 coordinates."""
    if subject.url:
        return subject.url
    address = subject.attributes.get("address") or subject.attributes.get("location")
    if isinstance(address, str) and address.strip():
        return address.strip()
    return coordinates(subject.geometry) or "—"


def clause_labels(clauses: Iterable[Clause], text: Text) -> tuple[str, ...]:
    """'GB 55019-2021 3.1.2', with the locale's [unverified] marker for [U] references."""
    marker = f" [{text.t('report.unverified')}]"
    return tuple(f"{c.standard} {c.clause}" + ("" if c.verified else marker) for c in clauses)


def value_text(value: Any) -> str:
    """Measured / required values as stored: {'text': '1:10', 'value': 0.1}, a list, a number or a string."""
    if value is None:
        return "—"
    if isinstance(value, Mapping):
        if "text" in value:
            return str(value["text"])
        if "value" in value:
            unit = value.get("unit")
            return f"{value['value']}{' ' + str(unit) if unit else ''}"
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def required_text(value: Any, check: Check | None, text: Text) -> str:
    """The threshold, marked [unverified] when the checklist says it comes from an unverified source."""
    shown = value_text(value)
    if check is not None and check.answer.get("threshold_verified") is False and shown != "—":
        shown += f" [{text.t('report.unverified')}]"
    return shown


def photo_of(evidence: Iterable[Mapping[str, Any]], subject: Subject) -> str:
    """The photo (facility) or screenshot (web) named in the finding's evidence, else the subject's first photo."""
    for item in evidence:
        for key in ("photo", "screenshot"):
            if item.get(key):
                return str(item[key])
    photos = subject.attributes.get("photos") or []
    return str(photos[0]) if photos else ""


def check_title(checks: Mapping[str, Check], check_id: str, text: Text) -> str:
    check = checks.get(check_id)
    return text.pick(check.title, check_id) if check else check_id
