"""adapters/firebase/tasks.py's one quirk: firebase-admin 7.7.0 fails to parse the tasks emulator's echo of a named
task after queueing it (tests/deploy/test_tasks_emulator.py runs the real pair). Here the SDK's queue is replaced by
one raising that same error, because the emulator needs a bundle and minutes to start."""

from __future__ import annotations

from typing import ClassVar

import pytest
from firebase_admin import functions

from badgeforge.adapters.firebase.tasks import CloudTaskQueue


class _EchoMismatch:
    sent: ClassVar[list] = []

    def enqueue(self, data, opts):
        self.sent.append((data, opts.task_id))
        raise ValueError("Invalid resource name format.")


def test_the_emulators_echo_counts_as_queued_only_against_the_emulator(monkeypatch):
    _EchoMismatch.sent = []
    monkeypatch.setattr(functions, "task_queue", lambda name, app=None: _EchoMismatch())
    queue = CloudTaskQueue(app=None, region="us-central1")
    monkeypatch.delenv("CLOUD_TASKS_EMULATOR_HOST", raising=False)
    with pytest.raises(ValueError):  # against Cloud Tasks it is a real failure: the planner must not go on
        queue.enqueue({"index": 0}, task_id="chunk-x-0")
    monkeypatch.setenv("CLOUD_TASKS_EMULATOR_HOST", "127.0.0.1:9499")
    queue.enqueue({"index": 0}, task_id="chunk-x-0")
    assert queue.name == "locations/us-central1/functions/renderChunk"
    # the task function refuses a body without "data"; the Python Admin SDK sends exactly what it is given
    assert _EchoMismatch.sent[-1] == ({"data": {"index": 0}}, "chunk-x-0")
