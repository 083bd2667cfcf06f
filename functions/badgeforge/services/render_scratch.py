"""Renders' temporary folders, and the clean-up of the ones whose render died.

Why a folder of our own: a render killed with `kill -9` (or on a machine that stopped) never runs its `finally`, so
its PDF parts stay behind for ever. Each folder carries owner.json (job, attempt, host, pid), so a sweep can tell a
dead render's folder from a live one's: dead when its process is gone from this host, or when its job has moved on
(finished, failed, or re-driven under a newer attempt).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from badgeforge.services import job_paths
from badgeforge.services.keys import iso

if TYPE_CHECKING:
    from badgeforge.config import Services, Settings

log = logging.getLogger(__name__)

PREFIX = "render-"
OWNER_FILE = "owner.json"


@contextmanager
def scratch_folder(settings: Settings, uid: str, job_id: str, attempt: Any, now: Any = None) -> Iterator[Path]:
    """A new folder under the scratch root for one render attempt, removed when the render ends (however it ends,
    short of the process dying: then remove_dead does it)."""
    root = settings.render_scratch_root()
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=root))
    try:
        owner = {"uid": uid, "job": job_id, "attempt": attempt, "host": socket.gethostname(), "pid": os.getpid()}
        if now is not None:
            owner["started"] = iso(now)
        (folder / OWNER_FILE).write_text(json.dumps(owner))
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def remove_dead(services: Services) -> list[str]:
    """Remove the folders of renders that died; returns their names. Cost follows what is there: one listing, and
    one job read per folder found (normally none)."""
    root = services.settings.render_scratch_root()
    if not root.is_dir():
        return []
    removed = []
    for folder in sorted(root.iterdir()):
        if folder.name.startswith(PREFIX) and folder.is_dir() and _is_dead(services, folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    return removed


def _is_dead(services: Services, folder: Path) -> bool:
    owner = _owner(folder)
    if owner is None:  # the render died before writing owner.json (or wrote garbage): judge by age
        try:
            age = time.time() - folder.stat().st_mtime
        except FileNotFoundError:
            return False  # its render just finished and removed it
        return age > services.settings.render_lease.total_seconds()
    if owner.get("host") == socket.gethostname() and not _process_alive(owner.get("pid")):
        return True
    uid, job_id = str(owner.get("uid", "")), str(owner.get("job", ""))
    try:
        job = services.db.get(job_paths.job_node(uid, job_id))
    except ValueError:  # not a key we would write: not ours to judge, but nothing a job can use either
        return True
    owns = isinstance(job, dict) and job.get("status") == "rendering" and job.get("attempts") == owner.get("attempt")
    return not owns


def _owner(folder: Path) -> dict[str, Any] | None:
    try:
        owner = json.loads((folder / OWNER_FILE).read_text())
    except (OSError, ValueError):
        return None
    return owner if isinstance(owner, dict) else None


def _process_alive(pid: Any) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


class SpoolFull(Exception):
    """A render's scratch folder would hold more than BADGEFORGE_SPOOL_MAX_BYTES."""


CHECKS_PER_RENDER = 100  # scratch walks while drawing: an overrun is seen within 1 % of the sheets


class Spool:
    """The byte budget of one render's scratch folder (on Cloud Functions /tmp is memory: it counts against the
    instance's memory, and an instance over it is killed with no word to the job).

    Checked while drawing (with the progress reports) and before each upload. The PDF is counted twice, because
    the pass after cairo (pdf_finish) rewrites it beside itself before replacing it: the budget then holds at that
    moment too. Fan-out keeps each chunk's output small; the merge streams from Storage to Storage and spools nothing.
    """

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.folder, self.max_bytes = Path(folder), max_bytes
        self.peak = 0

    def used(self) -> int:
        total = 0
        for folder, _dirs, files in os.walk(self.folder):
            for name in files:
                try:
                    size = os.stat(os.path.join(folder, name)).st_size
                except FileNotFoundError:
                    continue  # a part merged and removed meanwhile
                total += 2 * size if name.endswith(".pdf") else size
        return total

    def check(self) -> None:
        if not self.max_bytes:
            return
        used = self.used()
        self.peak = max(self.peak, used)
        if used > self.max_bytes:
            raise SpoolFull(f"the render needs more than {self.max_bytes:,} bytes of scratch space (at {used:,})")

    def progress(self, inner: Any = None) -> Any:
        """A render progress callback that checks the budget, then reports to `inner` (if any).

        It is called once per sheet; the folder is walked at the first report, every CHECKS_PER_RENDER-th of the
        sheets and the last one (walking it per sheet cost ~7 % of a 100,000-badge run's CPU)."""
        due = [0]

        def report(done: int, total: int) -> None:
            if done >= due[0] or done >= total:
                self.check()
                due[0] = done + max(1, total // CHECKS_PER_RENDER)
            if inner is not None:
                inner(done, total)

        return report
