"""ports.TreeListener on firebase-admin's `Reference.listen()`: the Realtime Database's REST event stream (SSE).

What firebase-admin does itself: one HTTP stream and one thread per listen; a stream the server ends is reopened
after the SSE retry time (3 s), and each new stream starts with a `put` of the whole node at path "/".
What it does not: a stream that cannot be reopened (the server or the network is away at that moment) ends its
thread with an exception, and nothing listens any more. Here a supervisor notices that within a second and opens
a new listen with a growing pause (up to MAX_PAUSE_SECONDS), and tells the caller "" once it is back (changes may
have been missed). The very first snapshot is not reported (the port's contract: not called for the state at
subscription); `listen()` returns only after it arrived, so every later write is heard.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

CHECK_SECONDS = 0.5
FIRST_PAUSE_SECONDS = 0.5
MAX_PAUSE_SECONDS = 5.0
FIRST_EVENT_TIMEOUT = 10.0


class StreamSubscription:
    """One supervised listen on `ref`; close() ends the stream and the supervisor."""

    def __init__(self, ref: Any, on_change: Callable[[str], None]) -> None:
        self._ref = ref
        self._on_change = on_change
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._registration: Any = None
        self.reconnects = 0  # how many times a dead stream was replaced (for logs and tests)
        first = threading.Event()
        self._registration = ref.listen(self._handler(report_first=False, arrived=first))
        if not first.wait(FIRST_EVENT_TIMEOUT):
            log.warning("no first event from the database stream of %s within %ss", ref.path, FIRST_EVENT_TIMEOUT)
        self._supervisor = threading.Thread(target=self._supervise, name="rtdb-listen", daemon=True)
        self._supervisor.start()

    def _handler(self, *, report_first: bool, arrived: threading.Event | None = None) -> Callable[[Any], None]:
        seen = {"first": True}

        def handle(event: Any) -> None:
            if self._closed.is_set():
                return
            if seen["first"]:
                seen["first"] = False
                if arrived is not None:
                    arrived.set()
                if not report_first:
                    return
                path = ""
            else:
                path = str(getattr(event, "path", "") or "").strip("/")
            try:
                self._on_change(path)
            except Exception:
                log.exception("a database change listener failed")

        return handle

    def _alive(self) -> bool:
        thread = getattr(self._registration, "_thread", None)  # firebase-admin keeps the stream's thread here
        return thread is None or thread.is_alive()

    def _supervise(self) -> None:
        pause = FIRST_PAUSE_SECONDS
        while not self._closed.wait(CHECK_SECONDS):
            if self._alive():
                pause = FIRST_PAUSE_SECONDS
                continue
            log.warning("the database stream of %s ended; listening again", self._ref.path)
            try:
                registration = self._ref.listen(self._handler(report_first=True))
            except Exception as err:  # the server is still away: try again, a little later each time
                log.warning("listening again to %s failed (%s); next try in %.1fs", self._ref.path, err, pause)
                if self._closed.wait(pause):
                    return
                pause = min(MAX_PAUSE_SECONDS, pause * 2)
                continue
            with self._lock:
                if self._closed.is_set():
                    _close_quietly(registration)
                    return
                self._registration = registration
                self.reconnects += 1

    def close(self) -> None:
        self._closed.set()
        with self._lock:
            registration = self._registration
        _close_quietly(registration)
        self._supervisor.join(timeout=5)


def _close_quietly(registration: Any) -> None:
    try:
        registration.close()
    except Exception:  # the stream is gone already
        log.debug("closing a database stream", exc_info=True)
