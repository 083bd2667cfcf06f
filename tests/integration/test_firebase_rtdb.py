"""FirebaseTreeDatabase: firebase-admin's real db client against the local RTDB REST server."""

from __future__ import annotations

import threading

import pytest
from firebase_admin import db

from badgeforge.adapters.firebase.rtdb import FirebaseTreeDatabase, PushKeys
from badgeforge.ports import TransactionAborted, TreeDatabase

pytestmark = pytest.mark.integration


@pytest.fixture
def tree(firebase_db_app) -> FirebaseTreeDatabase:
    return FirebaseTreeDatabase(firebase_db_app)


def test_is_a_tree_database(tree):
    assert isinstance(tree, TreeDatabase)


def test_missing_node_reads_none_and_set_get_roundtrip(tree, rtdb_server):
    assert tree.get("jobs/u1/j1") is None
    tree.set("jobs/u1/j1", {"status": "queued", "progress": 0, "warnings": ["a", "b"]})
    assert tree.get("jobs/u1/j1") == {"status": "queued", "progress": 0, "warnings": ["a", "b"]}
    assert tree.get("jobs/u1/j1/status") == "queued"
    assert rtdb_server.tree() == {"jobs": {"u1": {"j1": {"status": "queued", "progress": 0, "warnings": ["a", "b"]}}}}


def test_setting_none_or_an_empty_dict_deletes_and_parents_vanish(tree, rtdb_server):
    tree.set("a/b/c", 1)
    tree.set("a/b/c", None)
    assert tree.get("a") is None
    tree.set("x/y", 1)
    tree.set("x/y", {})
    assert rtdb_server.tree() is None


def test_update_is_multi_location_and_none_deletes(tree):
    tree.set("users/u1", {"email": "a@example.com", "allowed_usage": 3, "holds": {"j1": True}})
    tree.update("users/u1", {"allowed_usage": 2, "holds/j1": None, "charged/j1": True})
    assert tree.get("users/u1") == {"email": "a@example.com", "allowed_usage": 2, "charged": {"j1": True}}
    tree.update("users/u1", {})  # nothing to do is not an error


def test_delete_missing_is_fine(tree):
    tree.delete("nothing/here")
    tree.set("k", "v")
    tree.delete("k")
    assert tree.get("k") is None


def test_push_keys_are_unique_ordered_and_rtdb_safe():
    clock = iter([1000] * 300 + [999, 1001])  # many keys in one millisecond, then the clock steps back
    keys = PushKeys(now_ms=lambda: next(clock))
    made = [keys.next() for _ in range(302)]
    assert made == sorted(made)
    assert len(set(made)) == len(made)
    assert all(len(k) == 20 and not set(k) & set(".$#[]/") for k in made)


def test_transaction_reads_writes_and_returns_new_value(tree):
    assert tree.transaction("counters/c", lambda cur: (cur or 0) + 5) == 5
    assert tree.transaction("counters/c", lambda cur: cur * 2) == 10
    assert tree.get("counters/c") == 10


def test_transaction_returning_none_deletes(tree):
    tree.set("holds/j1", {"n": 1})
    assert tree.transaction("holds/j1", lambda cur: None) is None
    assert tree.get("holds/j1") is None


class NoUsageLeft(Exception):
    pass


def test_exception_in_fn_propagates_unchanged_and_writes_nothing(tree):
    tree.set("users/u1/allowed_usage", 0)

    def charge(cur):
        if cur <= 0:
            raise NoUsageLeft("no usage left")
        return cur - 1

    with pytest.raises(NoUsageLeft, match="no usage left"):
        tree.transaction("users/u1/allowed_usage", charge)
    assert tree.get("users/u1/allowed_usage") == 0


def test_transaction_reruns_fn_after_a_conflicting_write(tree, firebase_db_app):
    tree.set("n", 1)
    seen = []

    def bump(cur):
        seen.append(cur)
        if len(seen) == 1:  # another client writes between our read and our conditional write
            db.reference("/n", app=firebase_db_app).set(100)
        return cur + 1

    assert tree.transaction("n", bump) == 101
    assert seen == [1, 100]


def test_transaction_aborts_after_max_attempts(firebase_db_app):
    tree = FirebaseTreeDatabase(firebase_db_app, max_attempts=3, pause_seconds=0)
    calls = []

    def always_conflicting(cur):
        calls.append(cur)
        db.reference("/n", app=firebase_db_app).set(len(calls) * 10)
        return -1

    with pytest.raises(TransactionAborted):
        tree.transaction("n", always_conflicting)
    assert len(calls) == 3
    assert tree.get("n") == 30


def test_concurrent_increments_are_never_lost(tree):
    errors = []

    def worker():
        try:
            for _ in range(10):
                # 20 writers on one node may exhaust RTDB's 25 attempts on a loaded machine: the transaction then
                # aborts having written nothing (TransactionAborted), and the caller tries again, as services do.
                for attempt in range(5):
                    try:
                        tree.transaction("counters/hot", lambda cur: (cur or 0) + 1)
                        break
                    except TransactionAborted:
                        if attempt == 4:
                            raise
        except Exception as err:  # surfaced below; a thread would otherwise swallow it
            errors.append(err)

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert tree.get("counters/hot") == 200


def test_invalid_keys_are_refused_before_sending(tree, rtdb_server):
    with pytest.raises(ValueError, match="invalid database key"):
        tree.set("jobs/u1", {"2026-11-23T11:00:00.123Z": 1})
    with pytest.raises(ValueError):
        tree.update("jobs", {"u1/a.b": 1})
    with pytest.raises(ValueError):
        tree.transaction("jobs/u1", lambda cur: {"a#b": 1})
    assert rtdb_server.tree() is None


def test_the_server_refuses_invalid_keys_too(firebase_db_app):
    # Guards the test server itself: the adapter's own check must not be what makes the test above pass alone.
    from firebase_admin import exceptions

    with pytest.raises(exceptions.InvalidArgumentError):
        db.reference("/jobs", app=firebase_db_app).set({"a.b": 1})
