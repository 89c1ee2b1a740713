"""Public reports (随手拍): a resident's report read and checked, stored with an unguessable reference, and an
official's moderation of it: reject with a reason, or accept into the problem ledger (audit.model.problems)."""

from __future__ import annotations

import base64
import math
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from audit.areas import DEFAULT_REGION
from audit.areas.lookup import county_at
from audit.catalog import Catalog, Checklist
from audit.model import Category, Outcome, Subject, is_within
from audit.model.problems import Event, Problem, Seen, inspect
from audit.service.accounts import User
from audit.service.photo_meta import clean_photo
from audit.service.safety import UnsafeFile, Upload, store_photo
from audit.store import Store
from audit.store.public_sql import OPEN_STATES, PublicReport

REF = re.compile(r"^R-[A-Z2-7]{8}$")
DESCRIPTION_CHARS = 1000
PLACE_CHARS = 200
REASON_CHARS = 1000
LOCATION_SOURCES = ("device", "map", "typed", "photo")
NEARBY = 50  # facilities offered to link a report to, nearest first


class Forbidden(Exception):
    """The user may not moderate this report."""


class Conflict(Exception):
    """The report was already decided (another official acted first)."""


@dataclass(frozen=True)
class FieldError:
    """One problem with the form: the field it belongs to (the id of its input) and the message key."""

    field: str
    key: str
    values: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Draft:
    """The form as the resident filled it in, kept as typed so a refused form comes back with their values."""

    checklist: str = ""
    description: str = ""
    place: str = ""
    lat: str = ""
    lon: str = ""
    location_source: str = "typed"

    @classmethod
    def from_form(cls, form: Mapping[str, str]) -> Draft:
        source = form.get("location_source", "typed")
        return cls(
            checklist=form.get("kind", "").strip()[:80],
            description=form.get("description", "").strip()[: DESCRIPTION_CHARS * 2],
            place=form.get("place", "").strip()[: PLACE_CHARS * 2],
            lat=form.get("lat", "").strip()[:40],
            lon=form.get("lon", "").strip()[:40],
            location_source=source if source in LOCATION_SOURCES else "typed",
        )


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def new_ref() -> str:
    """'R-' and 8 random base32 characters (40 bits): not guessable, not sequential."""
    return "R-" + base64.b32encode(secrets.token_bytes(5)).decode()


def parse_ref(text: str) -> str | None:
    """'r-abcd2345', 'R-ABCD-2345' or 'ABCD2345' -> 'R-ABCD2345'; None when it cannot be a reference."""
    cleaned = re.sub(r"[\s-]", "", text.upper())
    cleaned = "R-" + cleaned.removeprefix("R")
    return cleaned if REF.match(cleaned) else None


def facility_kinds(catalog: Catalog) -> list[Checklist]:
    return sorted(catalog.domain("facility"), key=lambda c: c.id)


def _number(text: str) -> float | None:
    try:
        value = float(text.replace("，", ".").replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def check_draft(
    draft: Draft, catalog: Catalog, photo_lon_lat: tuple[float, float] | None, region: str = DEFAULT_REGION
):
    """(errors, (lon, lat, county code, how the place was given)); the place is None while any error stands.
    The place must lie in a county of `region` (the service's province)."""
    errors: list[FieldError] = []
    if draft.checklist not in {c.id for c in facility_kinds(catalog)}:
        errors.append(FieldError("kind-" + facility_kinds(catalog)[0].id, "public.error.kind"))
    if not draft.description:
        errors.append(FieldError("description", "public.error.description"))
    elif len(draft.description) > DESCRIPTION_CHARS:
        errors.append(FieldError("description", "public.error.too-long", {"limit": DESCRIPTION_CHARS}))
    if len(draft.place) > PLACE_CHARS:
        errors.append(FieldError("place", "public.error.too-long", {"limit": PLACE_CHARS}))
    point, source = None, draft.location_source
    if draft.lat or draft.lon:
        lat, lon = _number(draft.lat), _number(draft.lon)
        if lat is None or not -90 <= lat <= 90:
            errors.append(FieldError("lat", "public.error.lat"))
        if lon is None or not -180 <= lon <= 180:
            errors.append(FieldError("lon", "public.error.lon"))
        if lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180:
            point = (lon, lat)
    elif photo_lon_lat is not None:
        point, source = photo_lon_lat, "photo"
    else:
        errors.append(FieldError("lat", "public.error.no-location"))
    county = county_at(*point, province=region) if point else None
    if point and county is None:
        errors.append(FieldError("lat", "public.error.outside"))
    if errors:
        return errors, None
    return [], (round(point[0], 7), round(point[1], 7), county.code, source)


def submit(
    store: Store,
    catalog: Catalog,
    draft: Draft,
    photo: Upload | None,
    photos_dir: Path,
    max_photo_bytes: int,
    region: str = DEFAULT_REGION,
) -> tuple[list[FieldError], PublicReport | None]:
    """Check the form and the photo together (all errors at once); store the report when both are good."""
    cleaned, errors = None, []
    if photo is not None:
        try:
            cleaned = clean_photo(photo, max_photo_bytes)
        except UnsafeFile as exc:
            errors.append(FieldError("photo", exc.key, {**exc.values, "file": photo.name}))
    draft_errors, place = check_draft(draft, catalog, cleaned.lon_lat if cleaned else None, region)
    errors = draft_errors + errors
    if errors or place is None:
        return errors, None
    lon, lat, county, source = place
    stored = store_photo(Upload("photo" + cleaned.suffix, cleaned.data), photos_dir) if cleaned else None
    at = now_iso()
    report = PublicReport(
        ref=new_ref(),
        created_at=at,
        updated_at=at,
        state="received",
        checklist=draft.checklist,
        description=draft.description,
        place=draft.place,
        lon=lon,
        lat=lat,
        location_source=source,
        area_code=county,
        photo=stored,
    )
    store.add_public_report(report)
    return [], report


# -- moderation ------------------------------------------------------------------------------------
def may_moderate(user: User, report: PublicReport) -> bool:
    return user.is_admin or (user.role == "official" and any(is_within(report.area_code, a) for a in user.areas))


def may_use_queue(user: User) -> bool:
    return user.is_admin or user.role == "official"


def queue(store: Store, user: User, states: list[str] | None = None) -> list[PublicReport]:
    """The reports this official may act on (in their areas; admins: all), newest first."""
    if not may_use_queue(user):
        raise Forbidden
    if user.is_admin:
        return store.public_reports(states=states)
    merged = {r.ref: r for area in user.areas for r in store.public_reports(area=area, states=states)}
    return sorted(merged.values(), key=lambda r: (r.created_at, r.ref), reverse=True)


def get_for(store: Store, user: User, ref: str) -> PublicReport | None:
    parsed = parse_ref(ref)
    report = store.public_report(parsed) if parsed else None
    if report is not None and not may_moderate(user, report):
        raise Forbidden
    return report


def start_review(store: Store, user: User, report: PublicReport) -> None:
    if not may_moderate(user, report):
        raise Forbidden
    changes = {"state": "under-review", "updated_at": now_iso(), "decided_by": user.username}
    if not store.move_public_report(report.ref, ("received",), changes):
        raise Conflict


def reject(store: Store, user: User, report: PublicReport, reason: str) -> list[FieldError]:
    if not may_moderate(user, report):
        raise Forbidden
    reason = reason.strip()
    if not reason:
        return [FieldError("reason", "public.error.reason")]
    if len(reason) > REASON_CHARS:
        return [FieldError("reason", "public.error.too-long", {"limit": REASON_CHARS})]
    at = now_iso()
    changes = {"state": "rejected", "reason": reason, "decided_by": user.username, "decided_at": at, "updated_at": at}
    if not store.move_public_report(report.ref, OPEN_STATES, changes):
        raise Conflict
    return []


def nearby_facilities(store: Store, report: PublicReport, limit: int = NEARBY) -> list[Subject]:
    """Stored facilities of the report's kind in its county, nearest first: what it may be linked to."""
    prefix = f"facility:{report.checklist}:"
    found = [s for s in store.subjects(area=report.area_code) if s.key.startswith(prefix)]
    return sorted(found, key=lambda s: _distance(report, s))[:limit]


def _distance(report: PublicReport, subject: Subject) -> float:
    coords = (subject.geometry or {}).get("coordinates")
    while isinstance(coords, list | tuple) and coords and isinstance(coords[0], list | tuple):
        coords = coords[0]  # a line: its first point is near enough to order candidates
    if not (isinstance(coords, list | tuple) and len(coords) >= 2):
        return math.inf
    dx = (coords[0] - report.lon) * math.cos(math.radians(report.lat))
    return math.hypot(dx, coords[1] - report.lat)


def new_facility(catalog: Catalog, report: PublicReport, name: str) -> Subject:
    """A facility first known from a resident's report, keyed like an inspector's (its 编号 the reference)."""
    checklist = catalog.checklists[report.checklist]
    return Subject(
        key=f"facility:{checklist.id}:{report.area_code}:{report.ref}",
        kind=checklist.subject_kind or "facility",
        category=Category(checklist.category),
        name=name.strip()[:PLACE_CHARS] or report.place or f"{checklist.title.get('zh', checklist.id)} {report.ref}",
        area_code=report.area_code,
        geometry={"type": "Point", "coordinates": [report.lon, report.lat]},
        attributes={
            "submission_id": report.ref,
            "checklist": checklist.id,
            "source": "public-report",
            "photos": [report.photo] if report.photo else [],
        },
    )


def accept(
    store: Store, catalog: Catalog, user: User, report: PublicReport, check_id: str, subject_key: str, name: str = ""
) -> tuple[list[FieldError], Problem | None]:
    """Put the report into the ledger as a failed check on a stored facility of its county, or on a new one.

    The ledger's own transition (`inspect` with a failure) opens the problem, or reopens or refreshes the one
    already kept for that facility and check; the event names the official and the report."""
    if not may_moderate(user, report):
        raise Forbidden
    checklist = catalog.checklists.get(report.checklist)
    errors = []
    if checklist is None or check_id not in {c.id for c in checklist.checks}:
        errors.append(FieldError("check", "public.error.check"))
    subject = None
    if subject_key:
        subject = next((s for s in nearby_facilities(store, report, limit=10**6) if s.key == subject_key), None)
        if subject is None:
            errors.append(FieldError("subject", "public.error.subject"))
    if errors:
        return errors, None
    subject = subject or new_facility(catalog, report, name)
    check = catalog.checks[check_id]
    at = now_iso()
    seen = Seen(
        subject_key=subject.key,
        check_id=check_id,
        outcome=Outcome.FAIL,
        on=report.created_at[:10],
        severity=check.severity.value,
        area_code=subject.area_code or report.area_code,
        subject_name=subject.name,
        photo=report.photo,
    )
    with store.transaction():
        if not store.move_public_report(
            report.ref,
            OPEN_STATES,
            {"state": "accepted", "decided_by": user.username, "decided_at": at, "updated_at": at},
        ):
            raise Conflict
        if not subject_key:
            store.upsert_subjects([subject])
        current = _known(store, subject, check_id)
        changed = inspect(current, seen, at)
        problem = changed[0] if changed else current
        event = _event(problem, current, changed, user, report, at)
        store.put_problems([(problem, event)])
        store.move_public_report(
            report.ref, ("accepted",), {"problem_id": problem.id, "subject_key": subject.key, "updated_at": at}
        )
    return [], problem


def _known(store: Store, subject: Subject, check_id: str) -> Problem | None:
    return next((p for p in store.problems(subject_keys=[subject.key]) if p.check_id == check_id), None)


def _event(problem: Problem, before: Problem | None, changed, user: User, report: PublicReport, at: str) -> Event:
    """The ledger's event for this change, told as the official's act on a public report."""
    detail = {"public_report": report.ref, "outcome": Outcome.FAIL.value}
    if changed is not None and changed[1] is not None:
        return replace(changed[1], by=user.username, note=report.ref, detail={**changed[1].detail, **detail})
    status = before.status if before else problem.status
    return Event(problem.id, at, user.username, status, problem.status, report.ref, report.photo, detail=detail)
