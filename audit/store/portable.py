"""Store operations whose SQL reads the same on SQLite and PostGIS: campaigns, round snapshots, the service's
accounts, tokens, settings and upload log. A backend supplies `_q` (rows as dicts), `_run` (rows changed) and
`_new_id` (an INSERT's id), each taking `?` placeholders; its JSON columns here are text on both."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from audit.model import Subject
from audit.store.base import CAMPAIGN_STATES, UPLOAD_RESULTS, AccountRecord, Round, UploadRecord
from audit.store.chunks import in_chunks
from audit.store.codec import dumps, subject_from, subject_row

SNAPSHOT_COLUMNS = "subject_key AS key, kind, category, name, area_code, url, geometry, lon, lat, attributes"
LOG_JSON = ("files", "subjects", "problems")
MAX_PROBLEMS = 200


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


class PortableSql:
    """Mixed into SqliteStore and PostgisStore."""

    FINDINGS_TABLE = "findings"  # where a backend keeps findings by round and subject key

    def _q(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        raise NotImplementedError

    def _run(self, sql: str, params: Iterable[Any] = ()) -> int:
        raise NotImplementedError

    def _new_id(self, sql: str, params: Iterable[Any] = ()) -> int:
        raise NotImplementedError

    def _many(self, sql: str, rows: Iterable[tuple]) -> None:
        raise NotImplementedError

    # -- campaigns ------------------------------------------------------------------------------
    def open_campaign(
        self,
        label: str,
        area_code: str | None,
        period_start: str,
        period_end: str,
        meta: Mapping[str, Any] | None = None,
    ) -> Round:
        """A new open facility round for the area and period; it starts when its period does."""
        if self.find_open_campaign(area_code, period_start) is not None:
            raise ValueError(f"an open campaign for {area_code or 'every area'} from {period_start} already exists")
        with self.transaction():
            round_id = self._new_id(
                "INSERT INTO rounds (kind, label, started_at, meta, area_code, period_start, period_end, state) "
                "VALUES ('facility', ?, ?, ?, ?, ?, ?, 'open')",
                (label, period_start + "T00:00:00+00:00", dumps(dict(meta or {})), area_code, period_start, period_end),
            )
        return self.get_round(round_id)

    def campaigns(self, period_start: str | None = None, state: str | None = None) -> list[Round]:
        clauses, params = ["kind = 'facility'", "state IS NOT NULL"], []
        if period_start:
            clauses.append("period_start = ?")
            params.append(period_start)
        if state:
            clauses.append("state = ?")
            params.append(state)
        found = self._q(f"SELECT id FROM rounds WHERE {' AND '.join(clauses)} ORDER BY started_at, id", params)
        return [self.get_round(r["id"]) for r in found]

    def find_open_campaign(self, area_code: str | None, period_start: str) -> Round | None:
        area = "area_code IS NULL" if area_code is None else "area_code = ?"
        rows = self._q(
            f"SELECT id FROM rounds WHERE kind = 'facility' AND state = 'open' AND period_start = ? AND {area} "
            "ORDER BY id DESC LIMIT 1",
            [period_start] + ([] if area_code is None else [area_code]),
        )
        return self.get_round(rows[0]["id"]) if rows else None

    def set_campaign_state(self, round_id: int, state: str) -> Round:
        if state not in CAMPAIGN_STATES:
            raise ValueError(f"campaign state must be one of {CAMPAIGN_STATES}, not {state!r}")
        current = self.get_round(round_id)
        if current.state is None:
            raise ValueError(f"round {round_id} is not a campaign")
        with self.transaction():
            if state == "open" and current.period_start:
                other = self.find_open_campaign(current.area_code, current.period_start)
                if other is not None and other.id != round_id:
                    raise ValueError(f"round {other.id} is already the open campaign for that area and period")
            self._run("UPDATE rounds SET state = ? WHERE id = ?", (state, round_id))
        return self.get_round(round_id)

    # -- round snapshots ------------------------------------------------------------------------
    def put_snapshots(self, round_id: int, subjects: Iterable[Subject], upload_id: int | None = None) -> None:
        columns = ("kind", "category", "name", "area_code", "url", "geometry", "lon", "lat", "attributes")
        columns += ("inspector", "inspected_on", "upload_id")
        update = ", ".join(f"{c} = excluded.{c}" for c in columns)
        with self.transaction():
            self._many(
                f"INSERT INTO round_snapshots (round_id, subject_key, {', '.join(columns)}) "
                f"VALUES ({', '.join('?' * (len(columns) + 2))}) "
                f"ON CONFLICT (round_id, subject_key) DO UPDATE SET {update}",
                (
                    (
                        round_id,
                        *subject_row(s),
                        str(s.attributes.get("inspector") or ""),
                        s.attributes.get("inspected_on"),
                        upload_id,
                    )
                    for s in subjects
                ),
            )

    def snapshots(self, round_id: int, keys: Iterable[str] | None = None) -> Iterator[Subject]:
        if keys is None:
            rows = self._q(
                f"SELECT {SNAPSHOT_COLUMNS} FROM round_snapshots WHERE round_id = ? ORDER BY subject_key", (round_id,)
            )
            yield from (subject_from(r) for r in rows)
            return
        wanted = sorted(set(keys))
        for chunk, marks in in_chunks(wanted):
            rows = self._q(
                f"SELECT {SNAPSHOT_COLUMNS} FROM round_snapshots WHERE round_id = ? "
                f"AND subject_key IN ({marks}) ORDER BY subject_key",
                [round_id, *chunk],
            )
            yield from (subject_from(r) for r in rows)

    # -- service accounts -----------------------------------------------------------------------
    def add_account(
        self, username: str, password_hash: str, role: str, created_at: str, session_epoch: str, areas: Iterable[str]
    ) -> int:
        with self.transaction():
            user_id = self._new_id(
                "INSERT INTO service_users (username, password_hash, role, active, created_at, session_epoch) "
                "VALUES (?, ?, ?, 1, ?, ?)",
                (username, password_hash, role, created_at, session_epoch),
            )
            self.set_account_areas(user_id, areas)
        return user_id

    def _account(self, row: dict | None) -> AccountRecord | None:
        if row is None:
            return None
        areas = self._q("SELECT area_code FROM service_user_areas WHERE user_id = ? ORDER BY area_code", (row["id"],))
        return AccountRecord(
            id=row["id"],
            username=row["username"],
            password_hash=row["password_hash"],
            role=row["role"],
            active=bool(row["active"]),
            created_at=row["created_at"],
            session_epoch=row.get("session_epoch") or "",
            areas=tuple(r["area_code"] for r in areas),
        )

    def account(self, username: str | None = None, user_id: int | None = None) -> AccountRecord | None:
        column, value = ("username", username) if username is not None else ("id", user_id)
        rows = self._q(f"SELECT * FROM service_users WHERE {column} = ?", (value,))
        return self._account(rows[0] if rows else None)

    def accounts(self) -> list[AccountRecord]:
        return [self._account(r) for r in self._q("SELECT * FROM service_users ORDER BY username")]

    def set_account_areas(self, user_id: int, areas: Iterable[str]) -> None:
        with self.transaction():
            self._run("DELETE FROM service_user_areas WHERE user_id = ?", (user_id,))
            for code in dict.fromkeys(areas):
                self._run("INSERT INTO service_user_areas (user_id, area_code) VALUES (?, ?)", (user_id, code))

    def set_account_active(self, user_id: int, active: bool) -> None:
        self._run("UPDATE service_users SET active = ? WHERE id = ?", (int(active), user_id))

    def set_password_hash(self, user_id: int, password_hash: str, replacing: str | None = None) -> bool:
        if replacing is None:
            return bool(self._run("UPDATE service_users SET password_hash = ? WHERE id = ?", (password_hash, user_id)))
        return bool(
            self._run(
                "UPDATE service_users SET password_hash = ? WHERE id = ? AND password_hash = ?",
                (password_hash, user_id, replacing),
            )
        )

    def set_session_epoch(self, user_id: int, epoch: str, only_if_empty: bool = False) -> None:
        extra = " AND session_epoch = ''" if only_if_empty else ""
        self._run(f"UPDATE service_users SET session_epoch = ? WHERE id = ?{extra}", (epoch, user_id))

    def add_token(self, token_hash: str, user_id: int, label: str, created_at: str) -> None:
        self._run(
            "INSERT INTO service_tokens (token_hash, user_id, label, created_at) VALUES (?, ?, ?, ?)",
            (token_hash, user_id, label, created_at),
        )

    def revoke_tokens(self, user_id: int) -> int:
        return self._run("UPDATE service_tokens SET revoked = 1 WHERE user_id = ? AND revoked = 0", (user_id,))

    def account_by_token(self, token_hash: str) -> AccountRecord | None:
        rows = self._q(
            "SELECT u.* FROM service_tokens t JOIN service_users u ON u.id = t.user_id "
            "WHERE t.token_hash = ? AND t.revoked = 0 AND u.active = 1",
            (token_hash,),
        )
        return self._account(rows[0] if rows else None)

    def setting(self, name: str, default: str) -> str:
        rows = self._q("SELECT value FROM service_settings WHERE name = ?", (name,))
        if rows:
            return rows[0]["value"]
        self._run(
            "INSERT INTO service_settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", (name, default)
        )
        return self._q("SELECT value FROM service_settings WHERE name = ?", (name,))[0]["value"]

    # -- the upload log -------------------------------------------------------------------------
    def log_upload(
        self, user_id: int | None, username: str, received_at: str, channel: str, checklist: str, files: list[dict]
    ) -> int:
        return self._new_id(
            "INSERT INTO service_uploads (user_id, username, received_at, channel, checklist, files) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (user_id, username, received_at, channel, checklist, _text(list(files))),
        )

    def finish_upload(
        self,
        upload_id: int,
        result: str,
        finished_at: str,
        round_id: int | None = None,
        subjects: Iterable[str] = (),
        problems: Iterable[dict] = (),
    ) -> None:
        if result not in UPLOAD_RESULTS[1:]:
            raise ValueError(f"an upload finishes as one of {UPLOAD_RESULTS[1:]}, not {result!r}")
        self._run(
            "UPDATE service_uploads SET result = ?, finished_at = ?, round_id = ?, subjects = ?, problems = ? "
            "WHERE id = ?",
            (result, finished_at, round_id, _text(list(subjects)), _text(list(problems)[:MAX_PROBLEMS]), upload_id),
        )

    def upload(self, upload_id: int) -> UploadRecord | None:
        rows = self._q("SELECT * FROM service_uploads WHERE id = ?", (upload_id,))
        return _upload(rows[0]) if rows else None

    def uploads(self, user_id: int | None = None, limit: int = 100, offset: int = 0) -> list[UploadRecord]:
        where, params = ("WHERE user_id = ?", [user_id]) if user_id is not None else ("", [])
        rows = self._q(
            f"SELECT * FROM service_uploads {where} ORDER BY id DESC LIMIT ? OFFSET ?", [*params, limit, offset]
        )
        return [_upload(r) for r in rows]

    def withdraw_upload(self, upload_id: int, by: str, at: str) -> list[str]:
        record = self.upload(upload_id)
        if record is None or record.result != "accepted" or record.round_id is None:
            raise ValueError(f"upload {upload_id} was not accepted into a round")
        if record.withdrawn_at:
            return []
        round_id = record.round_id
        with self.transaction():
            keys = [
                r["subject_key"]
                for r in self._q(
                    "SELECT subject_key FROM round_snapshots WHERE round_id = ? AND upload_id = ? ORDER BY subject_key",
                    (round_id, upload_id),
                )
            ]
            for key in keys:
                for table in (
                    self.FINDINGS_TABLE,
                    "subject_errors",
                    "scores",
                    "facility_submissions",
                    "round_snapshots",
                ):
                    self._run(f"DELETE FROM {table} WHERE round_id = ? AND subject_key = ?", (round_id, key))
            self._run("UPDATE service_uploads SET withdrawn_at = ?, withdrawn_by = ? WHERE id = ?", (at, by, upload_id))
        return keys


def _upload(row: Mapping[str, Any]) -> UploadRecord:
    decoded = {k: json.loads(row[k]) for k in LOG_JSON}
    return UploadRecord(
        id=row["id"],
        user_id=row["user_id"],
        username=row["username"],
        received_at=row["received_at"],
        channel=row["channel"],
        checklist=row["checklist"],
        files=decoded["files"],
        result=row["result"],
        finished_at=row["finished_at"],
        round_id=row["round_id"],
        subjects=decoded["subjects"],
        problems=decoded["problems"],
        withdrawn_at=row.get("withdrawn_at"),
        withdrawn_by=row.get("withdrawn_by"),
    )
