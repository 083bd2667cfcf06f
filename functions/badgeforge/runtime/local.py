"""LocalRuntime: the platform's part on one machine. An upload goes to the local BlobStore and becomes the Storage
CloudEvent for main.render_badges; a badgeMails node created in the local tree becomes the RTDB CloudEvent for
main.send_badge_mail. Events are delivered synchronously (CLI, tests) or on a thread pool (`serve`)."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

from cloudevents.http import CloudEvent

from badgeforge import config
from badgeforge.ports import BlobInfo, BlobStore, DatabaseFull
from badgeforge.runtime import events
from badgeforge.services.keys import is_safe_key

log = logging.getLogger(__name__)
FUNCTIONS_DIR = Path(__file__).resolve().parents[2]
_main_lock = threading.Lock()

CONTENT_TYPES = {
    ".csv": "text/csv",
    ".json": "application/json",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".gif": "image/gif",
}


def load_main(settings: config.Settings) -> ModuleType:
    """Import functions/main.py as Cloud Functions does; FIREBASE_CONFIG first, for the storage decorator."""
    with _main_lock:
        if "main" in sys.modules:
            return sys.modules["main"]
        os.environ.setdefault(
            "FIREBASE_CONFIG",
            json.dumps(
                {
                    "projectId": settings.project_id,
                    "storageBucket": settings.bucket,
                    "databaseURL": settings.database_url,
                }
            ),
        )
        if str(FUNCTIONS_DIR) not in sys.path:
            sys.path.insert(0, str(FUNCTIONS_DIR))
        import main

        return main


class ObservedBlobStore:
    """A BlobStore that reports every finished write, as Cloud Storage reports each finalized object to Eventarc
    (including the function's own outputs: the trigger filters by bucket only)."""

    def __init__(self, inner: BlobStore, on_finalized: Callable[[BlobInfo, bytes | None], None]) -> None:
        self.inner = inner
        self.bucket = inner.bucket
        self._on_finalized = on_finalized

    def write_bytes(self, path: str, data: bytes, **kwargs: Any) -> BlobInfo:
        info = self.inner.write_bytes(path, data, **kwargs)
        self._on_finalized(info, data)
        return info

    def write_file(self, path: str, local_path: Path, **kwargs: Any) -> BlobInfo:
        info = self.inner.write_file(path, local_path, **kwargs)
        self._on_finalized(info, None)
        return info

    def write_with(self, path: str, writer: Callable[[Any], None], **kwargs: Any) -> BlobInfo:
        info = self.inner.write_with(path, writer, **kwargs)
        self._on_finalized(info, None)
        return info

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _attach(db: Any, runtime: LocalRuntime) -> None:
    """Route the database's badgeMails creations to `runtime`. The listener is registered once per database and
    follows the latest runtime, so a runtime made later (after another was closed) still gets its events."""
    if not getattr(db, "_badgeforge_runtime_listener", False):
        db.on_create("badgeMails/*/*", lambda path, value: db._badgeforge_runtime._mail_created(path, value))
        db._badgeforge_runtime_listener = True
    db._badgeforge_runtime = runtime


class LocalRuntime:
    """Delivers production-shaped events for `services` (installed as the process-wide Services for main.py).

    `self.services` is `services` with its BlobStore observed: every object written through it (uploads and the
    function's own outputs) becomes a Storage finalized event, exactly as in the cloud.
    """

    def __init__(
        self, services: config.Services, *, background: bool = False, workers: int = 2, task_workers: int | None = 2
    ) -> None:
        """task_workers: processes for the chunk queue (0: run chunks in this process on wait(); None: no queue,
        so no fan-out)."""
        self.main = load_main(services.settings)
        self.tasks = None
        if task_workers is not None:
            from badgeforge.runtime.task_queue import LocalTaskQueue, call_task_function

            self.tasks = LocalTaskQueue(
                services.settings,
                self._chunk_gave_up,
                workers=task_workers,
                run_inline=lambda payload: call_task_function(self.main.renderChunk, payload),
            )
        self.services = dataclasses.replace(
            services, blobs=ObservedBlobStore(services.blobs, self._finalized), tasks=self.tasks
        )
        config.use_services(self.services)
        self._pool = (
            ThreadPoolExecutor(max_workers=workers, thread_name_prefix="badgeforge-event") if background else None
        )
        self._pending: set[Future] = set()
        self._pending_lock = threading.Lock()
        self.errors: list[BaseException] = []
        self.delivered: deque[tuple[str, str]] = deque(maxlen=1000)  # (function, subject): the latest, for tests
        on_create = getattr(services.db, "on_create", None)
        if on_create is not None:
            _attach(getattr(on_create, "__self__", services.db), self)

    # -- uploads --------------------------------------------------------------------------------------------------
    def upload(
        self,
        uid: str,
        job_id: str,
        files: Mapping[str, bytes],
        metadata: Mapping[str, str] | None = None,
    ) -> str:
        """Write the job's files (CSV last, as a client would) and deliver a finalized event for each."""
        if not (is_safe_key(uid) and is_safe_key(job_id)):
            raise ValueError("uid and job id must be valid database keys")
        ordered = sorted(files.items(), key=lambda item: item[0].lower().endswith(".csv"))
        for name, data in ordered:
            path = f"uploads/{uid}/{job_id}/{name}"
            content_type = CONTENT_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")
            extra = metadata if name.lower().endswith(".csv") else None
            self.services.blobs.write_bytes(path, data, content_type=content_type, metadata=extra)
        return job_id

    def _finalized(self, info: BlobInfo, content: bytes | None) -> None:
        self.deliver(events.storage_finalized(self.services.blobs.bucket, info, content), self.main.render_badges)

    def object_finalized(self, path: str) -> None:
        """Deliver the finalized event for an object already in the store (what a gsutil copy would cause)."""
        info = self.services.blobs.info(path)
        if info is None:
            raise FileNotFoundError(path)
        self.deliver(events.storage_finalized(self.services.blobs.bucket, info), self.main.render_badges)

    # -- database -------------------------------------------------------------------------------------------------
    def _mail_created(self, path: str, value: Any) -> None:
        """Deliver the RTDB created event; a delivery problem never fails the write that caused it (as in RTDB)."""
        settings = self.services.settings
        event = events.database_created(
            path, value, instance=f"{settings.project_id}-default-rtdb", location=settings.database_location
        )
        try:
            self.deliver(event, self.main.send_badge_mail)
        except Exception as err:
            log.exception("could not deliver the event for %s", path)
            self.errors.append(err)

    # -- delivery -------------------------------------------------------------------------------------------------
    def deliver(self, event: CloudEvent, function) -> None:
        """Call the decorated function; like Cloud Functions, a failure is logged and the event dropped."""
        if self._pool is not None:
            future = self._pool.submit(self._call, event, function)
            with self._pending_lock:
                self._pending.add(future)
            future.add_done_callback(self._forget)
        else:
            self._call(event, function)

    def _call(self, event: CloudEvent, function) -> None:
        self.delivered.append((getattr(function, "__name__", str(function)), event["subject"]))
        try:
            function(event)
        except DatabaseFull as err:  # a known state of the machine, not a bug: one line, no traceback
            log.error("%s failed for %s: %s", getattr(function, "__name__", function), event["subject"], err)
            self.errors.append(err)
        except Exception as err:  # retries are off in production too: the sweep re-drives from the database
            log.exception("%s failed for %s", getattr(function, "__name__", function), event["subject"])
            self.errors.append(err)

    def _forget(self, future: Future) -> None:
        with self._pending_lock:
            self._pending.discard(future)

    def wait(self) -> None:
        """Block until every background delivery and chunk task (including the ones they cause) has finished."""
        while True:
            with self._pending_lock:
                pending = list(self._pending)
            if not pending:
                if self.tasks is not None:
                    self.tasks.drain()
                with self._pending_lock:
                    if not self._pending:
                        return
                continue
            for future in pending:
                future.result()

    def _chunk_gave_up(self, payload: Mapping[str, Any], reason: str) -> None:
        from badgeforge.services import fanout

        fanout.give_up_chunk(self.services, payload, reason)

    def sweep(self) -> None:
        """Run main.retry_failed_mail as Cloud Scheduler would (an HTTP request with the scheduler headers)."""
        import flask

        app = flask.Flask("badgeforge-local-scheduler")
        with app.test_request_context("/", method="POST", headers={"X-CloudScheduler-JobName": "local-sweep"}):
            response = self.main.retry_failed_mail(flask.request)
        if response.status_code >= 400:
            raise RuntimeError(f"retry_failed_mail answered {response.status_code}")

    def close(self) -> None:
        self.wait()
        if self._pool is not None:
            self._pool.shutdown()
        if self.tasks is not None:
            self.tasks.close()
