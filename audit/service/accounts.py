"""Accounts, roles, assigned areas, API tokens and session epochs; passwords hashed by werkzeug.security (scrypt)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

from audit.model import is_within
from audit.store import AccountRecord, Store

ROLES = ("admin", "inspector", "viewer", "official", "unit")  # official, unit: the problem ledger (docs/ledger.md)
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
    """User management on top of the store's service tables (Store methods; no SQL here)."""

    def __init__(self, store: Store):
        self.store = store

    @staticmethod
    def _user(record: AccountRecord | None) -> User | None:
        if record is None:
            return None
        return User(
            id=record.id,
            username=record.username,
            role=record.role,
            areas=record.areas,
            active=record.active,
            session_epoch=record.session_epoch,
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
        self.store.add_account(username, hash_password(password), role, now_iso(), new_epoch(), areas)
        return self.get(username)

    def _check_areas(self, areas: tuple[str, ...]) -> None:
        for code in areas:
            if not AREA_CODE.match(code):
                raise AccountError("account.bad-area", area=code)

    def set_areas(self, username: str, areas: tuple[str, ...]) -> User:
        user = self._require(username)
        self._check_areas(areas)
        self.store.set_account_areas(user.id, areas)
        return self.get(username)

    def set_password(self, username: str, password: str) -> None:
        """A new password; it ends every session and revokes every API token of the user."""
        user = self._require(username)
        if len(password) < MIN_PASSWORD:
            raise AccountError("account.short-password", minimum=MIN_PASSWORD)
        with self.store.transaction():
            self.store.set_password_hash(user.id, hash_password(password))
            self.store.set_session_epoch(user.id, new_epoch())
            self.store.revoke_tokens(user.id)

    def set_active(self, username: str, active: bool) -> None:
        user = self._require(username)
        with self.store.transaction():
            self.store.set_account_active(user.id, active)
            if not active:  # a disabled account's sessions and tokens stop working at once
                self.store.set_session_epoch(user.id, new_epoch())
                self.store.revoke_tokens(user.id)

    def end_sessions(self, username: str) -> None:
        """Sign the user out everywhere: every session cookie issued so far stops working."""
        self.rotate_epoch(self._require(username).id)

    def rotate_epoch(self, user_id: int) -> None:
        self.store.set_session_epoch(user_id, new_epoch())

    def session_epoch(self, user_id: int) -> str:
        """The user's session epoch, made if the account predates epochs (an empty one never matches)."""
        record = self.store.account(user_id=user_id)
        if record is not None and not record.session_epoch:
            self.store.set_session_epoch(user_id, new_epoch(), only_if_empty=True)
            record = self.store.account(user_id=user_id)
        return record.session_epoch if record else ""

    def _require(self, username: str) -> User:
        user = self.get(username)
        if user is None:
            raise AccountError("account.unknown", username=username)
        return user

    def get(self, username: str) -> User | None:
        return self._user(self.store.account(username=username))

    def by_id(self, user_id: int) -> User | None:
        return self._user(self.store.account(user_id=user_id))

    def all(self) -> list[User]:
        return [self._user(r) for r in self.store.accounts()]

    def authenticate(self, username: str, password: str) -> User | None:
        """The active user with this password, else None (timing does not tell which part was wrong)."""
        record = self.store.account(username=username)
        if record is None:
            verify_password(password, _dummy_hash(password_method()))
            return None
        if not verify_password(password, record.password_hash) or not record.active:
            return None
        if needs_rehash(record.password_hash):  # the old format or an older cost: re-made while we know the password
            self.store.set_password_hash(record.id, hash_password(password), replacing=record.password_hash)
        return self._user(record)

    def new_token(self, username: str, label: str = "") -> str:
        """A new API token for the user; only its hash is stored, so this is the one time it is seen."""
        user = self._require(username)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.store.add_token(token_digest(token), user.id, label, now_iso())
        return token

    def revoke_tokens(self, username: str) -> int:
        return self.store.revoke_tokens(self._require(username).id)

    def by_token(self, token: str) -> User | None:
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        return self._user(self.store.account_by_token(token_digest(token)))

    def setting(self, name: str, make: Callable[[], str]) -> str:
        """A persistent setting (the session key), created once by whichever process asks first."""
        return self.store.setting(name, make())
