"""print_queue/{uid}/{station}/{itemId}: label files waiting for a station agent to print them.

Item: {id, job_id, attendee_key, file (storage path desk/{uid}/...), format pdf|zpl, created_at, status, ...}.
Status: queued -> sending (claimed by one agent, in a transaction) -> printed | failed.

At most once, on purpose: an item is claimed before it is sent, so a second agent or a restarted one never sends it
again. An item left in `sending` by an agent that died is marked failed at the next start ("may not have printed"),
and the desk decides whether to reprint (a duplicate badge is worse than a visible failure).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from badgeforge.services.keys import iso

if TYPE_CHECKING:
    from badgeforge.config import Services

FORMATS = ("pdf", "zpl")
CONTENT_TYPES = {"pdf": "application/pdf", "zpl": "application/vnd.zebra-zpl"}


def queue_node(uid: str, station: str) -> str:
    return f"print_queue/{uid}/{station}"


def item_node(uid: str, station: str, item_id: str) -> str:
    return f"{queue_node(uid, station)}/{item_id}"


def label_path(uid: str, job_id: str, item_id: str, fmt: str) -> str:
    return f"desk/{uid}/{job_id}/{item_id}.{fmt}"


def enqueue(services: Services, uid: str, station: str, item_id: str, item: Mapping[str, Any]) -> dict[str, Any]:
    """Create the item once (a repeated request finds it and leaves it as it is, whatever its status)."""
    full = {**item, "id": item_id, "status": "queued"}

    def body(current: Any) -> Any:
        return current if isinstance(current, dict) else full

    return dict(services.db.transaction(item_node(uid, station, item_id), body))


def queued(services: Services, uid: str, station: str, limit: int = 20) -> dict[str, Any]:
    """The oldest queued items (push keys sort by time), from the status index: a busy queue costs what waits."""
    found = services.db.query(queue_node(uid, station), order_by="status", equal_to="queued", limit_to_first=limit)
    return dict(sorted(found.items()))


def claim(services: Services, uid: str, station: str, item_id: str, agent: str) -> dict[str, Any] | None:
    """queued -> sending for this agent; None when it is not queued any more (another agent, or already done)."""
    now = iso(services.clock.now())
    won: dict[str, bool] = {}

    def body(current: Any) -> Any:
        won["yes"] = False
        if not isinstance(current, dict) or current.get("status") != "queued":
            return current
        won["yes"] = True
        return {**current, "status": "sending", "claimed_at": now, "agent": agent}

    item = services.db.transaction(item_node(uid, station, item_id), body)
    return dict(item) if won.get("yes") else None


def finish(
    services: Services, uid: str, station: str, item_id: str, *, ok: bool, detail: str = "", agent: str = ""
) -> None:
    """sending -> printed | failed (only from sending by this agent: a finished item keeps its first outcome)."""
    now = iso(services.clock.now())

    def body(current: Any) -> Any:
        if not isinstance(current, dict) or current.get("status") != "sending" or current.get("agent") != agent:
            return current
        done = {"status": "printed", "printed_at": now} if ok else {"status": "failed", "failed_at": now}
        return {**current, **done, "detail": detail[:500]}

    services.db.transaction(item_node(uid, station, item_id), body)


def recover(services: Services, uid: str, station: str) -> list[str]:
    """At an agent's start: items another run left in `sending` become failed (they may have printed)."""
    stuck = services.db.query(queue_node(uid, station), order_by="status", equal_to="sending")
    now = iso(services.clock.now())
    for item_id in stuck:

        def body(current: Any) -> Any:
            if not isinstance(current, dict) or current.get("status") != "sending":
                return current
            message = "The station stopped while sending this label; it may or may not have printed. Reprint it "
            return {**current, "status": "failed", "failed_at": now, "detail": message + "from the desk if not."}

        services.db.transaction(item_node(uid, station, item_id), body)
    return sorted(stuck)


OPEN_STATUSES = ("queued", "sending", "failed")


def open_items(services: Services, uid: str, station: str, limit: int = 100) -> dict[str, dict[str, Any]]:
    """What a desk shows for a station: its queued, half-sent and failed items (each from the status index, up to
    `limit`); printed ones are not read (they only grow)."""
    return {
        status: services.db.query(queue_node(uid, station), order_by="status", equal_to=status, limit_to_last=limit)
        for status in OPEN_STATUSES
    }
