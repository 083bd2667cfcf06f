"""LocalTaskQueue: Cloud Tasks on one machine. Each task is a POST to main.renderChunk (the same decorated task
function Cloud Tasks calls), in parallel worker processes; a task answering an error is retried like the queue's
retry config does, and one out of retries is reported (the job fails with that reason, its use released).

Why processes, not threads: a chunk renders on the CPU (GIL), and one chunk crashing must not take the rest down.
Why spawn: the parent may hold threads and open SQLite connections, which a fork would copy half-way.
With workers=0 the tasks run in this process when drain() is called (fast unit tests of the same handlers).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import multiprocessing
import threading
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3


def chunk_render_workers(task_workers: int) -> int:
    """Processes each chunk may draw with: this machine's CPUs shared by the queue's workers. Without it, two
    workers each forking one more per core ran four renders on two cores and merged every chunk twice."""
    from badge_renderer.parallel import usable_cpus

    return max(1, usable_cpus() // max(1, task_workers))


def call_task_function(function: Callable[[Any], Any], payload: Mapping[str, Any]) -> tuple[int, str]:
    """POST {"data": payload} to a tasks_fn function, as Cloud Tasks does; (HTTP status, body)."""
    import flask

    app = flask.Flask("badgeforge-local-tasks")
    body = json.dumps({"data": dict(payload)})
    with app.test_request_context("/", method="POST", data=body, content_type="application/json"):
        response = function(flask.request)
    return response.status_code, response.get_data(as_text=True)


def _run_in_worker(settings: Any, payload: dict[str, Any]) -> tuple[int, str]:
    """In a worker process: its own services and runtime (so the mail node it may create is delivered here)."""
    from badgeforge import config
    from badgeforge.runtime.local import LocalRuntime

    runtime = _worker_runtime.get(settings)
    if runtime is None:
        runtime = LocalRuntime(config.build_services(settings), task_workers=None)
        _worker_runtime.clear()
        _worker_runtime[settings] = runtime
    return call_task_function(runtime.main.renderChunk, payload)


_worker_runtime: dict[Any, Any] = {}  # one runtime per worker process (its settings never change)


class LocalTaskQueue:
    """enqueue(payload, task_id): a task id seen before adds nothing (as Cloud Tasks refuses a duplicate name)."""

    def __init__(
        self,
        settings: Any,
        on_gave_up: Callable[[Mapping[str, Any], str], None],
        *,
        workers: int = 2,
        run_inline: Callable[[Mapping[str, Any]], tuple[int, str]] | None = None,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        if workers > 0 and not getattr(settings, "fanout_chunk_workers", 1):
            settings = dataclasses.replace(settings, fanout_chunk_workers=chunk_render_workers(workers))
        self.settings, self.on_gave_up, self.max_attempts = settings, on_gave_up, max_attempts
        self._run_inline = run_inline
        self._pool = (
            ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
            if workers > 0
            else None
        )
        self._seen: set[str] = set()
        self._inline: deque[dict[str, Any]] = deque()
        self._pending: set[Future] = set()
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self.failures: list[str] = []

    def enqueue(self, payload: Mapping[str, Any], *, task_id: str) -> None:
        with self._lock:
            if task_id in self._seen:
                return
            self._seen.add(task_id)
        self._submit(dict(payload), 1)

    def _submit(self, payload: dict[str, Any], attempt: int) -> None:
        if self._pool is None:
            with self._lock:
                self._inline.append({"payload": payload, "attempt": attempt})
            return
        future = self._pool.submit(_run_in_worker, self.settings, payload)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(lambda done: self._finished(done, payload, attempt))

    def _finished(self, future: Future, payload: dict[str, Any], attempt: int) -> None:
        try:
            status, body = future.result()
        except BaseException as err:  # the worker process died, or the call itself failed
            status, body = 500, f"{type(err).__name__}: {err}"
        self._settle(payload, attempt, status, body)
        with self._lock:
            self._pending.discard(future)
            self._idle.notify_all()

    def _settle(self, payload: dict[str, Any], attempt: int, status: int, body: str) -> None:
        if status < 400:
            return
        log.warning("chunk task %s failed (attempt %s): %s %s", payload, attempt, status, body[:300])
        if attempt < self.max_attempts:
            self._submit(payload, attempt + 1)
            return
        self.failures.append(body)
        try:
            self.on_gave_up(payload, f"it failed {attempt} times (last: HTTP {status})")
        except Exception:
            log.exception("could not record the end of chunk task %s", payload)

    def drain(self) -> None:
        """Run or wait for every task, including retries and tasks enqueued meanwhile."""
        while True:
            with self._lock:
                item = self._inline.popleft() if self._inline else None
                if item is None and not self._pending:
                    return
                if item is None:
                    self._idle.wait(0.5)
                    continue
            assert self._run_inline is not None
            try:
                status, body = self._run_inline(item["payload"])
            except Exception as err:
                status, body = 500, f"{type(err).__name__}: {err}"
            self._settle(item["payload"], item["attempt"], status, body)

    def close(self) -> None:
        self.drain()
        if self._pool is not None:
            self._pool.shutdown()
