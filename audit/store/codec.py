"""Row <-> model conversions shared by the store backends."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from audit.model import Category, Finding, Outcome, Severity, Subject, SubjectScore
from audit.store.base import Round

# One encoder, built once: json.dumps with options builds a new JSONEncoder per call, which costs as much
# as the encoding itself at a million findings. Compact separators (no space after ',' and ':'): about 200
# bytes less per facility and round (issue 17); JSON readers (json.loads, json_extract, jsonb) see the same values.
SEPARATORS = (",", ":")
# A web page's columns in page_reuse after (round_id, subject_key), in table order.
PAGE_REUSE_FIELDS = ("etag", "last_modified", "dom_hash", "digest", "reused")
_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str, separators=SEPARATORS).encode
EMPTY_LIST, EMPTY_OBJECT = "[]", "{}"


def dumps(value: Any) -> str:
    return _encode(value)


# Raw rows keep the inspector's column order (no sort_keys): they are the record of what was sent.
_encode_raw = json.JSONEncoder(ensure_ascii=False, separators=SEPARATORS).encode


def raw_dumps(value: Any) -> str:
    return _encode_raw(value)


# Raw rows (issue 17): the column names once per header in `raw_headers` (0930), each row's values as a JSON
# array beside the header's id (64 bits of the SHA-256 of its names: no lookup to write, never stale to cache).
_HEADERS: dict[int, list[str]] = {}


def raw_header_id(columns: str) -> int:
    return int.from_bytes(hashlib.sha256(columns.encode()).digest()[:8], "big", signed=True)


def raw_parts(raw: Mapping[str, Any]) -> tuple[int, str, str]:
    """(header id, header text, values text) of a raw row, in the inspector's column order."""
    columns = _encode_raw(list(raw))
    return raw_header_id(columns), columns, _encode_raw(list(raw.values()))


def raw_from(text: str, header_id: int | None, columns: str | None) -> dict[str, Any]:
    """A raw row back as column -> value; a row written before 0930 (no header) is its own JSON object."""
    if header_id is None:
        return loads(text, {})
    names = _HEADERS.get(header_id)
    if names is None:
        if len(_HEADERS) >= 10_000:
            _HEADERS.clear()
        names = _HEADERS[header_id] = json.loads(columns)
    return dict(zip(names, json.loads(text), strict=True))


def migrated_raw(text: str, part: str) -> Any:
    """For migration 0930 in SQLite: a raw JSON object's header id, header text or values text."""
    header_id, columns, values = raw_parts(json.loads(text))
    return {"id": header_id, "columns": columns, "values": values}[part]


def prefix_bounds(prefix: str) -> tuple[str, str | None]:
    """[low, high) of the keys starting with `prefix` in code-point order, for an index range scan.

    `high` is None when no string bounds it (the prefix ends in the last code point); callers keep an
    exact prefix test beside the range either way.
    """
    for end in range(len(prefix) - 1, -1, -1):
        point = ord(prefix[end]) + 1
        if 0xD800 <= point <= 0xDFFF:  # surrogates cannot be stored as text: skip to the next scalar
            point = 0xE000
        if point <= 0x10FFFF:
            return prefix, prefix[:end] + chr(point)
    return prefix, None


def loads(text: str | None, default: Any = None) -> Any:
    return default if text is None else json.loads(text)


def representative_point(geometry: Mapping[str, Any] | None) -> tuple[float | None, float | None]:
    """A lon/lat for indexing: the point itself, or the middle vertex of a line or ring."""
    if not geometry:
        return None, None
    coords: Any = geometry.get("coordinates")
    while isinstance(coords, list) and coords and isinstance(coords[0], list):
        coords = coords[len(coords) // 2] if isinstance(coords[0][0], (int, float)) else coords[0]
    if isinstance(coords, list) and len(coords) >= 2:
        return float(coords[0]), float(coords[1])
    return None, None


def subject_row(subject: Subject) -> tuple:
    lon, lat = representative_point(subject.geometry)
    return (
        subject.key,
        subject.kind,
        subject.category.value,
        subject.name,
        subject.area_code,
        subject.url,
        dumps(subject.geometry) if subject.geometry else None,
        lon,
        lat,
        dumps(dict(subject.attributes)),
    )


def subject_from(row: Mapping[str, Any]) -> Subject:
    return Subject(
        key=row["key"],
        kind=row["kind"],
        category=Category(row["category"]),
        name=row["name"],
        area_code=row["area_code"],
        url=row["url"],
        geometry=loads(row["geometry"]),
        attributes=loads(row["attributes"], {}),
    )


def finding_row(round_id: int, finding: Finding, shared: dict[int, tuple[Any, str]] | None = None) -> tuple:
    """`shared` caches the text of values many findings hold as the same object (a check's threshold,
    a repeated measurement); only within one batch, so an object changed later is encoded afresh."""
    return (
        round_id,
        finding.subject_key,
        finding.check_id,
        finding.outcome.value,
        finding.passed,
        finding.failed,
        finding.severity.value if finding.severity else None,
        None if finding.measured is None else _shared_dumps(finding.measured, shared),
        None if finding.required is None else _shared_dumps(finding.required, shared),
        finding.note,
        _evidence_text(finding.evidence, shared),
        dumps(dict(finding.extra)) if finding.extra else EMPTY_OBJECT,
    )


def result_id(passed, failed, severity, measured, required, note, evidence, extra) -> int:
    """The id of a finding's result (everything but its round, subject, check and outcome) in
    `finding_results`: 64 bits of the SHA-256 of its stored text, so every backend and the migrations
    (which call this through SQLite) name the same content the same way without a lookup."""
    return _text_id(_result_fields(passed, failed, severity, measured, required, note, evidence, extra))


def _result_fields(passed, failed, severity, measured, required, note, evidence, extra) -> list:
    counts = [None if passed is None else int(passed), None if failed is None else int(failed)]
    return [*counts, severity, measured, required, note, evidence, extra]


def _text_id(fields: list) -> int:
    return int.from_bytes(hashlib.sha256(_encode_raw(fields).encode()).digest()[:8], "big", signed=True)


def split_finding_rows(rows: Iterable[tuple]) -> tuple[list[tuple], list[tuple]]:
    """12-column finding rows -> (slim rows: round, subject, check, outcome, result id; the distinct results:
    id and the eight columns). A facility round's 1.5 million findings hold a few thousand distinct results
    (issue 17: each check's threshold, each notation, once), so each is stored once."""
    ids: dict[tuple, int] = {}
    results: list[tuple] = []
    slim = []
    for row in rows:
        content = row[4:]
        rid = ids.get(content)
        if rid is None:
            rid = ids[content] = result_id(*content)
            results.append((rid, *content))
        slim.append((*row[:4], rid))
    return slim, results


def packed_result_id(check_id, outcome, passed, failed, severity, measured, required, note, evidence, extra) -> int:
    """The id of a finding's check, outcome and result in SQLite's `finding_results` (0970): 64 bits of the
    SHA-256 of their stored text, like `result_id`, so a writer and the migration name a result alike."""
    return _text_id(
        [check_id, outcome, *_result_fields(passed, failed, severity, measured, required, note, evidence, extra)]
    )


def pack_findings(findings: Iterable[Finding]) -> tuple[dict[str, dict[str, int]], list[tuple]]:
    """Findings -> (subject key -> {check id: result id}, a later finding of a check replacing an earlier one;
    the distinct results: id, check, outcome and the eight result columns). A facility's 15 findings are then
    one row of ids (0970), and a round's 1.5 million findings a few thousand results.

    Findings that hold the same objects (the evaluator shares a check's threshold and each repeated
    measurement) are encoded once: the cache keys on those objects' identity and keeps the finding that holds
    them, so no id is reused while the batch is packed; equal values held as other objects are encoded and then
    found by content."""
    shared: dict[int, tuple[Any, str]] = {}
    by_identity: dict[tuple, tuple[int, Finding]] = {}
    by_content: dict[tuple, int] = {}
    results: list[tuple] = []
    by_subject: dict[str, dict[str, int]] = {}
    for f in findings:
        identity = (
            f.check_id,
            f.outcome,
            f.passed,
            f.failed,
            f.severity,
            id(f.measured),
            id(f.required),
            f.note,
            *map(id, f.evidence),
            id(f.extra) if f.extra else None,
        )
        hit = by_identity.get(identity)
        if hit is None:
            content = finding_row(0, f, shared)[2:]
            rid = by_content.get(content)
            if rid is None:
                rid = by_content[content] = packed_result_id(*content)
                results.append((rid, *content))
            hit = by_identity[identity] = (rid, f)
        checks = by_subject.get(f.subject_key)
        if checks is None:
            checks = by_subject[f.subject_key] = {}
        checks[f.check_id] = hit[0]
    return by_subject, results


def packed_ids(checks: Mapping[str, int]) -> str:
    """A subject's result ids as stored in `subject_findings.results`: a JSON array in check-id order."""
    return "[" + ",".join(str(checks[c]) for c in sorted(checks)) + "]"


def finding_rows(round_id: int, findings: Iterable[Finding]) -> list[tuple]:
    """Rows for a bulk insert, encoded in one pass with a cache shared across the batch."""
    shared: dict[int, tuple[Any, str]] = {}
    return [finding_row(round_id, f, shared) for f in findings]


def _shared_dumps(value: Any, shared: dict[int, tuple[Any, str]] | None) -> str:
    """Encode once per object; the cache keeps the object itself, so its id cannot be reused meanwhile."""
    if shared is None:
        return dumps(value)
    hit = shared.get(id(value))
    if hit is None or hit[0] is not value:
        hit = shared[id(value)] = (value, dumps(value))
    return hit[1]


def _evidence_text(evidence: Iterable[Mapping[str, Any]], shared: dict[int, tuple[Any, str]] | None) -> str:
    items = tuple(evidence)
    if not items:
        return EMPTY_LIST
    if len(items) == 1 and isinstance(items[0], dict):
        # Facility fails all point at the row's one evidence dict: encode it once per subject.
        return "[" + _shared_dumps(items[0], shared) + "]"
    return dumps([dict(e) for e in items])


def finding_from(row: Mapping[str, Any]) -> Finding:
    return Finding(
        subject_key=row["subject_key"],
        check_id=row["check_id"],
        outcome=Outcome(row["outcome"]),
        passed=row["passed"],
        failed=row["failed"],
        severity=Severity(row["severity"]) if row["severity"] else None,
        evidence=tuple(loads(row["evidence"], [])),
        measured=loads(row["measured"]),
        required=loads(row["required"]),
        note=row["note"],
        extra=loads(row["extra"], {}),
    )


# Decoded results by id. An id names one content for good (a hash of it), so this never goes stale, in any
# store; findings read back share their result's decoded values (Finding is frozen; nothing mutates them).
# Decoding each of a round's 1.5 million findings' JSON again was most of the cost of reading them back.
_DECODED: dict[int, tuple] = {}
DECODED_MAX = 50_000


def stored_finding_from(row: Mapping[str, Any]) -> Finding:
    """A finding read through `finding_results` (its row carries `result_id`)."""
    rid = row["result_id"]
    parts = _DECODED.get(rid)
    if parts is None:
        if len(_DECODED) >= DECODED_MAX:
            _DECODED.clear()
        parts = _DECODED[rid] = (
            row["passed"],
            row["failed"],
            Severity(row["severity"]) if row["severity"] else None,
            tuple(loads(row["evidence"], [])),
            loads(row["measured"]),
            loads(row["required"]),
            row["note"],
            loads(row["extra"], {}),
        )
    passed, failed, severity, evidence, measured, required, note, extra = parts
    return Finding(
        subject_key=row["subject_key"],
        check_id=row["check_id"],
        outcome=Outcome(row["outcome"]),
        passed=passed,
        failed=failed,
        severity=severity,
        evidence=evidence,
        measured=measured,
        required=required,
        note=note,
        extra=extra,
    )


def score_rows(round_id: int, scores: Iterable[SubjectScore]) -> Iterator[tuple]:
    """Rows for a bulk insert. Scores of subjects with the same answers share their counts and lists (audit.runs
    scores each pattern once): their JSON is encoded once per batch, keyed on those objects, kept alive."""
    texts: dict[tuple, tuple[SubjectScore, tuple[str, str, str, str]]] = {}
    for score in scores:
        identity = (
            id(score.counts),
            id(score.failed_checks),
            id(score.blocking_checks),
            score.state,
            id(score.reasons),
            id(score.unanswered_vetoes),
            id(score.unanswered_checks),
        )
        hit = texts.get(identity)
        if hit is None:
            hit = texts[identity] = (score, _score_texts(score))
        yield (round_id, score.subject_key, *_score_columns(score, hit[1]))


def _score_texts(score: SubjectScore) -> tuple[str, str, str, str]:
    return (
        dumps(dict(score.counts)),
        dumps(list(score.failed_checks)),
        dumps(list(score.blocking_checks)),
        dumps(_state_detail(score)),
    )


def _score_columns(score: SubjectScore, texts: tuple[str, str, str, str]) -> tuple:
    counts, failed, blocking, detail = texts
    compliant = None if score.compliant is None else int(score.compliant)
    return (
        score.version,
        score.score,
        score.grade,
        compliant,
        score.coverage,
        counts,
        failed,
        blocking,
        score.state,
        detail,
    )


def _state_detail(score: SubjectScore) -> dict[str, list[str]]:
    if not score.insufficient:
        return {}
    return {
        "reasons": list(score.reasons),
        "unanswered_vetoes": list(score.unanswered_vetoes),
        "unanswered_checks": list(score.unanswered_checks),
    }


def score_from(row: Mapping[str, Any]) -> SubjectScore:
    detail = loads(row["state_detail"], {})
    return SubjectScore(
        subject_key=row["subject_key"],
        score=row["score"],
        grade=row["grade"],
        compliant=None if row["compliant"] is None else bool(row["compliant"]),
        coverage=row["coverage"],
        counts=loads(row["counts"], {}),
        failed_checks=tuple(loads(row["failed_checks"], [])),
        blocking_checks=tuple(loads(row["blocking_checks"], [])),
        version=row["version"],
        state=row["state"],
        reasons=tuple(detail.get("reasons", ())),
        unanswered_vetoes=tuple(detail.get("unanswered_vetoes", ())),
        unanswered_checks=tuple(detail.get("unanswered_checks", ())),
    )


def area_prefix(code: str) -> str:
    """Codes inside an area share its prefix: 430000 -> '43', 430100 -> '4301', 430102 -> '430102'."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def round_from(row: Mapping[str, Any]) -> Round:
    return Round(
        id=row["id"],
        kind=row["kind"],
        started_at=row["started_at"],
        status=row["status"],
        label=row["label"],
        finished_at=row["finished_at"],
        meta=loads(row["meta"], {}),
        area_code=row["area_code"],
        period_start=row["period_start"],
        period_end=row["period_end"],
        state=row["state"],
    )
