"""Change listeners for the SQLite tree: the local stand-in for RTDB's streaming `Reference.listen()`.

How a change is seen: every write also appends the path it wrote to a small ring table (`changes`, in the same
transaction as the leaves). One watcher thread per open database keeps its own connection and asks SQLite's
`PRAGMA data_version` (a counter in the shared memory file that moves when any other connection, in this process or
another, commits: no rows are read) whenever a commit in this process wakes it, else every CHECK_SECONDS (a commit
from another process, such as `badgeforge serve` queueing a print for a station). Only when the counter moved does it
read the new `changes` rows and call the listeners whose path they touch. A watcher that fell behind the ring (more
than RING_ROWS writes between two checks) tells every listener "" (re-read everything), as RTDB does after a
reconnect.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

CHECK_SECONDS = 0.2
RING_ROWS = 512  # kept in `changes`; trimmed every TRIM_EVERY writes
TRIM_EVERY = 64
# A plain rowid, not AUTOINCREMENT (one table less): it still only grows, as the newest rows are never trimmed.
CREATE_SQL = "CREATE TABLE IF NOT EXISTS changes (seq INTEGER PRIMARY KEY, path TEXT NOT NULL)"
ChangeListener = Callable[[str], None]


def record_change(conn: sqlite3.Connection, path: str) -> None:
    """Inside a write transaction: note that `path` (and everything below it) was written."""
    seq = conn.execute("INSERT INTO changes (path) VALUES (?)", (path,)).lastrowid or 0
    if seq % TRIM_EVERY == 0:
        conn.execute("DELETE FROM changes WHERE seq <= ?", (seq - RING_ROWS,))


def touches(listened: str, changed: str) -> bool:
    """A write at `changed` may change what is at `listened`: one is the other's ancestor (or they are equal)."""
    if not listened or not changed or listened == changed:
        return True
    return changed.startswith(listened + "/") or listened.startswith(changed + "/")


@dataclass
class Subscription:
    """One listener; close() stops its calls (the watcher thread ends with its last listener)."""

    path: str
    callback: ChangeListener
    watcher: ChangeWatcher
    closed: bool = False

    def close(self) -> None:
        self.closed = True
        self.watcher.remove(self)


@dataclass
class ChangeWatcher:
    """The watcher thread of one database file; `wake()` is called after every commit in this process."""

    path: Path
    _subs: list[Subscription] = field(default_factory=list)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _thread: threading.Thread | None = None
    _pending: bool = False

    def add(self, path: str, callback: ChangeListener) -> Subscription:
        sub = Subscription(path.strip("/"), callback, self)
        with self._cond:
            self._subs.append(sub)
            if self._thread is None or not self._thread.is_alive():
                ready = threading.Event()
                self._thread = threading.Thread(target=self._run, args=(ready,), name="tree-changes", daemon=True)
                self._thread.start()
                ready.wait(5)  # its starting point is taken: a write after listen() returns is always seen
        return sub

    def remove(self, sub: Subscription) -> None:
        with self._cond:
            if sub in self._subs:
                self._subs.remove(sub)
            self._cond.notify_all()

    def wake(self) -> None:
        with self._cond:
            self._pending = True
            self._cond.notify_all()

    def _run(self, ready: threading.Event) -> None:
        conn = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        try:
            version = conn.execute("PRAGMA data_version").fetchone()[0]
            last = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()[0]
            ready.set()
            while True:
                with self._cond:
                    if not self._subs:
                        self._thread = None
                        return
                    if not self._pending:
                        self._cond.wait(CHECK_SECONDS)
                    self._pending = False
                now = conn.execute("PRAGMA data_version").fetchone()[0]
                if now == version:
                    continue
                version = now
                last = self._dispatch(conn, last)
        except Exception:  # a watcher must never take the process down; listeners fall back to their slow check
            log.exception("tree change watcher stopped")
        finally:
            conn.close()

    def _dispatch(self, conn: sqlite3.Connection, last: int) -> int:
        rows = conn.execute("SELECT seq, path FROM changes WHERE seq > ? ORDER BY seq", (last,)).fetchall()
        if not rows:
            return last
        oldest = conn.execute("SELECT MIN(seq) FROM changes").fetchone()[0] or 0
        missed = oldest > last + 1  # the ring moved past us: say "re-read everything"
        paths = [""] if missed else [path for _, path in rows]
        with self._cond:
            subs = list(self._subs)
        for sub in subs:
            hit = next((changed for changed in paths if touches(sub.path, changed)), None)
            if hit is not None and not sub.closed:
                try:
                    sub.callback(hit)
                except Exception:
                    log.exception("a tree change listener failed on %s", hit)
        return rows[-1][0]
