"""Request limits: body size, file type judged by its bytes (never by its name), and job creation rate per user.

Names and Content-Type headers are whatever the browser or attacker says; the first bytes are what the renderer
will actually see, so that is what we check.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from badge_renderer import limits as input_limits
from badgeforge.services import rate_limits, upload_checks
from badgeforge.services.rate_limits import JobRate

from .errors import ApiError

__all__ = ["JobRate", "check_csv_bytes", "check_image_bytes", "image_type", "take_job_slot", "take_preview_slot"]

# Ceilings only: the limits that apply are the configured Settings (csv_max_bytes, image_max_bytes), checked first
# by api/uploads.py; their defaults and these ceilings come from the one source, badge_renderer.limits.
MAX_CSV_BYTES = input_limits.CSV_MAX_BYTES_CEILING
MAX_IMAGE_BYTES = input_limits.IMAGE_MAX_BYTES
MAX_BODY_BYTES = MAX_CSV_BYTES + 2 * MAX_IMAGE_BYTES + 1_000_000


def check_csv_bytes(data: bytes, *, field: str = "csv") -> None:
    """Refuse empty, oversized or obviously binary uploads before the CSV reader spends time on them."""
    try:
        upload_checks.check_csv_content(data, max_bytes=MAX_CSV_BYTES)
    except upload_checks.ContentRefused as err:
        raise _api_error(err, field) from err


def image_type(data: bytes) -> str | None:
    """The image MIME type from its magic number, or None when it is not an image we accept."""
    return upload_checks.image_type(data)


def check_image_bytes(data: bytes, *, field: str) -> str:
    """Return the image's MIME type, or refuse it: only PNG, JPEG, WebP and GIF, judged by content."""
    try:
        return upload_checks.check_image_content(data, max_bytes=MAX_IMAGE_BYTES)
    except upload_checks.ContentRefused as err:
        raise _api_error(err, field) from err


def _api_error(err: upload_checks.ContentRefused, field: str) -> ApiError:
    return ApiError(err.status, err.code, str(err), field=field, hint=err.hint)


def take_job_slot(db: Any, uid: str, job_id: str, now: datetime, rate: JobRate) -> None:
    """Check and record the new job in one transaction (services.rate_limits); 429 with Retry-After when full."""
    try:
        rate_limits.take_job(db, uid, job_id, now, rate)
    except rate_limits.RateLimited as err:
        raise ApiError(429, "rate_limited", str(err), retry_after=err.retry_after) from err


def take_preview_slot(services: Any, uid: str, now: datetime) -> None:
    """Count one live preview before the CSV is read (429 with Retry-After beyond the per-minute limit)."""
    try:
        rate_limits.take_preview(services.db, uid, services.db.push_key(), now)
    except rate_limits.RateLimited as err:
        raise ApiError(429, "rate_limited", str(err), retry_after=err.retry_after) from err


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
