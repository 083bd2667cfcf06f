"""The SQLite tree when its file is full: the real SQLITE_FULL, made by capping the file with PRAGMA max_page_count
(the adapter's `max_bytes`, BADGEFORGE_DATABASE_MAX_BYTES), surfaces as ports.DatabaseFull with SQLite's own words,
writes nothing, and leaves the connection usable. Nothing is mocked."""

from __future__ import annotations

import pytest

from badgeforge.adapters.local.tree_db import SqliteTreeDatabase
from badgeforge.ports import DatabaseFull

BIG = {f"k{i}": "x" * 200 for i in range(400)}  # ~80 KB of leaves: far more than the few free pages below


@pytest.fixture
def full_db(tmp_path):
    probe = SqliteTreeDatabase(tmp_path / "tree.sqlite")
    probe.set("users/u1", {"email": "a@example.com", "allowed_usage": 3, "holds": {"j1": "t"}})
    probe.close()
    db = SqliteTreeDatabase(tmp_path / "tree.sqlite", max_bytes=probe.size_bytes() + 2 * 4096)
    yield db
    db.close()


@pytest.mark.parametrize("write", ["set", "update", "transaction"])
def test_a_full_database_says_so_and_writes_nothing(full_db, write):
    with pytest.raises(DatabaseFull, match="database or disk is full") as caught:
        if write == "set":
            full_db.set("big", BIG)
        elif write == "update":
            full_db.update("", {"users/u1/allowed_usage": 2, "big": BIG})
        else:
            full_db.transaction("big", lambda current: BIG)
    assert "rollback" not in str(caught.value)
    assert full_db.get("big") is None and full_db.get("users/u1/allowed_usage") == 3  # all or nothing


def test_after_a_full_write_the_same_connection_still_works(full_db):
    with pytest.raises(DatabaseFull):
        full_db.set("big", BIG)
    full_db.transaction("users/u1", lambda user: {**user, "holds": None})  # freeing space needs no new pages
    full_db.update("users/u1", {"allowed_usage": 2})
    assert full_db.get("users/u1") == {"email": "a@example.com", "allowed_usage": 2}


def test_no_cap_by_default(tmp_path):
    db = SqliteTreeDatabase(tmp_path / "tree.sqlite")
    db.set("big", BIG)
    assert len(db.get("big")) == len(BIG)
    db.close()
