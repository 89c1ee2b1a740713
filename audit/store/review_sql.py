"""Human review's persistence (tables of migration 0800), in SQL that reads the same on SQLite and PostGIS.
Mixed into both stores beside PortableSql; uses their `_q`, `_run` and `_many` with `?` placeholders."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from audit.model.review import Verdict
from audit.model.vocab import Outcome
from audit.store.chunks import in_chunks

VERDICT_COLUMNS = ("round_id", "subject_key", "check_id", "outcome", "note", "author", "decided_at", "fingerprint")


@dataclass(frozen=True)
class ReviewCapture:
    """What the reviewer is shown of a page: its screenshot (a file name in the round's artefact folder), the
    hash of its DOM when captured (the fingerprint of manual criteria), its size and the element boxes by selector."""

    round_id: int
    subject_key: str
    dom_hash: str
    captured_at: str
    screenshot: str | None = None
    width: int | None = None
    height: int | None = None
    boxes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Signature:
    """A signed conformance statement for one site in one round (`statement`: scope, target, the reviewer's words)."""

    id: int
    round_id: int
    site_key: str
    signer: str
    signed_at: str
    statement: Mapping[str, Any] = field(default_factory=dict)


class ReviewSql:
    """Store methods of human review: verdicts (with their history), page captures and signed statements."""

    def put_verdicts(self, verdicts: Iterable[Verdict]) -> int:
        """Record each verdict as its round's decision for its (subject, check), replacing an earlier one."""
        rows = [_verdict_row(v) for v in verdicts]
        if not rows:
            return 0
        marks = ", ".join("?" * len(VERDICT_COLUMNS))
        update = ", ".join(f"{c} = excluded.{c}" for c in VERDICT_COLUMNS[3:])
        with self.transaction():
            self._many(
                f"INSERT INTO review_verdicts ({', '.join(VERDICT_COLUMNS)}) VALUES ({marks}) "
                f"ON CONFLICT (round_id, subject_key, check_id) DO UPDATE SET {update}",
                rows,
            )
            self._many(f"INSERT INTO review_history ({', '.join(VERDICT_COLUMNS)}) VALUES ({marks})", rows)
        return len(rows)

    def verdicts(self, round_id: int, subject_key: str | None = None) -> list[Verdict]:
        """This round's own verdicts (carried ones are not stored), by subject and check."""
        sql, params = "SELECT * FROM review_verdicts WHERE round_id = ?", [round_id]
        if subject_key is not None:
            sql, params = sql + " AND subject_key = ?", [*params, subject_key]
        return [_verdict(r) for r in self._q(sql + " ORDER BY subject_key, check_id", params)]

    def earlier_verdicts(self, before_round: int, subject_keys: Iterable[str]) -> dict[tuple[str, str], Verdict]:
        """The latest verdict of each (subject, check) of these subjects in a round before `before_round`."""
        keys = sorted(set(subject_keys))
        latest: dict[tuple[str, str], Verdict] = {}
        for chunk, marks in in_chunks(keys):
            rows = self._q(
                f"SELECT * FROM review_verdicts WHERE round_id < ? AND subject_key IN ({marks}) ORDER BY round_id",
                [before_round, *chunk],
            )
            for row in rows:  # later rounds overwrite earlier ones
                verdict = _verdict(row)
                latest[(verdict.subject_key, verdict.check_id)] = verdict
        return latest

    def has_verdicts(self, up_to_round: int) -> bool:
        """Whether any verdict was recorded in this round or an earlier one (scoring skips review otherwise)."""
        return bool(self._q("SELECT 1 AS one FROM review_verdicts WHERE round_id <= ? LIMIT 1", (up_to_round,)))

    def verdict_history(self, round_id: int, subject_key: str, check_id: str) -> list[Verdict]:
        rows = self._q(
            "SELECT * FROM review_history WHERE round_id = ? AND subject_key = ? AND check_id = ? ORDER BY id",
            (round_id, subject_key, check_id),
        )
        return [_verdict(r) for r in rows]

    def put_capture(self, capture: ReviewCapture) -> None:
        with self.transaction():
            self._run(
                "DELETE FROM review_captures WHERE round_id = ? AND subject_key = ?",
                (capture.round_id, capture.subject_key),
            )
            self._run(
                "INSERT INTO review_captures (round_id, subject_key, screenshot, dom_hash, width, height, boxes, "
                "captured_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    capture.round_id,
                    capture.subject_key,
                    capture.screenshot,
                    capture.dom_hash,
                    capture.width,
                    capture.height,
                    json.dumps(dict(capture.boxes), ensure_ascii=False),
                    capture.captured_at,
                ),
            )

    def captures(self, round_id: int) -> dict[str, ReviewCapture]:
        rows = self._q("SELECT * FROM review_captures WHERE round_id = ?", (round_id,))
        return {r["subject_key"]: _capture(r) for r in rows}

    def sign_statement(self, round_id: int, site_key: str, signer: str, signed_at: str, statement: Mapping) -> int:
        with self.transaction():
            self._run(
                "INSERT INTO review_signatures (round_id, site_key, signer, signed_at, statement) VALUES (?, ?, ?, ?, ?)",
                (round_id, site_key, signer, signed_at, json.dumps(dict(statement), ensure_ascii=False)),
            )
            rows = self._q(
                "SELECT max(id) AS id FROM review_signatures WHERE round_id = ? AND site_key = ?", (round_id, site_key)
            )
        return int(rows[0]["id"])

    def signatures(self, round_id: int, site_key: str | None = None) -> list[Signature]:
        sql, params = "SELECT * FROM review_signatures WHERE round_id = ?", [round_id]
        if site_key is not None:
            sql, params = sql + " AND site_key = ?", [*params, site_key]
        return [
            Signature(r["id"], r["round_id"], r["site_key"], r["signer"], r["signed_at"], json.loads(r["statement"]))
            for r in self._q(sql + " ORDER BY id", params)
        ]


def _verdict_row(v: Verdict) -> tuple:
    outcome = Outcome(v.outcome)
    if outcome is Outcome.REVIEW:
        raise ValueError("a verdict is pass, fail or n/a, never review")
    return (v.round_id, v.subject_key, v.check_id, outcome.value, v.note, v.author, v.decided_at, v.fingerprint)


def _verdict(row: Mapping[str, Any]) -> Verdict:
    return Verdict(
        round_id=int(row["round_id"]),
        subject_key=row["subject_key"],
        check_id=row["check_id"],
        outcome=Outcome(row["outcome"]),
        author=row["author"],
        decided_at=row["decided_at"],
        fingerprint=row["fingerprint"],
        note=row["note"] or "",
    )


def _capture(row: Mapping[str, Any]) -> ReviewCapture:
    return ReviewCapture(
        round_id=int(row["round_id"]),
        subject_key=row["subject_key"],
        dom_hash=row["dom_hash"],
        captured_at=row["captured_at"],
        screenshot=row["screenshot"],
        width=row["width"],
        height=row["height"],
        boxes=json.loads(row["boxes"] or "{}"),
    )
