"""One owner-only SQLite file, one autocommit connection per thread, and a full disk as ports.DatabaseFull.

Why shared: the user directory, its account tokens and its second factors live in the same users.sqlite and need
the same three things; sqlite3 connections must not cross threads, and a full disk must read as one clear line.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from badgeforge.adapters.local.tree_db import raise_if_full
from badgeforge.private_files import private_file


class SqliteFile:
    def __init__(self, path: Path) -> None:
        self.path = private_file(Path(path))  # before SQLite opens it: its -wal/-shm files take this file's mode
        self._local = threading.local()

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            self._local.conn = conn
        return conn

    def _count(self, sql: str, params: tuple) -> int:
        """One autocommitted statement and the rows it changed; a full disk raises ports.DatabaseFull."""
        try:
            return self._conn().execute(sql, params).rowcount
        except sqlite3.OperationalError as err:
            raise_if_full(err, self.path)
            raise
