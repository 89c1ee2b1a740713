"""One submission, start to finish: limits, safe files, the facility ingest, area rights, one transaction."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from audit.areas import get_area
from audit.catalog import Catalog
from audit.model import Subject, is_within
from audit.service import facility_bridge
from audit.service.accounts import User
from audit.service.config import ServiceConfig
from audit.service.records import UploadLog
from audit.service.safety import UnsafeFile, Upload, check_checklist_file, store_photo
from audit.service.text import t
from audit.store import Round, Store


@dataclass
class Problem:
    """One thing wrong, named like the CLI names it: file, row, field, value, expected, message."""

    message: str
    file: str | None = None
    row: int | None = None
    field: str | None = None
    value: Any = None
    level: str = "error"
    key: str | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class Outcome:
    """`status` is the HTTP status; `result` is what the upload record says."""

    status: int
    result: str
    upload_id: int | None = None
    round_id: int | None = None
    problems: list[Problem] = field(default_factory=list)
    facilities: list[dict] = field(default_factory=list)


def _t(catalog: Catalog, key: str, lang: str, **values: object) -> str:
    return t(catalog, key, lang, **values)


def process(
    store: Store,
    catalog: Catalog,
    config: ServiceConfig,
    user: User,
    channel: str,
    checklist_id: str,
    files: list[Upload],
    photos: list[Upload],
    lang: str,
    partial: bool = False,
    campaign: str = "",
) -> Outcome:
    """Validate, ingest and store one submission; every outcome is recorded in the upload log.

    `campaign` names the campaign to join (its id or label); empty: the open campaign of the rows' area for
    today's quarter (`audit.runs.facility.campaign_for`)."""
    if not user.may_upload():
        return Outcome(403, "refused", problems=[Problem(_t(catalog, "upload.not-inspector", lang))])
    log = UploadLog(store)
    upload_id = log.received(user, channel, checklist_id, [f.describe() for f in files + photos])
    try:
        return _recorded(
            store, catalog, config, user, log, upload_id, checklist_id, files, photos, lang, partial, campaign.strip()
        )
    except BaseException as exc:  # whatever goes wrong, no record stays 'received' while the process lives
        _record_failure(store, log, upload_id, catalog, lang, exc)
        raise


def _recorded(
    store: Store,
    catalog: Catalog,
    config: ServiceConfig,
    user: User,
    log: UploadLog,
    upload_id: int,
    checklist_id: str,
    files: list[Upload],
    photos: list[Upload],
    lang: str,
    partial: bool,
    wanted: str = "",
) -> Outcome:
    """The submission after its record exists: each return finishes that record."""
    early = _early_problems(catalog, config, checklist_id, files, photos, lang)
    if early:
        return _finish(store, log, upload_id, Outcome(422, "rejected", problems=early))
    chosen, refusal = choose_campaign(store, catalog, user, wanted, files, lang)
    if refusal is not None:
        return _finish(store, log, upload_id, refusal)
    try:
        stored = {p.name: _keep_photo(p, Path(config.photos_dir)) for p in photos}
    except UnsafeFile as exc:
        return _finish(store, log, upload_id, Outcome(422, "rejected", problems=[_unsafe(catalog, exc, lang)]))
    region = config.region_for(store)
    parsed = facility_bridge.read(catalog, checklist_id, files, stored, partial, config.max_rows, region)
    errors = [_from_ingest(p, catalog, lang) for p in parsed.errors]
    notes = errors + [_from_ingest(p, catalog, lang) for p in parsed.warnings]
    if errors and not (partial and parsed.subjects) or not parsed.subjects:
        return _finish(
            store,
            log,
            upload_id,
            Outcome(422, "rejected", problems=notes or [Problem(_t(catalog, "upload.no-rows", lang))]),
        )
    refused = outside_areas(store, catalog, parsed, user, lang)
    if refused:
        return _finish(store, log, upload_id, Outcome(403, "refused", problems=refused))
    beyond = outside_campaign(catalog, parsed, chosen, lang) if chosen else []
    if beyond:
        return _finish(store, log, upload_id, Outcome(422, "rejected", problems=beyond))
    try:
        with store.transaction():  # the data and the record of it commit together, or neither does
            round_id, facilities = facility_bridge.persist(store, catalog, parsed, user, upload_id, chosen)
            log.finish(upload_id, "accepted", round_id, [f["key"] for f in facilities], [p.as_dict() for p in notes])
    except facility_bridge.CampaignClosed as exc:
        return _finish(store, log, upload_id, Outcome(409, "refused", problems=[campaign_closed(catalog, exc, lang)]))
    return Outcome(201, "accepted", upload_id, round_id, notes, facilities)


def campaign_closed(catalog: Catalog, exc: facility_bridge.CampaignClosed, lang: str) -> Problem:
    campaign = exc.campaign
    period = f"{campaign.period_start or '?'} – {campaign.period_end or '?'}"
    message = _t(catalog, "upload.campaign-closed", lang, label=campaign.label or campaign.id, period=period)
    return Problem(message, key="service.upload.campaign-closed")


def choose_campaign(
    store: Store, catalog: Catalog, user: User, wanted: str, files: list[Upload], lang: str
) -> tuple[Round | None, Outcome | None]:
    """The campaign the uploader named (id or label), or None for the default; else the refusal: unknown
    (422), closed (409), or, for an inspector, a campaign whose area does not overlap theirs (403)."""
    if not wanted:
        return None, None
    campaigns = store.campaigns()
    named = [c for c in campaigns if str(c.id) == wanted] or [c for c in campaigns if c.label == wanted]
    mine = [c for c in named if may_join(user, c.area_code)]
    names = ", ".join(upload.name for upload in files)
    if not named:
        choices = ", ".join(f"{c.id} {c.label}" for c in campaigns if c.is_open and may_join(user, c.area_code))
        message = _t(catalog, "upload.campaign-unknown", lang, campaign=wanted, files=names, open=choices or "-")
        problem = Problem(message, field="campaign", value=wanted, key="service.upload.campaign-unknown")
        return None, Outcome(422, "rejected", problems=[problem])
    if not mine:
        area = ", ".join(_area_label(catalog, c.area_code, lang) for c in named)
        message = _t(
            catalog,
            "upload.campaign-outside-areas",
            lang,
            campaign=wanted,
            area=area,
            areas=", ".join(user.areas) or "-",
        )
        problem = Problem(message, field="campaign", value=wanted, key="service.upload.campaign-outside-areas")
        return None, Outcome(403, "refused", problems=[problem])
    # of several campaigns with one label (a province's and a county's), an open one, then the narrowest
    chosen = max(mine, key=lambda c: (c.is_open, len((c.area_code or "").rstrip("0")), c.id))
    if not chosen.is_open:
        problem = campaign_closed(catalog, facility_bridge.CampaignClosed(chosen), lang)
        return None, Outcome(409, "refused", problems=[replace(problem, field="campaign", value=wanted)])
    return chosen, None


def may_join(user: User, area_code: str | None) -> bool:
    """An inspector's area and a campaign's overlap when either holds the other (a province-wide campaign
    overlaps every area); admins upload into any campaign."""
    if user.is_admin or area_code is None:
        return True
    return any(is_within(area_code, scope) or is_within(scope, area_code) for scope in user.areas)


def outside_campaign(catalog: Catalog, parsed: facility_bridge.Parsed, campaign: Round, lang: str) -> list[Problem]:
    """Rows of a chosen campaign's upload that lie outside its area: each named by file and row."""
    if campaign.area_code is None:
        return []
    problems = []
    for subject in parsed.subjects:
        touched = parsed.submissions[subject.key].counties or (subject.area_code,)
        if all(code and is_within(code, campaign.area_code) for code in touched):
            continue
        file, row = subject.attributes.get("source"), subject.attributes.get("row")
        message = _t(
            catalog,
            "upload.campaign-row-outside",
            lang,
            file=file,
            row=row,
            name=subject.name,
            campaign=campaign.label or campaign.id,
            area=_area_label(catalog, campaign.area_code, lang),
        )
        problems.append(
            Problem(message, file=file, row=row, field="campaign", key="service.upload.campaign-row-outside")
        )
    return sorted(problems, key=lambda p: (p.file or "", p.row or 0))


def outside_areas(
    store: Store, catalog: Catalog, parsed: facility_bridge.Parsed, user: User, lang: str
) -> list[Problem]:
    """Each row that would touch a facility outside the uploader's areas: the whole of its geometry (every
    county a line passes through), and the facility already stored under its key, must lie in them."""
    refused = []
    for subject in parsed.subjects:
        touched = parsed.submissions[subject.key].counties or (subject.area_code,)
        outside = [code for code in touched if not user.covers(code)]
        if outside:
            key = "upload.outside-areas" if len(touched) == 1 else "upload.line-outside-areas"
            refused.append(_refusal(catalog, key, lang, subject, user, outside))
    named = {(p.file, p.row) for p in refused}
    asked = [s for s in parsed.subjects if (s.attributes.get("source"), s.attributes.get("row")) not in named]
    stored = {s.key: s for s in store.subjects(keys=[s.key for s in asked])} if asked else {}
    for subject in asked:
        existing = stored.get(subject.key)
        if existing is None:
            continue
        outside = [c for c in existing.attributes.get("counties") or [existing.area_code] if not user.covers(c)]
        if outside:
            refused.append(_refusal(catalog, "upload.stored-outside-areas", lang, existing, user, outside, subject))
    return sorted(refused, key=lambda p: (p.file or "", p.row or 0))


def _refusal(
    catalog: Catalog,
    key: str,
    lang: str,
    facility: Subject,
    user: User,
    outside: list[str | None],
    row: Subject | None = None,
) -> Problem:
    """`facility` is what lies outside (the row's, or the stored one); `row` the uploaded row, when another."""
    row = row or facility
    file, number, sid = row.attributes.get("source"), row.attributes.get("row"), row.attributes.get("submission_id")
    area = ", ".join(_area_label(catalog, code, lang) for code in outside)
    areas = ", ".join(user.areas) or "-"
    message = _t(catalog, key, lang, name=facility.name, area=area, areas=areas, file=file, row=number, id=sid)
    return Problem(message, file=file, row=number, value=sid, key=f"service.{key}")


def _area_label(catalog: Catalog, code: str | None, lang: str) -> str:
    area = get_area(code) if code else None
    if area is None:
        return code or _t(catalog, "upload.outside-hunan", lang)
    return f"{code} {area.label(lang)}"


def _keep_photo(upload: Upload, folder: Path) -> facility_bridge.StoredPhoto:
    return facility_bridge.StoredPhoto(store_photo(upload, folder), upload.sha256, len(upload.data))


def _from_ingest(problem, catalog: Catalog, lang: str) -> Problem:
    """The facility ingest's problem, worded exactly as the CLI words it, with its location kept apart."""
    return Problem(
        problem.text(catalog.messages, lang),
        file=problem.file,
        row=problem.row,
        field=problem.column,
        value=problem.value,
        level=problem.level,
        key=problem.key,
    )


def _early_problems(
    catalog: Catalog, config: ServiceConfig, checklist_id: str, files: list[Upload], photos: list[Upload], lang: str
) -> list[Problem]:
    checklist = catalog.checklists.get(checklist_id)
    if checklist is None or checklist.domain != "facility":
        return [Problem(_t(catalog, "upload.unknown-checklist", lang, checklist=checklist_id))]
    if not files:
        return [Problem(_t(catalog, "upload.no-files", lang))]
    if len(files) > config.max_files or len(photos) > config.max_photos:
        return [Problem(_t(catalog, "upload.too-many-files", lang, files=config.max_files, photos=config.max_photos))]
    problems = []
    for upload in files:
        try:
            check_checklist_file(upload, config.max_file_bytes, config.max_unzipped_bytes, config.max_zip_ratio)
        except UnsafeFile as exc:
            problems.append(_unsafe(catalog, exc, lang))
    return problems


def _unsafe(catalog: Catalog, exc: UnsafeFile, lang: str) -> Problem:
    return Problem(_t(catalog, exc.key, lang, **exc.values), file=str(exc.values.get("file", "")) or None)


def _record_failure(store: Store, log: UploadLog, upload_id: int, catalog: Catalog, lang: str, exc: BaseException):
    """Mark the record 'failed' with the kind of error (its text may hold data; the server log has it)."""
    problem = Problem(_t(catalog, "upload.failed", lang, reason=type(exc).__name__), key="upload.failed")
    try:
        with store.transaction():
            log.finish(upload_id, "failed", problems=[problem.as_dict()])
    except Exception:  # the store itself may be what failed; the original error is raised below
        logging.getLogger(__name__).exception("could not mark upload %s failed", upload_id)


def _finish(store: Store, log: UploadLog, upload_id: int, outcome: Outcome) -> Outcome:
    with store.transaction():
        log.finish(upload_id, outcome.result, problems=[p.as_dict() for p in outcome.problems])
    outcome.upload_id = upload_id
    return outcome
