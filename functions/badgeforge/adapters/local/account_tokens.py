"""Account tokens for local mode: sessions, email verification and password reset, stored only as SHA-256 digests.

Why digests: whoever reads users.sqlite must not be able to sign in or reset a password with what it holds; a
token is 256 random bits, so a fast hash is enough. Why one table with a purpose: every kind expires, every kind
can be revoked per account (a new password ends all sessions), and single-use ones are consumed by one UPDATE,
so two clicks on the same link cannot both succeed.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from badgeforge.adapters.local.sqlite_file import SqliteFile

SESSION = "session"
VERIFY_EMAIL = "verify_email"
RESET_PASSWORD = "reset_password"
SECOND_FACTOR = "second_factor"  # between a right password and the TOTP code
SINGLE_USE = frozenset({VERIFY_EMAIL, RESET_PASSWORD, SECOND_FACTOR})


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccountTokens(SqliteFile):
    """Issue, look up, consume and revoke tokens; times are passed in so tests can move the clock."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._conn().execute(
            "CREATE TABLE IF NOT EXISTS account_tokens (digest TEXT PRIMARY KEY, uid TEXT NOT NULL, "
            "purpose TEXT NOT NULL, expires_at TEXT NOT NULL, used_at TEXT)"
        )
        self._conn().execute("CREATE INDEX IF NOT EXISTS account_tokens_uid ON account_tokens (uid, purpose)")

    def _write(self, sql: str, params: tuple) -> int:
        return self._count(sql, params)

    def issue(self, uid: str, purpose: str, ttl: timedelta, now: datetime) -> str:
        """A new token for uid; also drops this account's expired tokens so the table does not grow forever."""
        token = secrets.token_urlsafe(32)
        self._write("DELETE FROM account_tokens WHERE uid = ? AND expires_at <= ?", (uid, now.isoformat()))
        self._write(
            "INSERT INTO account_tokens (digest, uid, purpose, expires_at) VALUES (?, ?, ?, ?)",
            (digest(token), uid, purpose, (now + ttl).isoformat()),
        )
        return token

    def lookup(self, token: str, purpose: str, now: datetime) -> str | None:
        """The uid a live, unused token of this purpose belongs to, else None (unknown, expired or used)."""
        row = self._conn().execute(
            "SELECT uid FROM account_tokens WHERE digest = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?",
            (digest(token), purpose, now.isoformat()),
        )
        found = row.fetchone()
        return found[0] if found else None

    def consume(self, token: str, purpose: str, now: datetime) -> str | None:
        """Like lookup, but marks the token used in the same statement: only one caller ever gets the uid."""
        uid = self.lookup(token, purpose, now)
        if uid is None:
            return None
        used = self._write(
            "UPDATE account_tokens SET used_at = ? WHERE digest = ? AND used_at IS NULL AND expires_at > ?",
            (now.isoformat(), digest(token), now.isoformat()),
        )
        return uid if used == 1 else None

    def state(self, token: str, purpose: str, now: datetime) -> str:
        """'live', 'used', 'expired' or 'unknown': so a page can say why a link no longer works."""
        row = (
            self._conn()
            .execute(
                "SELECT used_at, expires_at FROM account_tokens WHERE digest = ? AND purpose = ?",
                (digest(token), purpose),
            )
            .fetchone()
        )
        if row is None:
            return "unknown"
        if row[0] is not None:
            return "used"
        return "live" if row[1] > now.isoformat() else "expired"

    def end(self, token: str) -> None:
        """Forget one token (signing out)."""
        self._write("DELETE FROM account_tokens WHERE digest = ?", (digest(token),))

    def revoke(self, uid: str, *purposes: str, keep: str | None = None) -> None:
        """End every token of these purposes for uid (all purposes if none given), except `keep`."""
        kinds = purposes or (SESSION, *SINGLE_USE)
        marks = ",".join("?" * len(kinds))
        self._write(
            f"DELETE FROM account_tokens WHERE uid = ? AND purpose IN ({marks}) AND digest != ?",
            (uid, *kinds, digest(keep) if keep else ""),
        )
