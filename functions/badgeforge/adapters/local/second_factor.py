"""TOTP two-factor state for local accounts: the secret, the last time step used, the recovery code digests.

Why a table of its own: it changes for different reasons than the account row, and every check that spends
something (a time step, a recovery code) is one conditional UPDATE, so two requests cannot both spend it.
The secret itself must be readable to check codes, so it is only as safe as users.sqlite (owner-only file).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from badgeforge.adapters.local.sqlite_file import SqliteFile


@dataclass(frozen=True)
class TotpState:
    secret: str | None  # set once the first code was confirmed: sign-in then asks for a code
    pending: str | None  # made by setup, waiting for the first code
    recovery_left: int


class LocalSecondFactors(SqliteFile):
    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._conn().execute(
            "CREATE TABLE IF NOT EXISTS totp (uid TEXT PRIMARY KEY, secret TEXT, pending TEXT, "
            "last_step INTEGER NOT NULL DEFAULT -1, recovery TEXT NOT NULL DEFAULT '[]')"
        )

    def _write(self, sql: str, params: tuple) -> int:
        return self._count(sql, params)

    def state(self, uid: str) -> TotpState:
        row = self._conn().execute("SELECT secret, pending, recovery FROM totp WHERE uid = ?", (uid,)).fetchone()
        if row is None:
            return TotpState(None, None, 0)
        return TotpState(row[0], row[1], len(json.loads(row[2])))

    def start(self, uid: str, pending: str) -> None:
        """A new pending secret (replacing an unconfirmed one); an enabled secret stays until confirm."""
        self._write(
            "INSERT INTO totp (uid, pending) VALUES (?, ?) ON CONFLICT(uid) DO UPDATE SET pending = excluded.pending",
            (uid, pending),
        )

    def enable(self, uid: str, pending: str, step: int, recovery_digests: list[str]) -> bool:
        """Make `pending` the secret if it is still the pending one (False if setup was restarted meanwhile)."""
        return (
            self._write(
                "UPDATE totp SET secret = pending, pending = NULL, last_step = ?, recovery = ? "
                "WHERE uid = ? AND pending = ?",
                (step, json.dumps(recovery_digests), uid, pending),
            )
            == 1
        )

    def spend_step(self, uid: str, step: int) -> bool:
        """Record that a code of `step` was used; False if this or a later step was used before (a replay)."""
        return self._write("UPDATE totp SET last_step = ? WHERE uid = ? AND last_step < ?", (step, uid, step)) == 1

    def spend_recovery(self, uid: str, code_digest: str) -> bool:
        """Remove one recovery code; False if it is not (or no longer) there. The conditional UPDATE compares the
        whole list it read, so two sign-ins with the same code cannot both remove it."""
        for _ in range(5):
            row = self._conn().execute("SELECT recovery FROM totp WHERE uid = ?", (uid,)).fetchone()
            if row is None:
                return False
            codes = json.loads(row[0])
            if code_digest not in codes:
                return False
            rest = json.dumps([c for c in codes if c != code_digest])
            if self._write("UPDATE totp SET recovery = ? WHERE uid = ? AND recovery = ?", (rest, uid, row[0])):
                return True
        return False

    def disable(self, uid: str) -> None:
        self._write("DELETE FROM totp WHERE uid = ?", (uid,))
