"""A station agent: prints what the desk queued for it at print_queue/{uid}/{station}, one label at a time.

Start: items a previous run left half-sent are marked failed (print_queue.recover), then every queued item is
printed, oldest first (one read of the status index: a query for what waits costs what waits). Afterwards the
station listens instead of polling: the database pushes a change of its queue (ports.TreeListener: RTDB's event
stream, or the SQLite tree's change ring) and only then is the index read again; a slow safety check runs every
`fallback_seconds` in case a stream died unnoticed. Each item is claimed in a transaction before it is sent, so a
restart or a second agent never sends it again.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from badgeforge.ports import BlobNotFound, LabelPrinter, PrintFailed, TreeListener
from badgeforge.services import print_queue

if TYPE_CHECKING:
    from badgeforge.config import Services

log = logging.getLogger(__name__)
LABEL_MAX_BYTES = 20_000_000


@dataclass
class Station:
    services: Services
    uid: str
    name: str
    agent: str
    pdf_printer: LabelPrinter | None = None
    zpl_printer: LabelPrinter | None = None
    printed: int = 0
    failed: int = 0

    def start(self) -> list[str]:
        """Recover what an earlier run left mid-send; returns those item ids (now failed, for the desk to see)."""
        return print_queue.recover(self.services, self.uid, self.name)

    def run_once(self) -> int:
        """Print every item queued now; returns how many were handled (printed or failed)."""
        handled = 0
        for item_id in print_queue.queued(self.services, self.uid, self.name):
            item = print_queue.claim(self.services, self.uid, self.name, item_id, self.agent)
            if item is None:
                continue  # another agent took it, or it is done already
            ok, detail = self._send(item)
            print_queue.finish(self.services, self.uid, self.name, item_id, ok=ok, detail=detail, agent=self.agent)
            self.printed += ok
            self.failed += not ok
            handled += 1
        return handled

    def _send(self, item: dict) -> tuple[bool, str]:
        fmt = str(item.get("format", "pdf"))
        printer = (self.zpl_printer or self.pdf_printer) if fmt == "zpl" else self.pdf_printer
        if printer is None:
            return False, f"This station has no printer for {fmt.upper()} labels"
        path = str(item.get("file", ""))
        if not path.startswith(f"desk/{self.uid}/"):
            return False, "The label file is not one of this organizer's desk files"
        try:
            data = self.services.blobs.read_bytes(path, max_bytes=LABEL_MAX_BYTES)
        except BlobNotFound:
            return False, "The label file is gone from storage; print it again from the desk"
        try:
            media = item.get("media") if isinstance(item.get("media"), str) else None
            return True, printer.send(data, fmt, f"badgeforge-{item.get('id', '')}", media)
        except PrintFailed as err:
            log.warning("station %s: item %s failed: %s", self.name, item.get("id"), err)
            return False, str(err)

    def run(self, stop: threading.Event, fallback_seconds: float = 30.0, poll_seconds: float = 1.0) -> None:
        """Until `stop` is set: print what is queued, then sleep until the queue changes (or `fallback_seconds`
        pass). A database that cannot notify is polled every `poll_seconds` instead."""
        self.start()
        wake = threading.Event()
        db = self.services.db
        subscription = None
        if isinstance(db, TreeListener):
            subscription = db.listen(print_queue.queue_node(self.uid, self.name), lambda _path: wake.set())
        try:
            while not stop.is_set():
                wake.clear()  # before reading: a change during run_once wakes the next round
                self.run_once()
                _wait(wake, stop, fallback_seconds if subscription is not None else poll_seconds)
        finally:
            if subscription is not None:
                subscription.close()


def _wait(wake: threading.Event, stop: threading.Event, seconds: float) -> None:
    """Until a change, a stop or `seconds` (both are in-process events: checking them reads no database)."""
    deadline = time.monotonic() + seconds
    while not stop.is_set() and not wake.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            return
        wake.wait(min(left, 0.1))
