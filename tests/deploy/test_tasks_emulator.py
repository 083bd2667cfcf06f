"""Fan-out through firebase-tools' Cloud Tasks emulator: the planner enqueues chunks with the Admin SDK
(CLOUD_TASKS_EMULATOR_HOST, adapters/firebase/tasks.py, task ids as in production), the emulator dispatches each to
main.renderChunk (`tasks_fn.on_task_dispatched`) in the BUNDLED codebase's Python worker, and the last chunk merges.

Real parts: firebase-tools' functions and tasks emulators, the bundle and its fresh venv, the Admin SDK's enqueue.
Stand-ins: the emulated functions run on the local adapters (functions/.env.local: BADGEFORGE_MODE=local and a
shared BADGEFORGE_HOME), because the Storage and RTDB emulators need Java and a download that is unreachable here;
this process plans on the same home. The mail trigger does not run (no RTDB emulator): the job ends done with its
one badgeMails node pending.
"""

from __future__ import annotations

import dataclasses
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.conftest import Bundle
from tests.deploy.test_functions_emulator import FIREBASE, Emulator, _use_free_ports

PROJECT_ID = "demo-badgeforge-tasks-check"
HEADER = b"First Name,Last Name,Ticket Type,Company,Email,Pronouns,Order code\n"

pytestmark = [pytest.mark.slow, pytest.mark.integration, pytest.mark.xdist_group("deploy-bundle")]


@pytest.fixture(scope="module")
def tasks_emulator(bundle: Bundle, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Emulator, dict, Path]]:
    if not FIREBASE.exists():
        pytest.fail("firebase-tools is missing: run `cd tools && npm ci` (make test does this)")
    ports = _use_free_ports(bundle.project)
    home = tmp_path_factory.mktemp("tasks-home")
    from badgeforge.config import LOCAL_BUCKET  # the emulator's FIREBASE_CONFIG names the demo project's bucket

    env = f"BADGEFORGE_MODE=local\nBADGEFORGE_HOME={home}\nBADGEFORGE_BUCKET={LOCAL_BUCKET}\n"
    (bundle.functions / ".env.local").write_text(env)
    running = Emulator(bundle.project, tmp_path_factory.mktemp("firebase-home"), "functions,tasks", PROJECT_ID)
    try:
        running.wait_ready()
        yield running, ports, home
    finally:
        running.stop()


def test_a_fanout_job_renders_its_chunks_through_the_tasks_emulator(tasks_emulator, monkeypatch) -> None:
    import firebase_admin

    from badgeforge.adapters.firebase.tasks import CloudTaskQueue
    from badgeforge.config import Settings, build_services
    from badgeforge.services import render_job
    from badgeforge.services.usage import ensure_user

    emulator, ports, home = tasks_emulator
    assert "renderChunk" in emulator.output, emulator.output[-3000:]
    monkeypatch.setenv("CLOUD_TASKS_EMULATOR_HOST", f"127.0.0.1:{ports['tasks']}")
    app = firebase_admin.initialize_app(options={"projectId": PROJECT_ID}, name="tasks-emulator-test")
    try:
        settings = Settings(mode="local", home=home, csv_max_rows=20, fanout_chunk_badges=8, jobs_per_minute=100)
        services = dataclasses.replace(build_services(settings), tasks=CloudTaskQueue(app, "us-central1"))
        record = services.users.create("org@example.com")
        ensure_user(services, record, allowed_usage=5)
        csv = HEADER + b"".join(f"P{i},Q{i},Attendee,Co,p{i}@example.org,,C{i}\n".encode() for i in range(30))
        path = f"uploads/{record.uid}/j1/attendees.csv"
        services.blobs.write_bytes(path, csv, content_type="text/csv")
        assert render_job.handle_upload(services, path).status == "planned"
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            job = services.db.get(f"jobs/{record.uid}/j1") or {}
            if job.get("status") in ("done", "failed"):
                break
            time.sleep(1)
    finally:
        firebase_admin.delete_app(app)
        os.environ.pop("CLOUD_TASKS_EMULATOR_HOST", None)
    if job.get("status") != "done":  # the emulator's own words about the dispatch, on stdout for the report
        print(
            "\n".join(
                line
                for line in emulator.lines
                if re.search(r"Request|WARN|arn|rror|raceback|renderChunk|task|File ", line)
            )
        )
    assert job.get("status") == "done", job.get("error")
    assert job["badges"] == 30 and len(job["chunks"]["done"]) == job["chunks"]["total"] == 4
    assert services.blobs.info(job["output"]) is not None
    assert len(services.db.get(f"badgeMails/{record.uid}") or {}) == 1
