"""Request limits: body size, file type judged by its bytes (never by its name), and job creation rate per user.

Names and Content-Type headers are whatever the browser or attacker says; the first bytes are what the renderer
will actually see, so that is what we check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from badge_renderer import limits as input_limits

from .errors import ApiError

# Ceilings only: the limits that apply are the configured Settings (csv_max_bytes, image_max_bytes), checked first
# by api/uploads.py; their defaults and these ceilings come from the one source, badge_renderer.limits.
MAX_CSV_BYTES = input_limits.CSV_MAX_BYTES_CEILING
MAX_IMAGE_BYTES = input_limits.IMAGE_MAX_BYTES
MAX_BODY_BYTES = MAX_CSV_BYTES + 2 * MAX_IMAGE_BYTES + 1_000_000

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
