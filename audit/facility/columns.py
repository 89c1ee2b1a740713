"""Which column is which: template headers, labels, field ids, and ODK Central / KoboToolbox exports."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from audit.catalog import Catalog, Checklist, Messages
from audit.facility.values import closest

# The columns every facility row has besides its checklist's fields, with the names other tools use.
ENVELOPE_ALIASES: dict[str, tuple[str, ...]] = {
    "submission_id": (
        "submission_id",
        "id",
        "编号",
        "序号编号",
        "key",
        "_uuid",
        "instanceid",
        "meta-instanceid",
        "meta/instanceid",
    ),
    "name": ("name", "名称", "设施名称", "title"),
    "inspector": ("inspector", "检查人", "调查人", "submittername", "_submitted_by"),
    "inspected_on": (
        "inspected_on",
        "date",
        "日期",
        "检查日期",
        "调查日期",
        "submissiondate",
        "_submission_time",
        "today",
    ),
    "lon": ("lon", "lng", "long", "longitude", "x", "经度"),
    "lat": ("lat", "latitude", "y", "纬度"),
    "location": ("location", "geopoint", "位置", "坐标", "gps", "_geolocation"),
    "coord_system": ("coord_system", "crs", "坐标系", "坐标系统"),
    "geometry": ("geometry", "line", "geotrace", "wkt", "路段走向", "走向", "线位"),
    "photos": ("photos", "photo", "照片", "图片", "照片文件名"),
    "notes": ("notes", "note", "备注", "说明"),
    "checklist": ("checklist", "清单"),
}
# Aliases that export tools add on their own: they fill a role only if no column names it directly.
SECONDARY = {
    "key",
    "_uuid",
    "instanceid",
    "meta-instanceid",
    "meta/instanceid",
    "submittername",
    "_submitted_by",
    "submissiondate",
    "_submission_time",
    "today",
    "_geolocation",
}
# Export metadata that is expected and carries nothing the auditor needs.
IGNORED = {
    "submitterid",
    "status",
    "reviewstate",
    "deviceid",
    "edits",
    "attachmentspresent",
    "attachmentsexpected",
    "formversion",
    "_id",
    "_validation_status",
    "_notes",
    "_status",
    "_tags",
    "_index",
    "_version_",
    "__version__",
    "_xform_id_string",
    "_attachments",
    "start",
    "end",
    "meta-audit",
    "_parent_index",
    "parent_key",
    "photos_url",
    "photo_url",
}
ODK_GEO = re.compile(r"^(?:.*-)?(?P<name>[^-/]+)-(?P<part>latitude|longitude|altitude|accuracy)$")
KOBO_GEO = re.compile(r"^(?:.*/)?_(?P<name>.+)_(?P<part>latitude|longitude|altitude|precision)$")
UNIT_SUFFIX = re.compile(r"\s*[（(\[【].*?[）)\]】]\s*$")


def normalise(header: str) -> str:
    """'门净宽（mm）' -> '门净宽'; 'Door Width ' -> 'door width'."""
    return UNIT_SUFFIX.sub("", header.strip()).strip().lower()


@dataclass
class ColumnMap:
    """header -> role ('field:<id>', 'env:<name>', 'geo:lat', 'geo:lon', 'ignore') plus unknown headers."""

    roles: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    suggestions: dict[str, str] = field(default_factory=dict)  # unknown header -> the column it nearly names

    def header_of(self, role: str) -> str | None:
        return next((h for h, r in self.roles.items() if r == role), None)

    @property
    def field_ids(self) -> set[str]:
        return {r[6:] for r in self.roles.values() if r.startswith("field:")}


def field_aliases(checklist: Checklist) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for f in checklist.fields:
        for name in (f.id, f.label.get("zh", ""), f.label.get("en", "")):
            if name:
                aliases[normalise(name)] = f"field:{f.id}"
    return aliases


def envelope_aliases(messages: Messages) -> dict[str, str]:
    aliases = {}
    for role, names in ENVELOPE_ALIASES.items():
        labels = (messages.t(f"facility.column.{role}", "zh"), messages.t(f"facility.column.{role}", "en"))
        for name in (*names, *labels):
            aliases[normalise(name)] = f"env:{role}"
    return aliases


def _role(header: str, fields: dict[str, str], envelope: dict[str, str]) -> str | None:
    key = normalise(header)
    if key in fields or key in envelope:
        return fields.get(key) or envelope[key]
    if key in IGNORED or key.startswith("_") and key.endswith("_url"):
        return "ignore"
    if (m := ODK_GEO.match(key)) or (m := KOBO_GEO.match(key)):
        return {"latitude": "geo:lat", "longitude": "geo:lon"}.get(m.group("part"), "ignore")
    # ODK joins group names with '-', Kobo with '/': the last segment is the question name.
    for separator in ("/", "-"):
        if separator in key:
            tail = key.rsplit(separator, 1)[1]
            if tail in fields or tail in envelope:
                return fields.get(tail) or envelope[tail]
    return None


def map_columns(headers: list[str], checklist: Checklist, messages: Messages) -> ColumnMap:
    fields, envelope = field_aliases(checklist), envelope_aliases(messages)
    result = ColumnMap()
    seen: set[str] = set()
    primary_first = sorted((h for h in headers if h), key=lambda h: normalise(h) in SECONDARY)
    for header in primary_first:
        role = _role(header, fields, envelope)
        if role and role in seen and normalise(header) in SECONDARY:
            result.roles[header] = "ignore"
        elif role is None:
            result.unknown.append(header)
        elif role != "ignore" and role in seen:
            result.duplicates.append(header)
        else:
            result.roles[header] = role
            seen.add(role)
    # Kobo exports both the raw geopoint and its split columns: the split ones are unambiguous.
    if "geo:lat" in seen and "env:location" in seen:
        result.roles[result.header_of("env:location")] = "ignore"
    result.suggestions = _near_misses(result.unknown, checklist, seen)
    return result


def _near_misses(unknown: list[str], checklist: Checklist, taken: set[str]) -> dict[str, str]:
    """'入口门宽度（mm）' -> '入口门净宽': the label of a field no other column fills, closest by spelling."""
    free = {f.label["zh"]: f for f in checklist.fields if f"field:{f.id}" not in taken}
    names = {**{normalise(label): label for label in free}, **{f.id: label for label, f in free.items()}}
    found = {}
    for header in unknown:
        near = closest(normalise(header), list(names), cutoff=0.6)
        if near:
            found[header] = names[near]
    return found


def header_scorer(catalog: Catalog) -> Callable[[list[str]], int]:
    """How many cells of a candidate header row name a facility field or an envelope column: the row
    with most is the header (a title row or a cover sheet names none)."""
    names = set(envelope_aliases(catalog.messages))
    for checklist in catalog.domain("facility"):
        names |= set(field_aliases(checklist))
    return lambda headers: sum(1 for h in headers if h and normalise(h) in names)


def fit(headers: list[str], checklist: Checklist) -> int:
    """How many headers name one of this checklist's fields (to detect which checklist a file is)."""
    fields = field_aliases(checklist)
    return sum(
        1
        for h in headers
        if _role(h, fields, {}) not in (None, "ignore") and str(_role(h, fields, {})).startswith("field:")
    )
