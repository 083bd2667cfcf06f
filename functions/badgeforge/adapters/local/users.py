"""The local identity provider: accounts in SQLite, passwords as scrypt hashes (stdlib hashlib.scrypt).

Accounts the operator makes (CLI) count as verified; accounts people make themselves on the web page start
unverified until the link in the verification email is opened (`mark_verified`). Tokens (sessions, email links)
and TOTP state live in the same file, in tables of their own (account_tokens.py, second_factor.py).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import sqlite3
import string
import threading
from datetime import UTC, datetime
from pathlib import Path

from badgeforge.adapters.local.account_tokens import AccountTokens
from badgeforge.adapters.local.second_factor import LocalSecondFactors
from badgeforge.adapters.local.sqlite_file import SqliteFile
from badgeforge.ports import DirectoryBusy, UserExists, UserRecord, normalize_email

_COLUMNS = "SELECT uid, email, display_name, admin, email_verified FROM accounts"
_UID_ALPHABET = string.ascii_letters + string.digits
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
# Each scrypt call takes 128 * r * n = 16 MiB: 60 concurrent sign-ins once took 793 MB. At most this many run at
# once per process (one per core here); the others wait briefly, then are told to try again.
MAX_CONCURRENT_HASHES = 2
HASH_WAIT_S = 10.0
_hash_slots = threading.BoundedSemaphore(MAX_CONCURRENT_HASHES)


def _scrypt(password: str, salt: bytes, params: dict[str, int]) -> bytes:
    if not _hash_slots.acquire(timeout=HASH_WAIT_S):
        raise DirectoryBusy("Too many sign-ins are being checked right now; try again in a few seconds.")
    try:
        return hashlib.scrypt(password.encode(), salt=salt, **params)
    finally:
        _hash_slots.release()


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, _SCRYPT)
    return f"scrypt${_SCRYPT['n']}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    params = {**_SCRYPT, "n": int(n)}
    candidate = _scrypt(password, bytes.fromhex(salt), params)
    return hmac.compare_digest(candidate.hex(), digest)


@functools.cache
def _dummy_hash() -> str:
    """A hash no password matches, checked for unknown accounts so sign-in takes as long as for real ones."""
    return hash_password(secrets.token_hex(16))


class LocalUserDirectory(SqliteFile):
    """UserDirectory on SQLite; uids look like Firebase Auth's (28 letters and digits); emails are case-insensitive."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)  # password hashes: owner only (and so its -wal/-shm files)
        self._conn().execute(
            "CREATE TABLE IF NOT EXISTS accounts (uid TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, "
            "display_name TEXT NOT NULL DEFAULT '', admin INTEGER NOT NULL DEFAULT 0, password_hash TEXT, "
            "created_at TEXT NOT NULL)"
        )
        columns = {row[1] for row in self._conn().execute("PRAGMA table_info(accounts)")}
        if "email_verified" not in columns:  # directories made before sign-up existed: all operator-made
            self._conn().execute("ALTER TABLE accounts ADD COLUMN email_verified INTEGER NOT NULL DEFAULT 1")
        self.tokens = AccountTokens(self.path)
        self.second_factors = LocalSecondFactors(self.path)

    @staticmethod
    def _record(row) -> UserRecord | None:
        if row is None:
            return None
        return UserRecord(
            uid=row[0], email=row[1], display_name=row[2], admin=bool(row[3]), email_verified=bool(row[4])
        )

    def get(self, uid: str) -> UserRecord | None:
        row = self._conn().execute(_COLUMNS + " WHERE uid = ?", (uid,))
        return self._record(row.fetchone())

    def find_by_email(self, email: str) -> UserRecord | None:
        row = self._conn().execute(_COLUMNS + " WHERE email = ?", (email.strip().lower(),))
        return self._record(row.fetchone())

    def create(
        self,
        email: str,
        *,
        password: str | None = None,
        admin: bool = False,
        display_name: str = "",
        email_verified: bool = True,
    ) -> UserRecord:
        """A new account; `email_verified=False` for web sign-ups, which verify by the emailed link."""
        email = normalize_email(email)
        uid = "".join(secrets.choice(_UID_ALPHABET) for _ in range(28))
        try:
            self._write(
                "INSERT INTO accounts (uid, email, display_name, admin, password_hash, created_at, email_verified) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    uid,
                    email,
                    display_name,
                    int(admin),
                    hash_password(password) if password else None,
                    datetime.now(UTC).isoformat(),
                    int(email_verified),
                ),
            )
        except sqlite3.IntegrityError as err:
            raise UserExists(f"an account for {email} already exists") from err
        return UserRecord(uid=uid, email=email, display_name=display_name, admin=admin, email_verified=email_verified)

    def set_admin(self, uid: str, admin: bool) -> None:
        self._write("UPDATE accounts SET admin = ? WHERE uid = ?", (int(admin), uid))

    def mark_verified(self, uid: str) -> bool:
        """Mark the account's email verified; True only for the one call that changed it (the grant hangs on it)."""
        return self._count("UPDATE accounts SET email_verified = 1 WHERE uid = ? AND email_verified = 0", (uid,)) == 1

    def check_password_of(self, uid: str, password: str) -> bool:
        """Whether `password` is this account's (for changing it, or turning two-factor off)."""
        row = self._conn().execute("SELECT password_hash FROM accounts WHERE uid = ?", (uid,)).fetchone()
        if row is None or not row[0]:
            check_password(password, _dummy_hash())
            return False
        return check_password(password, row[0])

    def set_password(self, uid: str, password: str) -> None:
        self._write("UPDATE accounts SET password_hash = ? WHERE uid = ?", (hash_password(password), uid))

    def _write(self, sql: str, params: tuple) -> None:
        """One autocommitted statement; a full disk is ports.DatabaseFull (a one-line error, not a traceback)."""
        self._count(sql, params)

    def verify_password(self, email: str, password: str) -> UserRecord | None:
        """The account when email and password match (for the local web sign-in), else None."""
        row = (
            self._conn()
            .execute(
                "SELECT uid, email, display_name, admin, email_verified, password_hash FROM accounts WHERE email = ?",
                (email.strip().lower(),),
            )
            .fetchone()
        )
        if row is None or not row[5]:
            check_password(password, _dummy_hash())  # same scrypt cost: timing must not tell which emails exist
            return None
        if not check_password(password, row[5]):
            return None
        return self._record(row[:5])

    def all(self) -> list[UserRecord]:
        rows = self._conn().execute(_COLUMNS + " ORDER BY email")
        return [record for record in map(self._record, rows) if record is not None]
