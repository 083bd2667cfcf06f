"""The local tree's create notifications, which the local runtime turns into RTDB `created` events."""

from __future__ import annotations

import pytest

from badgeforge.adapters.local.tree_db import SqliteTreeDatabase


def test_created_nodes_are_reported_once_after_commit(tmp_path):
    db = SqliteTreeDatabase(tmp_path / "t.sqlite")
    seen: list[tuple[str, object]] = []
    db.on_create("badgeMails/*/*", lambda path, value: seen.append((path, db.get(path))))
    db.set("badgeMails/u1/k1", {"status": "pending"})
    db.update("badgeMails/u1/k1", {"status": "sent"})  # an update is not a creation
    db.transaction("badgeMails/u1/k2", lambda current: current or {"status": "pending"})
    db.transaction("badgeMails/u1/k2", lambda current: current or {"status": "other"})
    db.update("", {"badgeMails/u2/k3/status": "pending", "jobs/u2/j3/status": "done"})
    db.set("badgeMails/u3", {"k4": {"a": 1}, "k5": {"b": 2}})
    db.set("jobs/u1/j1", {"status": "done"})
    assert [path for path, _ in seen] == [
        "badgeMails/u1/k1",
        "badgeMails/u1/k2",
        "badgeMails/u2/k3",
        "badgeMails/u3/k4",
        "badgeMails/u3/k5",
    ]
    assert seen[0][1] == {"status": "pending"}  # delivered right after its own commit, before the update


def test_a_failed_transaction_reports_nothing(tmp_path):
    db = SqliteTreeDatabase(tmp_path / "t.sqlite")
    seen = []
    db.on_create("badgeMails/*/*", lambda path, value: seen.append(path))

    def boom(current):
        raise RuntimeError("abort")

    with pytest.raises(RuntimeError):
        db.transaction("badgeMails/u1/k1", boom)
    assert seen == [] and db.get("badgeMails") is None
