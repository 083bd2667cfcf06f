"""Request limits: body size, file type judged by its bytes (never by its name), and job creation rate per user.

Names and Content-Type headers are whatever the browser or attacker says; the first bytes are what the renderer
will actually see, so that is what we check.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .errors import ApiError

MAX_BODY_BYTES = 25 * 1024 * 1024
MAX_CSV_BYTES = 10 * 1024 * 1024
MAX_IMAGE_BYTES = 8 * 1024 * 1024

# Magic numbers of things people upload by mistake instead of a CSV (spreadsheets, PDFs, archives, images).
_NOT_CSV = {
    b"PK\x03\x04": "a ZIP or Excel .xlsx file",
    b"\xd0\xcf\x11\xe0": "an old Excel .xls file",
    b"%PDF": "a PDF",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
}

_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


@dataclass(frozen=True)
class JobRate:
    """At most `max_jobs` new jobs per user within `window` (counted from the user's own job records)."""

    max_jobs: int = 10
    window: timedelta = timedelta(minutes=1)


def check_csv_bytes(data: bytes, *, field: str = "csv") -> None:
    """Refuse empty, oversized or obviously binary uploads before the CSV reader spends time on them."""
    if not data:
        raise ApiError(400, "empty_file", "The attendee file is empty.", field=field)
    if len(data) > MAX_CSV_BYTES:
        raise ApiError(413, "too_large", f"The attendee file is over {MAX_CSV_BYTES // (1024 * 1024)} MB.", field=field)
    for magic, what in _NOT_CSV.items():
        if data.startswith(magic):
            raise ApiError(
                415,
                "not_csv",
                f"This looks like {what}, not a CSV file.",
                field=field,
                hint="Export the attendee list as CSV (comma or semicolon separated) and upload that.",
            )
    if b"\x00" in data[:4096] and not _looks_utf16(data):
        raise ApiError(415, "not_csv", "This is a binary file, not a CSV file.", field=field)


def _looks_utf16(data: bytes) -> bool:
    return data[:2] in (b"\xff\xfe", b"\xfe\xff")


def image_type(data: bytes) -> str | None:
    """The image MIME type from its magic number, or None when it is not an image we accept."""
    for magic, mime in _IMAGE_MAGIC:
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_image_bytes(data: bytes, *, field: str) -> str:
    """Return the image's MIME type, or refuse it: only PNG, JPEG, WebP and GIF, judged by content."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ApiError(413, "too_large", f"The image is over {MAX_IMAGE_BYTES // (1024 * 1024)} MB.", field=field)
    mime = image_type(data)
    if mime is None:
        raise ApiError(415, "not_an_image", "Only PNG, JPEG, WebP or GIF images can be used.", field=field)
    return mime


def check_job_rate(jobs: dict[str, Any] | None, now: datetime, rate: JobRate) -> None:
    """Refuse a new job when the user already created `max_jobs` within the window (429 with a retry hint)."""
    since = now - rate.window
    recent = 0
    for job in (jobs or {}).values():
        created = _parse_time((job or {}).get("created_at")) if isinstance(job, dict) else None
        if created is not None and created >= since:
            recent += 1
    if recent >= rate.max_jobs:
        seconds = int(rate.window.total_seconds())
        raise ApiError(
            429,
            "rate_limited",
            f"You started {recent} jobs in the last {seconds} seconds; please wait a moment before the next one.",
        )


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


@dataclass
class PreviewSlots:
    """At most `per_user` previews drawing at once for one user; the next one is refused (429) at once.

    A preview decodes the uploaded images and draws a badge: six at once took the server to 2.0 GB. Refusing (not
    queueing) keeps a server thread from waiting; the page asks again a moment later.
    """

    per_user: int = 2
    _running: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @contextmanager
    def hold(self, uid: str) -> Iterator[None]:
        with self._lock:
            if self._running.get(uid, 0) >= self.per_user:
                raise ApiError(
                    429,
                    "preview_busy",
                    f"{self.per_user} previews are already being drawn for you; this one was skipped.",
                    hint="Wait for them to finish; the page asks again by itself.",
                )
            self._running[uid] = self._running.get(uid, 0) + 1
        try:
            yield
        finally:
            with self._lock:
                left = self._running[uid] - 1
                if left:
                    self._running[uid] = left
                else:
                    del self._running[uid]
