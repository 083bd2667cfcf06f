"""Storage event times in the one form firebase-functions 0.6.0 can parse, before its decorator sees them.

Why: the SDK's Storage handler parses the CloudEvent `time` with `%Y-%m-%dT%H:%M:%S.%f%z`, so a time without a
fraction ("...:07Z") or with nanoseconds ("...:07.123456789Z", RFC 3339 allows any number of digits) raises
ValueError inside the SDK and the upload is dropped without a job node. `tolerant_time` wraps the decorated
function: it rewrites `time` to exactly six fraction digits (nanoseconds are cut, not rounded, so the time never moves
into the next second) and hands the event on. The wrapper keeps the SDK's `__firebase_endpoint__`, so deploy
discovery still sees the trigger.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar

from cloudevents.http import CloudEvent

_RFC3339 = re.compile(
    r"^(?P<base>\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2})(?:\.(?P<fraction>\d+))?(?P<zone>[Zz]|[+-]\d{2}:?\d{2})$"
)

F = TypeVar("F", bound=Callable[..., Any])


def sdk_time(text: str) -> str:
    """`text` with a six-digit fraction and a numeric zone; anything that is not RFC 3339 comes back unchanged (the
    SDK then reports it as it always would)."""
    match = _RFC3339.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        return text
    base = match["base"].replace("t", "T").replace(" ", "T")
    fraction = (match["fraction"] or "")[:6].ljust(6, "0")
    zone = match["zone"]
    zone = "+00:00" if zone in ("Z", "z") else zone
    return f"{base}.{fraction}{zone}"


def with_sdk_time(event: CloudEvent) -> CloudEvent:
    """A copy of `event` whose `time` the SDK accepts (the same object when there is nothing to change)."""
    attributes = dict(event.get_attributes())
    time = attributes.get("time")
    if not isinstance(time, str) or sdk_time(time) == time:
        return event
    attributes["time"] = sdk_time(time)
    return CloudEvent(attributes, event.get_data())


def tolerant_time(decorated: F) -> F:
    """Wrap an SDK-decorated Storage function so every RFC 3339 `time` reaches its parser in the accepted form."""

    @functools.wraps(decorated)  # copies __dict__, and so the trigger manifest (__firebase_endpoint__)
    def wrapped(raw: CloudEvent) -> Any:
        return decorated(with_sdk_time(raw))

    return wrapped  # type: ignore[return-value]
