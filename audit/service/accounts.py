"""Accounts, roles, assigned areas, API tokens and session epochs; passwords hashed by werkzeug.security (scrypt)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

from audit.model import is_within
from audit.service.sql import ServiceSql
from audit.store import Store

ROLES = ("admin", "inspector", "viewer")
USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
AREA_CODE = re.compile(r"^\d{6}$")
MIN_PASSWORD = 8
# scrypt cost: 16 MiB and ~50 ms per check; OWASP's minimum recommendation is N=2^17 with r=8 at 128 MiB,
# we keep p=1 and N=2^14 so a 2-core box can still take many logins; stored per hash, so it can grow later
# (a hash made with other parameters is re-made at the next successful login).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
TOKEN_PREFIX = "a11y_"
LEGACY_PREFIX = "scrypt$"  # the format written before werkzeug.security: scrypt$N$r$p$salt$digest (base64)


class AccountError(ValueError):
    """A bad account request; `key` names the message in service.yaml."""

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key, self.values = key, values


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    areas: tuple[str, ...]
    active: bool = True
    # random, rotated on logout, password change, disabling and "sign out everywhere"; sessions carry it
    session_epoch: str = field(default="", repr=False)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def may_upload(self) -> bool:
        return self.role in ("admin", "inspector")

    def covers(self, area_code: str | None) -> bool:
        """Whether this user may upload for a facility in `area_code` (admins: everywhere)."""
        if self.is_admin:
            return True
        return self.role == "inspector" and any(is_within(area_code, scope) for scope in self.areas)


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def password_method() -> str:
    return f"scrypt:{SCRYPT_N}:{SCRYPT_R}:{SCRYPT_P}"


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=password_method(), salt_length=16)


def verify_password(password: str, stored: str) -> bool:
    if stored.startswith(LEGACY_PREFIX):
        return _verify_legacy(password, stored)
    try:
        return check_password_hash(stored, password)
    except (ValueError, TypeError):  # a damaged or unknown stored hash never verifies
        return False


def needs_rehash(stored: str) -> bool:
    """Whether a verified hash should be re-made: the old format, or other scrypt parameters than today's."""
    return not stored.startswith(password_method() + "$")


def _verify_legacy(password: str, stored: str) -> bool:
    try:
        _scheme, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=256 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


@cache
def _dummy_hash(method: str) -> str:
    """A hash checked when the user does not exist, with today's cost, so a login takes as long either way."""
    return generate_password_hash(secrets.token_hex(16), method=method)


def new_epoch() -> str:
    return secrets.token_urlsafe(24)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    """User management on top of the store's service tables."""

    def __init__(self, store: Store):
        self.sql = ServiceSql(store)
        self.store = store

    def _user(self, row: dict | None) -> User | None:
        if row is None:
            return None
        areas = tuple(
            r["area_code"]
            for r in self.sql.rows(
                "SELECT area_code FROM service_user_areas WHERE user_id = ? ORDER BY area_code", (row["id"],)
            )
        )
        return User(
            id=row["id"],
            username=row["username"],
            role=row["role"],
            areas=areas,
            active=bool(row["active"]),
            session_epoch=row.get("session_epoch") or "",
        )

    def add(self, username: str, password: str, role: str, areas: tuple[str, ...] = ()) -> User:
        if not USERNAME.match(username):
            raise AccountError("account.bad-username", username=username)
        if role not in ROLES:
            raise AccountError("account.bad-role", role=role, roles=", ".join(ROLES))
        if len(password) < MIN_PASSWORD:
            raise AccountError("account.short-password", minimum=MIN_PASSWORD)
        if self.get(username) is not None:
            raise AccountError("account.exists", username=username)
        self._check_areas(areas)
        with self.store.transaction():
            user_id = self.sql.insert(
                "INSERT INTO service_users (username, password_hash, role, active, created_at, session_epoch) "
                "VALUES (?, ?, ?, 1, ?, ?)",
                (username, hash_password(password), role, now_iso(), new_epoch()),
            )
            self._set_areas(user_id, areas)
        return self.get(username)

    def _check_areas(self, areas: tuple[str, ...]) -> None:
        for code in areas:
            if not AREA_CODE.match(code):
                raise AccountError("account.bad-area", area=code)

    def _set_areas(self, user_id: int, areas: tuple[str, ...]) -> None:
        self.sql.execute("DELETE FROM service_user_areas WHERE user_id = ?", (user_id,))
        for code in dict.fromkeys(areas):
            self.sql.execute("INSERT INTO service_user_areas VALUES (?, ?)", (user_id, code))

    def set_areas(self, username: str, areas: tuple[str, ...]) -> User:
        user = self._require(username)
        self._check_areas(areas)
        with self.store.transaction():
            self._set_areas(user.id, areas)
        return self.get(username)

    def set_password(self, username: str, password: str) -> None:
        """A new password; it ends every session and revokes every API token of the user."""
        user = self._require(username)
        if len(password) < MIN_PASSWORD:
            raise AccountError("account.short-password", minimum=MIN_PASSWORD)
        with self.store.transaction():
            self.sql.execute(
                "UPDATE service_users SET password_hash = ?, session_epoch = ? WHERE id = ?",
                (hash_password(password), new_epoch(), user.id),
            )
            self.sql.execute("UPDATE service_tokens SET revoked = 1 WHERE user_id = ?", (user.id,))

    def set_active(self, username: str, active: bool) -> None:
        user = self._require(username)
        with self.store.transaction():
            self.sql.execute("UPDATE service_users SET active = ? WHERE id = ?", (int(active), user.id))
            if not active:  # a disabled account's sessions and tokens stop working at once
                self.sql.execute("UPDATE service_users SET session_epoch = ? WHERE id = ?", (new_epoch(), user.id))
                self.sql.execute("UPDATE service_tokens SET revoked = 1 WHERE user_id = ?", (user.id,))

    def end_sessions(self, username: str) -> None:
        """Sign the user out everywhere: every session cookie issued so far stops working."""
        self.rotate_epoch(self._require(username).id)

    def rotate_epoch(self, user_id: int) -> None:
        self.sql.execute("UPDATE service_users SET session_epoch = ? WHERE id = ?", (new_epoch(), user_id))

    def session_epoch(self, user_id: int) -> str:
        """The user's session epoch, made if the account predates epochs (an empty one never matches)."""
        row = self.sql.one("SELECT session_epoch FROM service_users WHERE id = ?", (user_id,))
        if row is not None and not row["session_epoch"]:
            self.sql.execute(
                "UPDATE service_users SET session_epoch = ? WHERE id = ? AND session_epoch = ''", (new_epoch(), user_id)
            )
            row = self.sql.one("SELECT session_epoch FROM service_users WHERE id = ?", (user_id,))
        return row["session_epoch"] if row else ""

    def _require(self, username: str) -> User:
        user = self.get(username)
        if user is None:
            raise AccountError("account.unknown", username=username)
        return user

    def get(self, username: str) -> User | None:
        return self._user(self.sql.one("SELECT * FROM service_users WHERE username = ?", (username,)))

    def by_id(self, user_id: int) -> User | None:
        return self._user(self.sql.one("SELECT * FROM service_users WHERE id = ?", (user_id,)))

    def all(self) -> list[User]:
        return [self._user(r) for r in self.sql.rows("SELECT * FROM service_users ORDER BY username")]

    def authenticate(self, username: str, password: str) -> User | None:
        """The active user with this password, else None (timing does not tell which part was wrong)."""
        row = self.sql.one("SELECT * FROM service_users WHERE username = ?", (username,))
        if row is None:
            verify_password(password, _dummy_hash(password_method()))
            return None
        if not verify_password(password, row["password_hash"]) or not row["active"]:
            return None
        if needs_rehash(row["password_hash"]):  # the old format or an older cost: re-made while we know the password
            self.sql.execute(
                "UPDATE service_users SET password_hash = ? WHERE id = ? AND password_hash = ?",
                (hash_password(password), row["id"], row["password_hash"]),
            )
        return self._user(row)

    def new_token(self, username: str, label: str = "") -> str:
        """A new API token for the user; only its hash is stored, so this is the one time it is seen."""
        user = self._require(username)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.sql.execute(
            "INSERT INTO service_tokens (token_hash, user_id, label, created_at) VALUES (?, ?, ?, ?)",
            (token_digest(token), user.id, label, now_iso()),
        )
        return token

    def revoke_tokens(self, username: str) -> int:
        user = self._require(username)
        return self.sql.execute("UPDATE service_tokens SET revoked = 1 WHERE user_id = ? AND revoked = 0", (user.id,))

    def by_token(self, token: str) -> User | None:
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        row = self.sql.one(
            "SELECT u.* FROM service_tokens t JOIN service_users u ON u.id = t.user_id "
            "WHERE t.token_hash = ? AND t.revoked = 0 AND u.active = 1",
            (token_digest(token),),
        )
        return self._user(row)

    def setting(self, name: str, make: callable) -> str:
        """A persistent setting (the session key), created once by whichever process asks first."""
        row = self.sql.one("SELECT value FROM service_settings WHERE name = ?", (name,))
        if row:
            return row["value"]
        conflict = "ON CONFLICT (name) DO NOTHING"
        self.sql.execute(f"INSERT INTO service_settings (name, value) VALUES (?, ?) {conflict}", (name, make()))
        return self.sql.one("SELECT value FROM service_settings WHERE name = ?", (name,))["value"]
