"""Every TreeDatabase answers the Realtime Database's queries alike: order by child, equal to, start/end at, first
and last limits, and "Index not defined" for a child database.rules.json does not index (the Firebase adapter runs
against tests/servers/rtdb_server.py, which reads the same rules)."""

from __future__ import annotations

import pytest

from badgeforge.ports import QueryNotIndexed

JOBS = {
    "j1": {"status": "done", "created_at": "2026-11-01T10:00:00.000000Z"},
    "j2": {"status": "failed", "created_at": "2026-11-03T10:00:00.000000Z"},
    "j3": {"status": "done", "created_at": "2026-11-02T10:00:00.000000Z"},
    "j4": {"status": "queued"},  # no created_at: never returned when ordering by it
    "j5": {"status": "done", "created_at": "2026-11-04T10:00:00.000000Z"},
}


@pytest.fixture
def jobs_db(tree_db):
    tree_db.set("jobs/u1", JOBS)
    tree_db.set("jobs/u2", {"x1": {"status": "done", "created_at": "2026-10-01T00:00:00.000000Z"}})
    return tree_db


def test_order_by_child_sorts_and_skips_children_without_it(jobs_db):
    found = jobs_db.query("jobs/u1", order_by="created_at")
    assert list(found) == ["j1", "j3", "j2", "j5"]
    assert found["j2"] == JOBS["j2"]


def test_equal_to_returns_only_matches_in_key_order(jobs_db):
    assert list(jobs_db.query("jobs/u1", order_by="status", equal_to="done")) == ["j1", "j3", "j5"]
    assert jobs_db.query("jobs/u1", order_by="status", equal_to="rendering") == {}


def test_start_end_and_limits(jobs_db):
    q = jobs_db.query
    assert list(q("jobs/u1", order_by="created_at", start_at="2026-11-02")) == ["j3", "j2", "j5"]
    assert list(q("jobs/u1", order_by="created_at", end_at="2026-11-02T10:00:00.000000Z")) == ["j1", "j3"]
    assert list(q("jobs/u1", order_by="created_at", start_at="2026-11-02", limit_to_first=2)) == ["j3", "j2"]
    assert list(q("jobs/u1", order_by="created_at", limit_to_last=2)) == ["j2", "j5"]
    assert list(q("jobs/u1", order_by="status", equal_to="done", limit_to_first=1)) == ["j1"]


def test_prefix_search_with_the_high_code_point(tree_db):
    tree_db.set(
        "users",
        {f"u{i}": {"email": f"{name}@example.com"} for i, name in enumerate(["bob", "alice", "ann", "bert", "al"])},
    )
    found = tree_db.query("users", order_by="email", start_at="a", end_at="a\uf8ff")
    assert [v["email"] for v in found.values()] == ["al@example.com", "alice@example.com", "ann@example.com"]


def test_types_order_false_true_numbers_strings(tree_db):
    tree_db.set("open_work", {"a": {"due_at": "z"}, "b": {"due_at": 5}, "c": {"due_at": True}, "d": {"due_at": 1.5}})
    tree_db.set("open_work/e", {"due_at": False})
    assert list(tree_db.query("open_work", order_by="due_at")) == ["e", "c", "d", "b", "a"]
    assert list(tree_db.query("open_work", order_by="due_at", start_at=2)) == ["b", "a"]
    assert list(tree_db.query("open_work", order_by="due_at", equal_to=5)) == ["b"]


def test_queries_follow_writes_updates_and_deletes(jobs_db):
    jobs_db.update("jobs/u1", {"j1/status": "failed", "j3": None})
    jobs_db.set("jobs/u1/j6", {"status": "done", "created_at": "2026-11-05T00:00:00.000000Z"})
    assert list(jobs_db.query("jobs/u1", order_by="status", equal_to="done")) == ["j5", "j6"]
    jobs_db.transaction("jobs/u1/j5", lambda job: {**job, "status": "failed"})
    jobs_db.set("jobs/u1/j6/status", None)
    assert list(jobs_db.query("jobs/u1", order_by="status", equal_to="done")) == []
    jobs_db.delete("jobs/u1")
    assert jobs_db.query("jobs/u1", order_by="status", equal_to="failed") == {}
    assert list(jobs_db.query("jobs/u2", order_by="status", equal_to="done")) == ["x1"]


def test_unindexed_child_is_refused_like_rtdb(jobs_db):
    with pytest.raises(QueryNotIndexed, match=r'Index not defined, add ".indexOn": "progress", for path "/jobs/u1"'):
        jobs_db.query("jobs/u1", order_by="progress", start_at=0)
    with pytest.raises(QueryNotIndexed):
        jobs_db.query("jobs", order_by="status", equal_to="done")  # indexed one level down, not here


def test_integer_keys_keep_their_keys(tree_db):
    """Jobs uploaded as uploads/{uid}/1/... have integer ids; RTDB answers such a list as an array."""
    tree_db.set("jobs/u9", {"0": {"status": "done"}, "1": {"status": "failed"}, "2": {"status": "done"}})
    assert list(tree_db.query("jobs/u9", order_by="status", equal_to="done")) == ["0", "2"]
    assert list(tree_db.query("jobs/u9", order_by="status", start_at="e")) == ["1"]
