"""The SQLite tree's child index: a file written before (or under other rules) is re-indexed when opened."""

from __future__ import annotations

import pytest

from badgeforge.adapters.local.rules_index import load_indexes
from badgeforge.adapters.local.tree_db import SqliteTreeDatabase
from badgeforge.ports import QueryNotIndexed


def test_file_written_without_indexes_is_reindexed_on_open(tmp_path):
    path = tmp_path / "tree.sqlite"
    plain = SqliteTreeDatabase(path, indexes={})
    plain.set("jobs/u1", {"a": {"status": "done"}, "b": {"status": "failed"}})
    with pytest.raises(QueryNotIndexed):
        plain.query("jobs/u1", order_by="status", equal_to="done")
    plain.close()
    indexed = SqliteTreeDatabase(path, indexes=load_indexes())
    assert list(indexed.query("jobs/u1", order_by="status", equal_to="done")) == ["a"]
    indexed.close()


def test_query_reads_index_rows_not_the_list(tmp_path):
    """The answer's cost follows its size: a 1-row query over 2,000 jobs reads 1 node (counted via SQLite's trace)."""
    db = SqliteTreeDatabase(tmp_path / "tree.sqlite")
    db.set("jobs/u1", {f"j{i:04d}": {"status": "done", "created_at": f"2026-01-01T00:00:{i:04d}"} for i in range(2000)})
    db.set("jobs/u1/j0007/status", "failed")
    statements: list[str] = []
    conn = db._connect()
    conn.set_trace_callback(statements.append)
    assert list(db.query("jobs/u1", order_by="status", equal_to="failed")) == ["j0007"]
    conn.set_trace_callback(None)
    plan = conn.execute(
        "EXPLAIN QUERY PLAN SELECT key FROM child_index WHERE parent = ? AND child = ? AND rank = ? AND str = ?"
        " ORDER BY rank, num, str, key",
        ("jobs/u1", "status", 4, "failed"),
    ).fetchall()
    assert any("child_index_order" in str(row) for row in plan)
    assert sum("FROM leaves" in s for s in statements) == 2  # the node j0007: exact leaf, then its range
    db.close()
