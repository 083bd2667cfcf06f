"""The desk's records on every TreeDatabase (local SQLite and the Firebase adapter against the RTDB test server,
which enforces database.rules.json's indexes): the print queue's claim / finish / recover and the check-in
transactions behave alike, so a station and a desk work the same on both."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from badgeforge.services import desk_checkins, print_queue


class _Clock:
    def now(self) -> datetime:
        return datetime(2026, 12, 1, 9, 12, tzinfo=UTC)


@dataclass
class _Services:
    """Only the two ports these services use (db, clock); the rest of Services is not involved."""

    db: Any
    clock: Any = None


def _services(tree_db) -> Any:
    return _Services(tree_db, _Clock())


def test_a_queued_item_is_claimed_once_and_finished_once(tree_db) -> None:
    services = _services(tree_db)
    for item_id in ("p2", "p1", "p3"):
        print_queue.enqueue(services, "u1", "desk-2", item_id, {"file": f"desk/u1/j1/{item_id}.pdf", "format": "pdf"})
    assert print_queue.enqueue(services, "u1", "desk-2", "p1", {"file": "other"})["file"] == "desk/u1/j1/p1.pdf"
    assert list(print_queue.queued(services, "u1", "desk-2")) == ["p1", "p2", "p3"]  # oldest (push key) first
    assert print_queue.claim(services, "u1", "desk-2", "p1", "agent-a")["status"] == "sending"
    assert print_queue.claim(services, "u1", "desk-2", "p1", "agent-b") is None
    print_queue.finish(services, "u1", "desk-2", "p1", ok=True, detail="BadgeLabels-1", agent="agent-b")  # not its
    assert tree_db.get("print_queue/u1/desk-2/p1/status") == "sending"
    print_queue.finish(services, "u1", "desk-2", "p1", ok=True, detail="BadgeLabels-1", agent="agent-a")
    print_queue.finish(services, "u1", "desk-2", "p1", ok=False, detail="late", agent="agent-a")  # first outcome stays
    done = tree_db.get("print_queue/u1/desk-2/p1")
    assert (done["status"], done["detail"]) == ("printed", "BadgeLabels-1")
    assert list(print_queue.queued(services, "u1", "desk-2")) == ["p2", "p3"]


def test_recover_fails_what_a_dead_agent_left_mid_send(tree_db) -> None:
    services = _services(tree_db)
    for item_id in ("p1", "p2"):
        print_queue.enqueue(services, "u1", "desk-2", item_id, {"file": f"desk/u1/j1/{item_id}.zpl", "format": "zpl"})
    print_queue.claim(services, "u1", "desk-2", "p1", "dead")
    assert print_queue.recover(services, "u1", "desk-2") == ["p1"]
    assert tree_db.get("print_queue/u1/desk-2/p1/status") == "failed"
    assert tree_db.get("print_queue/u1/desk-2/p2/status") == "queued"
    assert print_queue.recover(services, "u1", "desk-2") == []


def test_a_print_and_a_check_out_are_recorded_once_per_request(tree_db) -> None:
    node = desk_checkins.checkin_node("u1", "j1", "r2")
    at = "2026-12-01T09:12:00.000000Z"

    def printed(print_id: str, device: str) -> Any:
        return lambda current: desk_checkins.with_print(
            current, print_id, at=at, device=device, by="o@x.org", name="Ada", walk_in=False
        )

    tree_db.transaction(node, printed("a", "desk-2"))
    tree_db.transaction(node, printed("a", "desk-2"))
    record = tree_db.transaction(node, printed("b", "desk-5"))
    assert record["printed"] == 2 and record["checked_in_device"] == "desk-2"
    assert record["prints"]["b"]["reprint"] is True and record["prints"]["a"]["reprint"] is False
    assert desk_checkins.reprint_warning(record, "Europe/Berlin") == "Printed at 10:12 on desk-5 (2 times)"
    tree_db.transaction(node, lambda c: desk_checkins.with_check_out(c, "o1", at=at, device="exit"))
    tree_db.transaction(node, lambda c: desk_checkins.with_check_out(c, "o1", at=at, device="exit"))
    assert len(tree_db.get(node + "/checkouts")) == 1
