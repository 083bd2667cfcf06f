"""How many progress streams (GET /api/jobs/<id>/events) a user may hold open, and how they are paced.

Why bounded: each open stream holds a server thread for as long as the page stays open (`badgeforge serve` runs a
thread per request); a page opened in many tabs, or a script, must not take them all. Refused, not queued: the page
falls back to slow polling (web/js/job_progress.js).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from .errors import ApiError


@dataclass
class JobStreams:
    per_user: int = 4  # open streams per user
    poll_seconds: float = 0.25  # how often a stream looks at the job (a local SQLite read; the browser never polls)
    heartbeat_seconds: float = 15.0  # a comment line this often: proxies keep the connection, dead clients show
    max_seconds: float = 300.0  # a stream ends after this long; the page reconnects (frees threads of lost tabs)
    _open: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, uid: str) -> None:
        with self._lock:
            if self._open.get(uid, 0) >= self.per_user:
                raise ApiError(
                    429,
                    "too_many_streams",
                    f"{self.per_user} progress streams are already open for you.",
                    hint="Close other BadgeForge tabs; this page checks the job every few seconds instead.",
                    retry_after=30,
                )
            self._open[uid] = self._open.get(uid, 0) + 1

    def give_back(self, uid: str) -> None:
        with self._lock:
            left = self._open.get(uid, 0) - 1
            if left > 0:
                self._open[uid] = left
            else:
                self._open.pop(uid, None)

    def open_for(self, uid: str) -> int:
        with self._lock:
            return self._open.get(uid, 0)
