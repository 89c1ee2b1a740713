"""Public reports' persistence (table of migration 0780), in SQL that reads the same on SQLite and PostGIS.
Mixed into both stores beside PortableSql; uses their `_q` and `_run` with `?` placeholders."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from audit.store.ledger_sql import area_prefix

REPORT_STATES = ("received", "under-review", "accepted", "rejected")
OPEN_STATES = ("received", "under-review")


@dataclass(frozen=True)
class PublicReport:
    """A resident's report (随手拍) as stored: no name, contact or address of the sender is ever kept."""

    ref: str
    created_at: str
    updated_at: str
    state: str
    checklist: str
    description: str
    lon: float
    lat: float
    area_code: str
    place: str = ""
    location_source: str = "typed"
    photo: str | None = None
    reason: str = ""
    problem_id: str | None = None
    subject_key: str | None = None
    decided_by: str | None = None
    decided_at: str | None = None


COLUMNS = tuple(f.name for f in fields(PublicReport))


class PublicReportSql:
    """Store methods of public reports: add one, read by reference or area, and move it on (conditionally)."""

    def add_public_report(self, report: PublicReport) -> None:
        with self.transaction():
            self._run(
                f"INSERT INTO public_reports ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                tuple(getattr(report, c) for c in COLUMNS),
            )

    def public_report(self, ref: str) -> PublicReport | None:
        rows = self._q("SELECT * FROM public_reports WHERE ref = ?", (ref,))
        return _report(rows[0]) if rows else None

    def public_reports(
        self, area: str | None = None, states: Iterable[str] | None = None, limit: int = 500
    ) -> list[PublicReport]:
        """Reports in an area (and everything inside it) and states; newest first."""
        clauses, params = [], []
        if area:
            clauses.append("area_code LIKE ?")
            params.append(area_prefix(area) + "%")
        if states is not None:
            wanted = list(dict.fromkeys(states))
            if not wanted:
                return []
            clauses.append(f"state IN ({','.join('?' * len(wanted))})")
            params += wanted
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._q(f"SELECT * FROM public_reports{where} ORDER BY created_at DESC, ref LIMIT ?", [*params, limit])
        return [_report(r) for r in rows]

    def move_public_report(self, ref: str, from_states: Iterable[str], changes: Mapping[str, Any]) -> bool:
        """Set `changes` (columns of PublicReport) only while the report is in one of `from_states`.

        False when it was not (another official acted first): the caller reports a conflict."""
        allowed = list(from_states)
        names = [c for c in changes if c in COLUMNS and c not in ("ref", "created_at")]
        if not allowed or len(names) != len(changes):
            raise ValueError(f"unknown or fixed columns in {sorted(changes)}")
        sets = ", ".join(f"{c} = ?" for c in names)
        with self.transaction():
            moved = self._run(
                f"UPDATE public_reports SET {sets} WHERE ref = ? AND state IN ({','.join('?' * len(allowed))})",
                [*(changes[c] for c in names), ref, *allowed],
            )
        return moved == 1


def _report(row: Mapping[str, Any]) -> PublicReport:
    values = {c: row[c] for c in COLUMNS}
    values["lon"], values["lat"] = float(values["lon"]), float(values["lat"])
    values["place"] = values["place"] or ""
    values["reason"] = values["reason"] or ""
    return PublicReport(**values)
