"""The local identity provider: accounts in SQLite, passwords as scrypt hashes (stdlib hashlib.scrypt).

Local accounts count as verified (email_verified=True): they are made by the operator of the machine (CLI, `serve`),
and there is no verification mail to click locally.
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

from badgeforge.adapters.local.tree_db import raise_if_full
from badgeforge.ports import DirectoryBusy, UserExists, UserRecord, normalize_email
from badgeforge.private_files import private_file

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


class LocalUserDirectory:
    """UserDirectory on SQLite; uids look like Firebase Auth's (28 letters and digits); emails are case-insensitive."""

    def __init__(self, path: Path) -> None:
        self.path = private_file(Path(path))  # password hashes: owner only (and so its -wal/-shm files)
        self._local = threading.local()
        self._conn().execute(
            "CREATE TABLE IF NOT EXISTS accounts (uid TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, "
            "display_name TEXT NOT NULL DEFAULT '', admin INTEGER NOT NULL DEFAULT 0, password_hash TEXT, "
            "created_at TEXT NOT NULL)"
        )

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            self._local.conn = conn
        return conn

    @staticmethod
    def _record(row) -> UserRecord | None:
        if row is None:
            return None
        return UserRecord(uid=row[0], email=row[1], display_name=row[2], admin=bool(row[3]), email_verified=True)

    def get(self, uid: str) -> UserRecord | None:
        row = self._conn().execute("SELECT uid, email, display_name, admin FROM accounts WHERE uid = ?", (uid,))
        return self._record(row.fetchone())

    def find_by_email(self, email: str) -> UserRecord | None:
        row = self._conn().execute(
            "SELECT uid, email, display_name, admin FROM accounts WHERE email = ?", (email.strip().lower(),)
        )
        return self._record(row.fetchone())

    def create(
        self, email: str, *, password: str | None = None, admin: bool = False, display_name: str = ""
    ) -> UserRecord:
        email = normalize_email(email)
        uid = "".join(secrets.choice(_UID_ALPHABET) for _ in range(28))
        try:
            self._write(
                "INSERT INTO accounts (uid, email, display_name, admin, password_hash, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    uid,
                    email,
                    display_name,
                    int(admin),
                    hash_password(password) if password else None,
                    datetime.now(UTC).isoformat(),
                ),
            )
        except sqlite3.IntegrityError as err:
            raise UserExists(f"an account for {email} already exists") from err
        return UserRecord(uid=uid, email=email, display_name=display_name, admin=admin, email_verified=True)

    def set_admin(self, uid: str, admin: bool) -> None:
        self._write("UPDATE accounts SET admin = ? WHERE uid = ?", (int(admin), uid))

    def set_password(self, uid: str, password: str) -> None:
        self._write("UPDATE accounts SET password_hash = ? WHERE uid = ?", (hash_password(password), uid))

    def _write(self, sql: str, params: tuple) -> None:
        """One autocommitted statement; a full disk is ports.DatabaseFull (a one-line error, not a traceback)."""
        try:
            self._conn().execute(sql, params)
        except sqlite3.OperationalError as err:
            raise_if_full(err, self.path)
            raise

    def verify_password(self, email: str, password: str) -> UserRecord | None:
        """The account when email and password match (for the local web sign-in), else None."""
        row = (
            self._conn()
            .execute(
                "SELECT uid, email, display_name, admin, password_hash FROM accounts WHERE email = ?",
                (email.strip().lower(),),
            )
            .fetchone()
        )
        if row is None or not row[4]:
            check_password(password, _dummy_hash())  # same scrypt cost: timing must not tell which emails exist
            return None
        if not check_password(password, row[4]):
            return None
        return self._record(row[:4])

    def all(self) -> list[UserRecord]:
        rows = self._conn().execute("SELECT uid, email, display_name, admin FROM accounts ORDER BY email")
        return [
            UserRecord(uid=r[0], email=r[1], display_name=r[2], admin=bool(r[3]), email_verified=True) for r in rows
        ]
