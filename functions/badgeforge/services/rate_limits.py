"""Sliding-window limits that are checked and recorded in one database transaction.

Why one transaction: reading the recent events and then writing a new one lets N concurrent requests all see the
same count and all pass (30 concurrent POST /api/jobs once gave 21 accepted against 10 a minute). Here the count,
the refusal and the new event are one atomic step on one small node, so exactly `max_events` get through.
The node only ever holds events inside the window (the same transaction drops older ones), so its cost does not
grow with history.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from badgeforge.services.keys import as_map, iso, parse_iso

if TYPE_CHECKING:
    from badgeforge.config import Settings
    from badgeforge.ports import TreeDatabase


@dataclass(frozen=True)
class JobRate:
    """At most `max_jobs` new jobs per user within `window`, whether started from the web page or by an SDK upload."""

    max_jobs: int = 10
    window: timedelta = timedelta(minutes=1)

    @classmethod
    def from_settings(cls, settings: Settings) -> JobRate:
        return cls(max_jobs=settings.jobs_per_minute)


@dataclass(frozen=True)
class Window:
    """At most `max_events` events within `span` (with `same_tag`: only events tagged like the new one, e.g. per
    job inside a per-user node); `what` names them in the refusal."""

    max_events: int
    span: timedelta
    what: str
    same_tag: bool = False


class RateLimited(Exception):
    """Refused by a window; `retry_after` is whole seconds until one more event fits (for a Retry-After header)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after)


def admit(events: Any, key: str, now: datetime, windows: Sequence[Window], tag: str = "") -> dict[str, Any]:
    """The transaction body: events inside the longest window plus this one, or RateLimited (nothing written).

    Recording the same key twice counts once, so a redelivered event or a retried step is not a second event.
    """
    horizon = now - max(w.span for w in windows)
    kept: dict[str, Any] = {}
    for event_key, event in as_map(events).items():
        at = parse_iso(event.get("at")) if isinstance(event, dict) else None
        if at is not None and at > horizon:
            kept[event_key] = event
    if key in kept:
        return kept
    stamps = {k: parse_iso(e.get("at")) for k, e in kept.items()}
    for window in windows:
        since = now - window.span
        times = sorted(
            at
            for k, at in stamps.items()
            if at is not None and at > since and (not window.same_tag or kept[k].get("tag", "") == tag)
        )
        if len(times) >= window.max_events:
            wait = (times[len(times) - window.max_events] + window.span - now).total_seconds()
            raise RateLimited(
                f"{window.what}: at most {window.max_events} in {_span_text(window.span)}. "
                f"Try again in {math.ceil(wait)} seconds.",
                math.ceil(wait),
            )
    kept[key] = {"at": iso(now), "tag": tag} if tag else {"at": iso(now)}
    return kept


def take(db: TreeDatabase, path: str, key: str, now: datetime, windows: Sequence[Window], tag: str = "") -> None:
    """Count one event `key` at `path` if every window still has room; raises RateLimited otherwise."""
    db.transaction(path, lambda events: admit(events, key, now, windows, tag))


def take_job(db: TreeDatabase, uid: str, job_id: str, now: datetime, rate: JobRate) -> None:
    """The one job-rate check, shared by POST /api/jobs and the render job (for uploads that bypassed the API)."""
    window = Window(rate.max_jobs, rate.window, "You are starting jobs too quickly")
    take(db, job_rate_node(uid), job_id, now, [window])


FRESH_LINK_MAILS = (
    Window(3, timedelta(hours=1), "New links by email for this job", same_tag=True),
    Window(10, timedelta(hours=1), "New links by email"),
)


def take_fresh_link_mail(db: TreeDatabase, uid: str, job_id: str, key: str, now: datetime) -> None:
    """One "email me a new link" for job_id (per job and per user, one node so both are one transaction)."""
    take(db, f"limits/{uid}/link_mails", key, now, FRESH_LINK_MAILS, tag=job_id)


PREVIEWS = (Window(60, timedelta(minutes=1), "Previews"),)


def take_preview(db: TreeDatabase, uid: str, key: str, now: datetime) -> None:
    """One live preview (it parses the CSV and renders a badge: cheap once, not 1,000 times a second)."""
    take(db, f"limits/{uid}/previews", key, now, PREVIEWS)


def job_rate_node(uid: str) -> str:
    return f"limits/{uid}/jobs"


def _span_text(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return "an hour" if hours == 1 else f"{hours} hours"
    if seconds % 60 == 0:
        minutes = seconds // 60
        return "a minute" if minutes == 1 else f"{minutes} minutes"
    return f"{seconds} seconds"
