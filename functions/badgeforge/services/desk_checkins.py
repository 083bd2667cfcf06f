"""checkins/{uid}/{jobId}/{attendeeKey}: what happened to one attendee at the desk.

{name, walk_in, printed (count), prints/{printId}: {at, device, by, station?, reprint, offline?}, checked_in_at,
checked_in_device, checked_out_at, checked_out_device, checkouts/{id}: {at, device}}

Each change is a transaction on that one node, keyed by the request's id: a retried request (a desk that lost its
connection and sends again) finds its own print already there and changes nothing, so counts never double.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from badgeforge.services.keys import as_map, parse_iso

DEVICE_MAX = 100


def checkin_node(uid: str, job_id: str, key: str) -> str:
    return f"checkins/{uid}/{job_id}/{key}"


def with_print(
    record: Mapping[str, Any] | None,
    print_id: str,
    *,
    at: str,
    device: str,
    by: str,
    name: str,
    walk_in: bool,
    station: str | None = None,
    offline: bool = False,
) -> dict[str, Any]:
    """Transaction body: one more print (and the check-in, at the first one); the same print_id again is a no-op.
    offline: the desk's browser drew and printed this label without the server, and reports it now."""
    node = dict(record or {})
    prints = as_map(node.get("prints"))
    if print_id in prints:
        return node
    entry: dict[str, Any] = {"at": at, "device": device, "by": by, "reprint": bool(prints)}
    if station:
        entry["station"] = station
    if offline:
        entry["offline"] = True
    prints[print_id] = entry
    node.update(prints=prints, printed=len(prints), name=name, walk_in=walk_in)
    node.setdefault("checked_in_at", at)
    node.setdefault("checked_in_device", device)
    return node


def with_check_in(
    record: Mapping[str, Any] | None, *, at: str, device: str, name: str, walk_in: bool
) -> dict[str, Any]:
    """Transaction body: checked in (kiosk scan, or a desk that hands over a pre-printed badge); once."""
    node = dict(record or {})
    node.setdefault("checked_in_at", at)
    node.setdefault("checked_in_device", device)
    node.setdefault("printed", 0)
    node.update(name=name, walk_in=walk_in)
    return node


def with_check_out(record: Mapping[str, Any] | None, checkout_id: str, *, at: str, device: str) -> dict[str, Any]:
    """Transaction body: a check-out (an attendee may leave and come back: every one is kept, the last on top)."""
    node = dict(record or {})
    checkouts = as_map(node.get("checkouts"))
    if checkout_id in checkouts:
        return node
    checkouts[checkout_id] = {"at": at, "device": device}
    node.update(checkouts=checkouts, checked_out_at=at, checked_out_device=device)
    return node


def last_print(record: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The latest print (by time, then by print id: push keys sort in the order they were made)."""
    prints = as_map((record or {}).get("prints"))
    if not prints:
        return None
    latest = max(prints, key=lambda print_id: (str(prints[print_id].get("at", "")), print_id))
    return dict(prints[latest])


def local_time(at: str, timezone: str | None) -> str:
    """09:12 in the event's time zone (IANA name; UTC when none or unknown)."""
    moment = parse_iso(at)
    if moment is None:
        return at
    try:
        zone = ZoneInfo(timezone) if timezone else None
    except (ZoneInfoNotFoundError, ValueError):
        zone = None
    shown: datetime = moment.astimezone(zone) if zone else moment
    return shown.strftime("%H:%M") + ("" if zone else " UTC")


def reprint_warning(record: Mapping[str, Any] | None, timezone: str | None = None) -> str | None:
    """ "Printed at 09:12 on desk-2" (and how often), or None when the badge was never printed."""
    last = last_print(record)
    if last is None:
        return None
    count = int((record or {}).get("printed") or 0)
    times = f" ({count} times)" if count > 1 else ""
    return f"Printed at {local_time(str(last.get('at', '')), timezone)} on {last.get('device', '?')}{times}"
