"""Every TreeListener (the SQLite tree's change ring, RTDB's event stream through firebase-admin) pushes a change
at, below or above the listened path, stays quiet for writes beside it, and stops at close()."""

from __future__ import annotations

import queue
import time

import pytest

from badgeforge.ports import TreeListener


def _quiet(heard: queue.Queue, seconds: float = 0.6) -> list[str]:
    """What was heard within `seconds` (an empty list: nothing)."""
    time.sleep(seconds)
    found = []
    while not heard.empty():
        found.append(heard.get_nowait())
    return found


def test_listen_hears_writes_at_below_and_above_and_not_beside(tree_db) -> None:
    if not isinstance(tree_db, TreeListener):
        pytest.skip("this adapter cannot notify")
    tree_db.set("q/u1/s1/old", {"status": "printed"})
    heard: queue.Queue = queue.Queue()
    subscription = tree_db.listen("q/u1/s1", heard.put)
    try:
        assert _quiet(heard, 0.3) == []  # the state at subscription is not reported
        tree_db.set("q/u1/s1/i1", {"status": "queued"})
        assert heard.get(timeout=3) is not None  # below: heard (the path is only a hint)
        _quiet(heard, 0.3)
        tree_db.set("q/u1/s2/i1", {"status": "queued"})
        tree_db.set("other/x", 1)
        assert _quiet(heard) == []  # beside: nothing
        tree_db.update("q/u1", {"s1/i2": {"status": "queued"}})
        assert heard.get(timeout=3) is not None  # a multi-path update from above
        tree_db.transaction("q/u1/s1/i1", lambda item: {**item, "status": "sending"})
        assert heard.get(timeout=3) is not None
    finally:
        subscription.close()
    _quiet(heard, 0.2)
    tree_db.set("q/u1/s1/i3", {"status": "queued"})
    assert _quiet(heard) == []  # closed: nothing more
