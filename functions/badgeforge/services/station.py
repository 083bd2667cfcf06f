"""A station agent: prints what the desk queued for it at print_queue/{uid}/{station}, one label at a time.

Start: items a previous run left half-sent are marked failed (print_queue.recover), then every queued item is
printed, oldest first; afterwards the queue is polled through the status index (a query for what waits costs what
waits). Each item is claimed in a transaction before it is sent, so a restart or a second agent never sends it again.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from badgeforge.ports import BlobNotFound, LabelPrinter, PrintFailed
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

    def run(self, stop: threading.Event, poll_seconds: float = 1.0) -> None:
        """Until `stop` is set: print what is queued, then wait `poll_seconds` when nothing was."""
        self.start()
        while not stop.is_set():
            if self.run_once() == 0:
                stop.wait(poll_seconds)
