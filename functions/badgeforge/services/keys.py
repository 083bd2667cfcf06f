"""RTDB-safe keys. Why: RTDB keys may not contain . $ # [ ] /, so an ISO timestamp cannot be a key as it is."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Any

_MAIL_KEY = re.compile(r"^(\d{4})_(\d{2})_(\d{2})T(\d{2})U(\d{2})U(\d{2})D(\d{6})Z_[0-9a-f]{10}$")
_FORBIDDEN = re.compile(r"[.$#\[\]/\x00-\x1f\x7f]")


def mail_key(at: datetime, job_id: str) -> str:
    """`2026_11_22T10U15U00D123456Z_<10 hex of the job id>`: sorts by time; two jobs never share a key."""
    stamp = at.astimezone(UTC).strftime("%Y_%m_%dT%HU%MU%SD%fZ")
    return f"{stamp}_{hashlib.sha256(job_id.encode()).hexdigest()[:10]}"


def mail_key_time(key: str) -> datetime | None:
    """The UTC time encoded in a mail key (None if the key is not one of ours)."""
    match = _MAIL_KEY.match(key)
    if not match:
        return None
    y, mo, d, h, mi, s, us = (int(g) for g in match.groups())
    return datetime(y, mo, d, h, mi, s, us, tzinfo=UTC)


def is_safe_key(key: str) -> bool:
    return bool(key) and not _FORBIDDEN.search(key) and len(key.encode()) <= 768


def iso(at: datetime) -> str:
    """UTC ISO-8601 with microseconds and a Z, the form stored in the database."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def as_map(value: Any) -> dict[str, Any]:
    """A node read back from RTDB as a mapping of key -> child. Why: RTDB answers an object whose keys are all small
    integers (job ids '1', '2', '3') as an array, with None in the gaps."""
    if isinstance(value, list):
        return {str(i): child for i, child in enumerate(value) if child is not None}
    return dict(value) if isinstance(value, dict) else {}
