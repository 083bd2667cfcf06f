"""The scheduled sweep (main.retry_failed_mail) re-drives what the triggers dropped, within bounded attempts."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from datetime import timedelta
from pathlib import Path

from badgeforge.adapters.local.tree_db import SqliteTreeDatabase
from badgeforge.runtime.scheduler import SweepLoop, describe
from badgeforge.services import open_work
from badgeforge.services.sweep import run_sweep
from tests.functions.conftest import EXPIRED, dead_first_attempt, left_open, make_user, outbox, refuse_mail

LIVE = "2999-01-01T00:00:00.000000Z"


def test_job_stuck_in_rendering_is_finished_after_its_lease(services, runtime, clock, small_csv):
    user = make_user(services)
    dead_first_attempt(services, user.uid, small_csv)  # no event is left to retry it
    runtime.sweep()
    job = services.db.get(f"jobs/{user.uid}/j1")
    assert job["status"] == "done" and job["attempts"] == 2
    assert len(outbox(services)) == 1 and services.db.get(f"users/{user.uid}/allowed_usage") == 9


def test_live_lease_is_left_alone(services, runtime, small_csv):
    user = make_user(services)
    services.db.set(
        f"jobs/{user.uid}/j1", {"status": "rendering", "attempts": 1, "lease_until": "2999-01-01T00:00:00.000000Z"}
    )
    runtime.sweep()
    assert services.db.get(f"jobs/{user.uid}/j1/status") == "rendering"


def test_mail_retries_are_bounded_and_keep_the_reason(services, runtime, small_csv):
    user = make_user(services)
    services.mailer.down = True
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv})
    for _ in range(services.settings.max_attempts + 2):
        runtime.sweep()
    (node,) = services.db.get(f"badgeMails/{user.uid}").values()
    assert node["status"] == "failed" and node["attempts"] == services.settings.max_attempts
    assert "503" in node["error"] and "gave up" in node["error"]
    assert services.mailer.calls == services.settings.max_attempts
    account = services.db.get(f"users/{user.uid}")
    assert account["allowed_usage"] == 10 and not account.get("holds")  # never mailed: consumes nothing


def test_permanent_refusal_releases_the_hold_and_is_not_retried(services, runtime, small_csv):
    user = make_user(services)
    services.mailer.send = refuse_mail
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv})
    runtime.sweep()
    (node,) = services.db.get(f"badgeMails/{user.uid}").values()
    assert node["status"] == "failed" and node["permanent"] and node["attempts"] == 1
    account = services.db.get(f"users/{user.uid}")
    assert account["allowed_usage"] == 10 and not account.get("holds") and not account.get("charged")
    assert outbox(services) == []


def test_pending_node_whose_event_was_dropped_is_sent(services, runtime, clock):
    user = make_user(services)
    services.blobs.write_bytes(f"badges/{user.uid}/j7/badges.pdf", b"%PDF", content_type="application/pdf")
    node = {
        "badgeId": "j7",
        "objectPath": f"badges/{user.uid}/j7/badges.pdf",
        "badges": 2,
        "status": "pending",
        "createdAt": "2026-01-01T00:00:00.000000Z",
        "badgeLink": "",
    }
    services.db.update("", {f"jobs/{user.uid}/j7/status": "done", f"jobs/{user.uid}/j7/mail_key": "k7"})
    left_open(services, user.uid, "j7")  # as its render's claim left it
    # Written through a second handle on the same file, which delivers no event: the trigger was dropped.
    SqliteTreeDatabase(services.db.path).set(f"badgeMails/{user.uid}/k7", node)
    runtime.sweep()
    assert services.db.get(f"badgeMails/{user.uid}/k7/status") == "sent" and len(outbox(services)) == 1


def test_render_attempts_are_bounded_and_release_the_hold(services, runtime, small_csv):
    user = make_user(services)
    services.blobs.write_bytes(f"uploads/{user.uid}/j1/attendees.csv", small_csv, content_type="text/csv")
    attempts = services.settings.max_attempts
    services.db.set(
        f"jobs/{user.uid}/j1",
        {"status": "rendering", "attempts": attempts, "lease_until": EXPIRED},
    )
    services.db.set(f"users/{user.uid}/holds/j1", EXPIRED)  # held by the dead attempt
    left_open(services, user.uid, "j1")
    runtime.sweep()
    job = services.db.get(f"jobs/{user.uid}/j1")
    assert job["status"] == "failed" and job["error"]["code"] == "gave_up"
    assert "time limit" in job["error"]["message"] and job["error"].get("hint")  # says why, and what to do
    assert not services.db.get(f"users/{user.uid}/holds") and outbox(services) == []


def test_a_use_still_held_by_a_failed_job_is_given_back(services, runtime):
    user = make_user(services)
    # As after a full database: the job's failure got written, the release of its hold did not.
    services.db.set(f"jobs/{user.uid}/j1", {"status": "failed", "attempts": 1, "error": {"code": "database_full"}})
    services.db.set(f"jobs/{user.uid}/j2", {"status": "rendering", "attempts": 1, "lease_until": LIVE})
    services.db.update(f"users/{user.uid}/holds", {"j1": EXPIRED, "j2": EXPIRED, "gone": EXPIRED})
    for job_id in ("j1", "j2", "gone"):
        left_open(services, user.uid, job_id)
    report = run_sweep(services)
    assert sorted(report.holds_released) == [f"{user.uid}/gone", f"{user.uid}/j1"]
    assert list(services.db.get(f"users/{user.uid}/holds")) == ["j2"]  # the live render keeps its use
    assert services.db.get(f"users/{user.uid}/allowed_usage") == 10
    assert run_sweep(services).holds_released == []  # once


def test_one_broken_job_does_not_stop_the_sweep(services, runtime, small_csv):
    user = make_user(services)
    dead_first_attempt(services, user.uid, small_csv, job_id="good")
    services.db.set(f"jobs/{user.uid}/bad", {"status": "rendering", "attempts": "garbage", "lease_until": EXPIRED})
    left_open(services, user.uid, "bad")
    report = run_sweep(services)
    assert len(report.errors) == 1 and report.errors[0].startswith(f"job {user.uid}/bad")
    assert services.db.get(f"jobs/{user.uid}/good/status") == "done" and len(outbox(services)) == 1


def _scratch(services, uid: str, job_id: str, attempt: int, pid: int) -> Path:
    folder = services.settings.render_scratch_root() / f"render-{job_id}"
    folder.mkdir(parents=True)
    owner = {"uid": uid, "job": job_id, "attempt": attempt, "host": socket.gethostname(), "pid": pid}
    (folder / "owner.json").write_text(json.dumps(owner))
    (folder / "badges.pdf").write_bytes(b"%PDF- half written")
    return folder


def test_scratch_folders_of_dead_renders_are_removed_and_live_ones_kept(services, runtime):
    user = make_user(services)
    dead_pid = subprocess.Popen(["true"])  # a process that has exited (and been reaped): its pid is free
    dead_pid.wait()
    services.db.set(f"jobs/{user.uid}/live", {"status": "rendering", "attempts": 1, "lease_until": LIVE})
    services.db.set(f"jobs/{user.uid}/moved", {"status": "rendering", "attempts": 3, "lease_until": LIVE})
    live = _scratch(services, user.uid, "live", 1, os.getpid())
    killed = _scratch(services, user.uid, "killed", 1, dead_pid.pid)
    overtaken = _scratch(services, user.uid, "moved", 2, os.getpid())  # alive, but its job is on attempt 3
    report = run_sweep(services)
    assert sorted(report.scratch_removed) == ["render-killed", "render-moved"]
    assert live.is_dir() and not killed.exists() and not overtaken.exists()


def test_a_render_leaves_no_scratch_folder(services, runtime, small_csv):
    user = make_user(services)
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv})
    assert services.db.get(f"jobs/{user.uid}/j1/status") == "done"
    assert list(services.settings.render_scratch_root().iterdir()) == []


def test_the_serve_sweep_loop_outlives_a_failing_pass_and_stops_when_asked():
    class Broken:  # a runtime whose services cannot be swept: every pass raises inside run_sweep
        services = None

    loop = SweepLoop(Broken(), timedelta(milliseconds=10)).start()
    deadline = time.monotonic() + 10
    while loop.passes < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    loop.stop(timeout=5)
    assert loop.passes >= 3 and not loop._thread.is_alive()


def test_the_serve_sweep_loop_sweeps_at_start_and_reports(services, runtime, small_csv):
    user = make_user(services)
    dead_first_attempt(services, user.uid, small_csv)
    reports = []
    loop = SweepLoop(runtime, timedelta(0), on_report=reports.append).start()  # 0: at start only
    loop.stop(timeout=60)
    assert loop.passes == 1 and reports[0].jobs_retried == [f"{user.uid}/j1"]
    assert describe(reports[0]).startswith("sweep: 1 render jobs re-driven")
    assert services.db.get(f"jobs/{user.uid}/j1/status") == "done"


def test_a_database_from_before_the_index_is_indexed_once_by_rebuild(services, runtime, small_csv):
    user = make_user(services)
    services.blobs.write_bytes(f"uploads/{user.uid}/old/attendees.csv", small_csv, content_type="text/csv")
    services.db.set(f"jobs/{user.uid}/old", {"status": "rendering", "attempts": 1, "lease_until": EXPIRED})
    services.db.set(f"jobs/{user.uid}/settled", {"status": "done", "created_at": EXPIRED})
    assert run_sweep(services).jobs_retried == []  # the sweep reads only the index, which knows nothing yet
    assert open_work.rebuild(services) == 1  # the settled job is not indexed
    assert run_sweep(services).jobs_retried == [f"{user.uid}/old"]
    assert services.db.get(f"jobs/{user.uid}/old/status") == "done"
    assert services.db.get("open_work") is None  # delivered and charged: its entry is gone
