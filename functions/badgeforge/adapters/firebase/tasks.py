"""TaskQueue on Cloud Tasks through the Admin SDK (which honours CLOUD_TASKS_EMULATOR_HOST in recent versions)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

CHUNK_FUNCTION = "renderChunk"  # functions/main.py's task-queue function


class CloudTaskQueue:
    """Enqueues onto the queue of the renderChunk function; a task id already taken counts as enqueued, so the
    planner and the sweep can enqueue a chunk again without rendering it twice."""

    def __init__(self, app: Any, region: str, function: str = CHUNK_FUNCTION) -> None:
        self.app, self.name = app, f"locations/{region}/functions/{function}"

    def enqueue(self, payload: Mapping[str, Any], *, task_id: str) -> None:
        from firebase_admin import exceptions, functions

        queue = functions.task_queue(self.name, app=self.app)
        try:
            # {"data": ...}: the task function (tasks_fn) refuses a body without it, and the Admin SDK sends what it
            # is given as the body (the JS SDK wraps it; the Python one does not): the tasks emulator showed it.
            queue.enqueue({"data": dict(payload)}, functions.TaskOptions(task_id=task_id))
        except exceptions.AlreadyExistsError:
            return
        except ValueError as err:
            # firebase-admin 7.7.0 against firebase-tools' tasks emulator: for a named task the emulator echoes the
            # name without the leading "/" the SDK strips, so the SDK fails to parse "rojects/..." AFTER the task
            # was queued. Only there (never against Cloud Tasks) is that a success.
            if not (os.environ.get("CLOUD_TASKS_EMULATOR_HOST") and "resource name" in str(err)):
                raise
