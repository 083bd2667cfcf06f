"""The Realtime Database's JSON tree in SQLite: one row per leaf, addressed by its slash path.

Why leaves: reading a subtree is one indexed range scan, writing replaces exactly the rows below a path, and
empty objects vanish by themselves (as in RTDB). Transactions take SQLite's write lock (BEGIN IMMEDIATE), so they
are atomic across threads and processes; each thread has its own connection. `max_bytes` caps the file (PRAGMA
max_page_count, set on every connection: SQLite does not store it); a write beyond the cap, or onto a full disk,
raises ports.DatabaseFull and writes nothing.

Queries: for every child the rules index (`.indexOn` in database.rules.json), a row in `child_index` is kept in
step with its leaf, in the same transaction. A query is then one range scan of that index plus a read of each node
it returns, so its cost follows the answer, not the size of the list. A file opened with other indexes than it was
built with is re-indexed once.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from badgeforge.adapters.local import tree_changes
from badgeforge.adapters.local.rules_index import Indexes, is_indexed, load_indexes, not_indexed_message
from badgeforge.ports import DatabaseFull, QueryNotIndexed, Scalar
from badgeforge.private_files import private_file

log = logging.getLogger(__name__)
FORBIDDEN_KEY_CHARS = set(".$#[]/")
CreateListener = Callable[[str, Any], None]


def split_path(path: str) -> list[str]:
    """'/a/b/' -> ['a', 'b']; '' or '/' is the root."""
    return [p for p in path.strip("/").split("/") if p]


_BAD_KEY = re.compile(r"[.$#\[\]/\x00-\x1f\x7f]")


def check_key(key: str) -> str:
    if not key or _BAD_KEY.search(key):
        raise ValueError(f"invalid database key {key!r}: keys may not be empty or contain . $ # [ ] / or controls")
    return key


def _leaves(prefix: str, value: Any) -> Iterator[tuple[str, str]]:
    """Flatten a JSON value into (path, json scalar); None and empty containers produce nothing."""
    if isinstance(value, Mapping):
        for key, child in value.items():
            yield from _leaves(f"{prefix}/{check_key(str(key))}" if prefix else check_key(str(key)), child)
    elif isinstance(value, list | tuple):
        for index, child in enumerate(value):
            yield from _leaves(f"{prefix}/{index}" if prefix else str(index), child)
    elif value is not None:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        yield prefix, json.dumps(value)


class _PushIds:
    """Firebase-style push ids: 8 chars of milliseconds then 12 random chars, strictly increasing per process."""

    ALPHABET = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_ms = -1
        self._last_random: list[int] = []

    def next(self) -> str:
        with self._lock:
            now = int(time.time() * 1000)
            if now == self._last_ms:
                for i in range(11, -1, -1):  # increment the random part so ids stay ordered within one ms
                    if self._last_random[i] < 63:
                        self._last_random[i] += 1
                        break
                    self._last_random[i] = 0
            else:
                self._last_ms = now
                self._last_random = [secrets.randbelow(64) for _ in range(12)]
            stamp = []
            for _ in range(8):
                stamp.append(self.ALPHABET[now % 64])
                now //= 64
            return "".join(reversed(stamp)) + "".join(self.ALPHABET[i] for i in self._last_random)


class SqliteTreeDatabase:
    """TreeDatabase on a SQLite file. `on_create(pattern, fn)` reports nodes that came into existence."""

    def __init__(self, path: Path, max_bytes: int | None = None, indexes: Indexes | None = None) -> None:
        self.path = private_file(Path(path))  # before SQLite opens it: its -wal/-shm files take this file's mode
        self.max_bytes = max_bytes or None
        self._local = threading.local()
        self._push_ids = _PushIds()
        self._listeners: list[tuple[list[str], CreateListener]] = []
        self.indexes: Indexes = load_indexes() if indexes is None else dict(indexes)
        self._index_depths = {len(pattern) + 2 for pattern in self.indexes}
        self._index_children = {child for children in self.indexes.values() for child in children}
        with self._connect() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS leaves (path TEXT PRIMARY KEY, value TEXT NOT NULL)")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS child_index (leaf TEXT PRIMARY KEY, parent TEXT NOT NULL, "
                "child TEXT NOT NULL, key TEXT NOT NULL, rank INTEGER NOT NULL, num REAL, str TEXT)"
            )
            conn.execute(
                "CREATE INDEX IF NOT EXISTS child_index_order ON child_index (parent, child, rank, num, str, key)"
            )
            conn.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
            conn.execute(tree_changes.CREATE_SQL)
        self._watcher = tree_changes.ChangeWatcher(self.path)
        self._reindex_if_changed()

    # -- the child index -----------------------------------------------------------------------------------------
    def _signature(self) -> str:
        return json.dumps(sorted(["/".join(p), sorted(c)] for p, c in self.indexes.items()))

    def _reindex_if_changed(self) -> None:
        """Rebuild child_index when this file was indexed under other rules (or before indexes existed)."""
        signature = self._signature()

        def body(conn):
            row = conn.execute("SELECT value FROM meta WHERE name = 'indexes'").fetchone()
            if row is None or row[0] != signature:
                conn.execute("DELETE FROM child_index")
                for leaf_path, raw in conn.execute("SELECT path, value FROM leaves").fetchall():
                    self._index_leaf(conn, leaf_path, raw)
                conn.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('indexes', ?)", (signature,))
            return None, []

        row = self._connect().execute("SELECT value FROM meta WHERE name = 'indexes'").fetchone()
        if row is None or row[0] != signature:
            self._in_write_txn(body)

    def _index_rows(self, rows: list[tuple[str, str]]) -> list[tuple[Any, ...]]:
        found = []
        for leaf_path, raw in rows:
            if leaf_path.rpartition("/")[2] not in self._index_children:  # most leaves: one set lookup
                continue
            parts = leaf_path.split("/")
            if len(parts) not in self._index_depths or not is_indexed(self.indexes, parts[:-2], parts[-1]):
                continue
            value = json.loads(raw)
            rank, num, text = _order_of(value)
            if rank:
                found.append((leaf_path, "/".join(parts[:-2]), parts[-1], parts[-2], rank, num, text))
        return found

    def _index_leaf(self, conn: sqlite3.Connection, leaf_path: str, raw: str) -> None:
        self._insert_index(conn, self._index_rows([(leaf_path, raw)]))

    @staticmethod
    def _insert_index(conn: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            conn.executemany(
                "INSERT OR REPLACE INTO child_index (leaf, parent, child, key, rank, num, str) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    # -- connections ---------------------------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
                conn.execute("PRAGMA journal_mode=WAL")  # creates -wal and -shm: fails on a full disk
                conn.execute("PRAGMA synchronous=NORMAL")
                if self.max_bytes:
                    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
                    conn.execute(f"PRAGMA max_page_count = {max(1, self.max_bytes // page_size)}")
            except sqlite3.OperationalError as err:
                raise_if_full(err, self.path)
                raise
            self._local.conn = conn
        return conn

    def size_bytes(self) -> int:
        """The database's size as SQLite counts it against `max_bytes` (pages in use or free, times page size)."""
        conn = self._connect()
        return conn.execute("PRAGMA page_count").fetchone()[0] * conn.execute("PRAGMA page_size").fetchone()[0]

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- listeners -----------------------------------------------------------------------------------------------
    def listen(self, path: str, on_change: tree_changes.ChangeListener) -> tree_changes.Subscription:
        """ports.TreeListener: call on_change(changed_path) from a background thread after any commit (from this
        process or another) that wrote at, above or below `path`. See tree_changes for how."""
        return self._watcher.add(path, on_change)

    def on_create(self, pattern: str, listener: CreateListener) -> None:
        """Call listener(path, value) after commit whenever a node matching pattern ('badgeMails/*/*') is created."""
        self._listeners.append((split_path(pattern), listener))

    @staticmethod
    def _matches(pattern: list[str], parts: list[str]) -> bool:
        return all(p in ("*", s) for p, s in zip(pattern, parts, strict=False))

    def _created_candidates(self, conn, parts: list[str], value: Any) -> list[tuple[list[str], str]]:
        """Paths matching a listener that this write could create, and whether each existed before."""
        found = []
        for pattern, _ in self._listeners:
            if not self._matches(pattern, parts):
                continue
            if len(parts) >= len(pattern):
                candidates = [parts[: len(pattern)]]
            else:
                candidates = [parts + rest for rest in _nodes_at(value, len(pattern) - len(parts))]
            for candidate in candidates:
                if self._read(conn, candidate) is None:
                    found.append((pattern, "/".join(candidate)))
        return found

    def _emit(self, conn, created: list[tuple[list[str], str]]) -> list[tuple[CreateListener, str, Any]]:
        events = []
        for pattern, path in created:
            value = self._read(conn, split_path(path))
            if value is None:
                continue
            for listen_pattern, listener in self._listeners:
                if listen_pattern is pattern:
                    events.append((listener, path, value))
        return events

    # -- tree primitives (inside a connection) -------------------------------------------------------------------
    @staticmethod
    def _read(conn: sqlite3.Connection, parts: list[str]) -> Any:
        path = "/".join(parts)
        if not path:
            rows = conn.execute("SELECT path, value FROM leaves ORDER BY path").fetchall()
        else:
            exact = conn.execute("SELECT value FROM leaves WHERE path = ?", (path,)).fetchone()
            if exact is not None:
                return json.loads(exact[0])
            rows = conn.execute(
                "SELECT path, value FROM leaves WHERE path > ? AND path < ? ORDER BY path", (path + "/", path + "0")
            ).fetchall()
        if not rows:
            return None
        tree: dict[str, Any] = {}
        skip = len(parts)
        for leaf_path, raw in rows:
            keys = leaf_path.split("/")[skip:]
            node = tree
            for key in keys[:-1]:
                node = node.setdefault(key, {})
            node[keys[-1]] = json.loads(raw)
        return _present(tree)

    def _write(self, conn: sqlite3.Connection, parts: list[str], value: Any) -> None:
        for key in parts:
            check_key(key)
        path = "/".join(parts)
        indexed = bool(self.indexes)
        if path:
            below = (path, path + "/", path + "0")
            conn.execute("DELETE FROM leaves WHERE path = ? OR (path > ? AND path < ?)", below)
            if indexed:
                conn.execute("DELETE FROM child_index WHERE leaf = ? OR (leaf > ? AND leaf < ?)", below)
            # A scalar at an ancestor is replaced by the object we write below it.
            ancestors = ["/".join(parts[:i]) for i in range(1, len(parts))]
            if ancestors and value is not None:
                conn.executemany("DELETE FROM leaves WHERE path = ?", [(a,) for a in ancestors])
                if indexed:
                    conn.executemany("DELETE FROM child_index WHERE leaf = ?", [(a,) for a in ancestors])
        else:
            conn.execute("DELETE FROM leaves")
            conn.execute("DELETE FROM child_index")
        rows = list(_leaves(path, value))
        conn.executemany("INSERT INTO leaves (path, value) VALUES (?, ?)", rows)
        tree_changes.record_change(conn, path)
        if indexed:
            self._insert_index(conn, self._index_rows(rows))

    def _in_write_txn(self, body: Callable[[sqlite3.Connection], Any]) -> Any:
        conn = self._connect()
        conn.execute("BEGIN IMMEDIATE")
        try:
            result, events = body(conn)
            conn.execute("COMMIT")
            self._watcher.wake()
        except sqlite3.OperationalError as err:
            _rollback(conn)
            raise_if_full(err, self.path)
            raise
        except BaseException:
            _rollback(conn)
            raise
        for listener, path, value in events:
            listener(path, value)
        return result

    # -- the port ------------------------------------------------------------------------------------------------
    def get(self, path: str) -> Any:
        return self._read(self._connect(), split_path(path))

    def set(self, path: str, value: Any) -> None:
        parts = split_path(path)

        def body(conn):
            created = self._created_candidates(conn, parts, value) if self._listeners else []
            self._write(conn, parts, value)
            return None, self._emit(conn, created)

        self._in_write_txn(body)

    def update(self, path: str, values: Mapping[str, Any]) -> None:
        base = split_path(path)

        def body(conn):
            created = []
            for key, value in values.items():
                parts = base + split_path(key)
                if self._listeners:
                    created += self._created_candidates(conn, parts, value)
                self._write(conn, parts, value)
            return None, self._emit(conn, created)

        self._in_write_txn(body)

    def delete(self, path: str) -> None:
        self.set(path, None)

    def push_key(self) -> str:
        return self._push_ids.next()

    def query(
        self,
        path: str,
        *,
        order_by: str,
        equal_to: Scalar | None = None,
        start_at: Scalar | None = None,
        end_at: Scalar | None = None,
        limit_to_first: int | None = None,
        limit_to_last: int | None = None,
    ) -> dict[str, Any]:
        parts = split_path(path)
        if not is_indexed(self.indexes, parts, order_by):
            raise QueryNotIndexed(not_indexed_message(parts, order_by))
        if limit_to_first is not None and limit_to_last is not None:
            raise ValueError("a query takes limit_to_first or limit_to_last, not both")
        where, args = ["parent = ?", "child = ?"], ["/".join(parts), order_by]
        if equal_to is not None:
            _bound(where, args, equal_to, "=")
        else:
            if start_at is not None:
                _bound(where, args, start_at, ">=")
            if end_at is not None:
                _bound(where, args, end_at, "<=")
        last = limit_to_last is not None
        order = " DESC" if last else ""
        sql = (
            f"SELECT key FROM child_index WHERE {' AND '.join(where)} "
            f"ORDER BY rank{order}, num{order}, str{order}, key{order}"
        )
        limit = limit_to_last if last else limit_to_first
        if limit is not None:
            sql += f" LIMIT {max(0, int(limit))}"
        conn = self._connect()
        conn.execute("BEGIN")  # one snapshot: the keys and the nodes they name agree
        try:
            keys = [row[0] for row in conn.execute(sql, args).fetchall()]
            if last:
                keys.reverse()
            found = {key: self._read(conn, [*parts, key]) for key in keys}
        finally:
            conn.execute("COMMIT")
        return {key: node for key, node in found.items() if node is not None}

    def transaction(self, path: str, fn: Callable[[Any], Any]) -> Any:
        parts = split_path(path)

        def body(conn):
            new_value = fn(self._read(conn, parts))
            created = self._created_candidates(conn, parts, new_value) if self._listeners else []
            self._write(conn, parts, new_value)
            return self._read(conn, parts), self._emit(conn, created)

        return self._in_write_txn(body)


def raise_if_full(err: sqlite3.OperationalError, path: Path) -> None:
    """SQLITE_FULL (a full disk, or max_page_count reached) becomes ports.DatabaseFull naming the file; so does an
    I/O error on a disk with no room left (opening needs room for the -wal and -shm files, and SQLite then says
    only "disk I/O error")."""
    if getattr(err, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_FULL:
        raise DatabaseFull(f"{err} ({path.name})") from err
    if getattr(err, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_IOERR and _no_room(path):
        raise DatabaseFull(f"database or disk is full ({path.name}: {err}; no room left on its disk)") from err


def _no_room(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.parent).free < 64 * 1024
    except OSError:
        return False


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back only a transaction that is still open. Why: on SQLITE_FULL (and I/O errors) SQLite may already
    have rolled it back; a ROLLBACK then raises "no transaction is active", which would hide the real error."""
    if not conn.in_transaction:
        return
    try:
        conn.execute("ROLLBACK")
    except sqlite3.Error:
        log.exception("rollback failed after an error (the error itself is raised)")


def _present(value: Any) -> Any:
    """Answer as RTDB does: an object whose keys are all integers (no leading zeros), with more than half of 0..max
    present, comes back as an array with None in the gaps. Why: the services see the same shapes as in the cloud."""
    if not isinstance(value, dict):
        return value
    children = {key: _present(child) for key, child in value.items()}
    if all(key.isdigit() and (key == "0" or not key.startswith("0")) for key in children):
        top = max(int(key) for key in children)
        if top < 2 * len(children):
            return [children.get(str(i)) for i in range(top + 1)]
    return children


def _order_of(value: Any) -> tuple[int, float | None, str | None]:
    """(rank, number, text) in RTDB's order: false 1, true 2, numbers 3, strings 4; 0 = not an indexable scalar."""
    if isinstance(value, bool):
        return (2 if value else 1), None, None
    if isinstance(value, int | float):
        return 3, float(value), None
    if isinstance(value, str):
        return 4, None, value
    return 0, None, None


def _bound(where: list[str], args: list[Any], value: Any, op: str) -> None:
    """One side of a query range (or equality) on (rank, value), as SQL over child_index."""
    rank, num, text = _order_of(value)
    if not rank:
        raise ValueError(f"a query bound must be a string, number or boolean, not {value!r}")
    column, bound = ("num", num) if rank == 3 else ("str", text) if rank == 4 else (None, None)
    if op == "=":
        where.append("rank = ?" + (f" AND {column} = ?" if column else ""))
        args.extend([rank, bound] if column else [rank])
        return
    outer = ">" if op == ">=" else "<"
    if column:
        where.append(f"(rank {outer} ? OR (rank = ? AND {column} {op} ?))")
        args.extend([rank, rank, bound])
    else:
        where.append(f"rank {op} ?")
        args.append(rank)


def _nodes_at(value: Any, depth: int) -> list[list[str]]:
    """Relative key paths of the nodes exactly `depth` levels inside value."""
    if depth == 0:
        return [[]] if value is not None else []
    if not isinstance(value, Mapping):
        return []
    return [[str(k), *rest] for k, child in value.items() for rest in _nodes_at(child, depth - 1)]
