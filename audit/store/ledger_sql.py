"""The problem ledger's persistence (tables of migration 0750), in SQL that reads the same on SQLite and PostGIS.
Mixed into both stores beside PortableSql; uses their `_q`, `_run` and `_many` with `?` placeholders."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from audit.model.problems import Event, Problem
from audit.store.chunks import in_chunks

PROBLEM_COLUMNS = (
    "id",
    "subject_key",
    "check_id",
    "severity",
    "status",
    "first_seen",
    "last_seen",
    "first_round",
    "last_round",
    "area_code",
    "subject_name",
    "measured",
    "required",
    "photo",
    "unit",
    "deadline",
    "rectified_note",
    "rectified_photo",
    "closed_at",
    "updated_at",
)
JSON_COLUMNS = ("measured", "required")


def _text(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


def _value(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def area_prefix(code: str) -> str:
    """Codes inside an area share its prefix: 430000 -> '43', 430100 -> '4301', 430102 -> '430102'."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


class LedgerSql:
    """Store methods of the ledger: problems (current state) and their events (history)."""

    def put_problems(self, changes: Iterable[tuple[Problem, Event | None]]) -> int:
        """Write each problem's new state and, where given, its event, all in one transaction."""
        pending = list(changes)
        if not pending:
            return 0
        update = ", ".join(f"{c} = excluded.{c}" for c in PROBLEM_COLUMNS[1:])
        with self.transaction():
            self._many(
                f"INSERT INTO problems ({', '.join(PROBLEM_COLUMNS)}) VALUES ({', '.join('?' * len(PROBLEM_COLUMNS))}) "
                f"ON CONFLICT (id) DO UPDATE SET {update}",
                (_problem_row(p) for p, _ in pending),
            )
            self._many(
                "INSERT INTO problem_events (problem_id, at, by_whom, from_status, to_status, note, photo, round_id, "
                "detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (
                        e.problem_id,
                        e.at,
                        e.by,
                        e.from_status,
                        e.to_status,
                        e.note,
                        e.photo,
                        e.round_id,
                        _text(dict(e.detail)),
                    )
                    for _, e in pending
                    if e is not None
                ),
            )
        return len(pending)

    def delete_problems(self, problem_ids: Iterable[str]) -> int:
        """Remove problems and their history (a problem only a withdrawn inspection had found)."""
        ids = sorted(set(problem_ids))
        with self.transaction():
            for chunk, marks in in_chunks(ids):
                self._run(f"DELETE FROM problem_events WHERE problem_id IN ({marks})", chunk)
                self._run(f"DELETE FROM problems WHERE id IN ({marks})", chunk)
        return len(ids)

    def problem(self, problem_id: str) -> Problem | None:
        rows = self._q("SELECT * FROM problems WHERE id = ?", (problem_id,))
        return _problem(rows[0]) if rows else None

    def problems(
        self,
        area: str | None = None,
        statuses: Iterable[str] | None = None,
        unit: str | None = None,
        subject_keys: Iterable[str] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Problem]:
        """Problems by area (the area and everything in it), states, unit or subjects; oldest first."""
        clauses, params = [], []
        if area:
            clauses.append("area_code LIKE ?")
            params.append(area_prefix(area) + "%")
        if statuses is not None:
            wanted = list(dict.fromkeys(statuses))
            if not wanted:
                return []
            clauses.append(f"status IN ({','.join('?' * len(wanted))})")
            params += wanted
        if unit is not None:
            clauses.append("unit = ?")
            params.append(unit)
        if subject_keys is not None:
            keys = sorted(set(subject_keys))
            found: list[Problem] = []
            for chunk, marks in in_chunks(keys):
                where = " AND ".join([*clauses, f"subject_key IN ({marks})"])
                found += [_problem(r) for r in self._q(f"SELECT * FROM problems WHERE {where}", [*params, *chunk])]
            return sorted(found, key=lambda p: (p.first_seen, p.id))
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        page = ""
        if limit is not None:
            page, params = " LIMIT ? OFFSET ?", [*params, limit, offset]
        rows = self._q(f"SELECT * FROM problems{where} ORDER BY first_seen, id{page}", params)
        return [_problem(r) for r in rows]

    def problem_pairs(self, subject_keys: Iterable[str], excluding: Iterable[str] = ()) -> set[tuple[str, str]]:
        """(subject, check) of the problems of these subjects, but those in the `excluding` states: the ledger's
        question before an upload, answered without reading whole problems."""
        keys, skipped = sorted(set(subject_keys)), sorted(set(excluding))
        pairs: set[tuple[str, str]] = set()
        for chunk, marks in in_chunks(keys):
            sql = f"SELECT subject_key, check_id FROM problems WHERE subject_key IN ({marks})"
            if skipped:
                sql += f" AND status NOT IN ({','.join('?' * len(skipped))})"
            pairs.update((r["subject_key"], r["check_id"]) for r in self._q(sql, [*chunk, *skipped]))
        return pairs

    def problem_events(
        self, problem_id: str | None = None, since: str | None = None, to_status: str | None = None
    ) -> list[Event]:
        """History, oldest first: of one problem, or every event from `since` (ISO time) into a state."""
        clauses, params = [], []
        for clause, value in (("problem_id = ?", problem_id), ("at >= ?", since), ("to_status = ?", to_status)):
            if value is not None:
                clauses.append(clause)
                params.append(value)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        return [_event(r) for r in self._q(f"SELECT * FROM problem_events{where} ORDER BY at, id", params)]


def _problem_row(p: Problem) -> tuple:
    values = {c: getattr(p, c) for c in PROBLEM_COLUMNS}
    for column in JSON_COLUMNS:
        values[column] = _text(values[column])
    return tuple(values[c] for c in PROBLEM_COLUMNS)


def _problem(row: dict[str, Any]) -> Problem:
    values = {c: row[c] for c in PROBLEM_COLUMNS}
    for column in JSON_COLUMNS:
        values[column] = _value(values[column])
    values["subject_name"] = values["subject_name"] or ""
    values["rectified_note"] = values["rectified_note"] or ""
    return Problem(**values)


def _event(row: dict[str, Any]) -> Event:
    return Event(
        problem_id=row["problem_id"],
        at=row["at"],
        by=row["by_whom"],
        from_status=row["from_status"],
        to_status=row["to_status"],
        note=row["note"] or "",
        photo=row["photo"],
        round_id=row["round_id"],
        detail=json.loads(row["detail"] or "{}"),
    )
