"""The scheduled sweep (main.retry_failed_mail) re-drives what the triggers dropped, within bounded attempts."""

from __future__ import annotations

from badgeforge.adapters.local.tree_db import SqliteTreeDatabase
from tests.functions.conftest import EXPIRED, dead_first_attempt, make_user, outbox, refuse_mail


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
    services.db.update("", {f"jobs/{user.uid}/j7/status": "done"})
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
    runtime.sweep()
    job = services.db.get(f"jobs/{user.uid}/j1")
    assert job["status"] == "failed" and job["error"]["code"] == "gave_up"
    assert "time limit" in job["error"]["message"] and job["error"].get("hint")  # says why, and what to do
    assert not services.db.get(f"users/{user.uid}/holds") and outbox(services) == []
