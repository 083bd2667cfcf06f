"""The local stand-in for Cloud Scheduler: `badgeforge serve` runs the sweep once at start and then every
`interval`, on a thread of its own, so a render killed with `kill -9`, a machine that stopped or an SMTP server that
was down recovers without anyone running `badgeforge sweep`."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from badgeforge.services.sweep import SweepReport, run_sweep

log = logging.getLogger(__name__)


class SweepLoop:
    """Sweeps `runtime.services` at start and every `interval` (0: at start only) until `stop()`."""

    def __init__(
        self, runtime: Any, interval: timedelta, on_report: Callable[[SweepReport], None] | None = None
    ) -> None:
        self.runtime = runtime
        self.interval = interval
        self.on_report = on_report
        self.passes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="badgeforge-sweep", daemon=True)

    def start(self) -> SweepLoop:
        self._thread.start()
        return self

    def stop(self, timeout: float | None = None) -> None:
        """Ask the loop to end and wait for a pass in progress (a re-driven render) to finish."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        seconds = self.interval.total_seconds()
        while True:  # the pass at start runs even if stop() came first: what it re-drives is why serve started
            self._pass()
            if seconds <= 0 or self._stop.wait(seconds):
                return

    def _pass(self) -> None:
        try:
            report = run_sweep(self.runtime.services)
        except Exception:  # the loop must outlive one bad pass (a database that is full, a bug): next time
            log.exception("sweep pass failed")
            return
        finally:
            self.passes += 1
        if self.on_report is not None and report.did_something():
            self.on_report(report)


def describe(report: SweepReport) -> str:
    """One line for the server's console: what a pass re-drove."""
    parts = [
        f"{len(items)} {label}"
        for label, items in (
            ("render jobs re-driven", report.jobs_retried),
            ("mails retried", report.mails_retried),
            ("mails sent", report.mails_sent),
            ("sent mails charged", report.mails_settled),
            ("held uses given back", report.holds_released),
            ("temporary folders removed", report.scratch_removed),
            ("errors", report.errors),
        )
        if items
    ]
    return "sweep: " + ", ".join(parts)
