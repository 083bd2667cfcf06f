"""Every TreeDatabase follows Realtime Database semantics, including transactions under contention."""

from __future__ import annotations

import threading

import pytest


def test_set_get_nested_and_partial_paths(tree_db):
    tree_db.set("users/u1", {"email": "a@example.com", "allowed_usage": 3, "holds": {"j1": "t"}})
    assert tree_db.get("users/u1/allowed_usage") == 3
    assert tree_db.get("users/u1/holds") == {"j1": "t"}
    assert tree_db.get("users") == {"u1": {"email": "a@example.com", "allowed_usage": 3, "holds": {"j1": "t"}}}
    assert tree_db.get("users/u2") is None


def test_none_deletes_and_empty_objects_vanish(tree_db):
    tree_db.set("a/b", {"c": 1, "d": {}})
    assert tree_db.get("a/b") == {"c": 1}
    tree_db.set("a/b/c", None)
    assert tree_db.get("a") is None
    tree_db.set("x", {"y": 1})
    tree_db.delete("x/y")
    assert tree_db.get("x") is None


def test_numeric_keys_stay_objects(tree_db):
    tree_db.set("n", {"1": "a", "7": "b"})
    value = tree_db.get("n")
    assert isinstance(value, dict) and value["7"] == "b"


def test_set_replaces_subtree_and_scalars_below(tree_db):
    tree_db.set("p", {"a": 1, "b": 2})
    tree_db.set("p", {"c": 3})
    assert tree_db.get("p") == {"c": 3}
    tree_db.set("s", 5)
    tree_db.set("s/t", 6)
    assert tree_db.get("s") == {"t": 6}


def test_update_is_multi_location(tree_db):
    tree_db.set("jobs/u1/j1", {"status": "queued", "progress": 0})
    tree_db.update("jobs/u1", {"j1/status": "done", "j1/progress": None, "j2": {"status": "queued"}})
    assert tree_db.get("jobs/u1") == {"j1": {"status": "done"}, "j2": {"status": "queued"}}


def test_invalid_keys_are_refused(tree_db):
    with pytest.raises(ValueError):
        tree_db.set("badgeMails/u1/2026-11-22T10:15:00.123Z", {"a": 1})


def test_push_keys_are_ordered_unique_and_safe(tree_db):
    keys = [tree_db.push_key() for _ in range(200)]
    assert keys == sorted(keys) and len(set(keys)) == 200
    assert all(not set(".$#[]/") & set(k) for k in keys)


def test_transaction_returns_new_value_and_aborts_on_error(tree_db):
    assert tree_db.transaction("c", lambda v: (v or 0) + 1) == 1
    with pytest.raises(RuntimeError):
        tree_db.transaction("c", lambda v: (_ for _ in ()).throw(RuntimeError("no")))
    assert tree_db.get("c") == 1


def test_concurrent_transactions_lose_no_update(tree_db):
    def bump():
        for _ in range(10):
            tree_db.transaction("users/u1", lambda v: {**(v or {}), "count": (v or {}).get("count", 0) + 1})

    threads = [threading.Thread(target=bump) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert tree_db.get("users/u1/count") == 80


def test_dense_integer_keys_come_back_as_arrays_in_order(tree_db):
    """As RTDB answers: an object whose keys are all integers, more than half of 0..max present, is an array."""
    tree_db.set("w", [f"w{i}" for i in range(12)])
    assert tree_db.get("w") == [f"w{i}" for i in range(12)]
    tree_db.set("g", {"0": "a", "2": "c"})
    assert tree_db.get("g") == ["a", None, "c"]
    tree_db.set("h", {"1": {"x": 1}, "2": {"x": 2}})
    assert tree_db.get("h") == [None, {"x": 1}, {"x": 2}]
    tree_db.set("m", {"01": "a", "1": "b"})  # a leading zero is not an array index
    assert tree_db.get("m") == {"01": "a", "1": "b"}
    assert tree_db.transaction("w/11", lambda v: v + "!") == "w11!"


def test_a_transaction_that_cannot_be_written_writes_nothing(tree_db):
    tree_db.set("t", {"a": 1})
    with pytest.raises(Exception):  # noqa: B017 - each adapter names the refusal its own way; nothing is written
        tree_db.transaction("t", lambda v: {**v, "a": 2, "b.c": 3})
    assert tree_db.get("t") == {"a": 1}
    with pytest.raises(KeyboardInterrupt):
        tree_db.transaction("t", lambda v: (_ for _ in ()).throw(KeyboardInterrupt()))
    assert tree_db.transaction("t", lambda v: {**v, "a": 5}) == {"a": 5}
