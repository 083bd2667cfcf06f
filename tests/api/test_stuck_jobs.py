"""The admin console's stuck jobs: listed with what a re-drive will charge, and re-driven through the same
endpoint as failed jobs (reset to queued, upload delivered again). Also: DELETE of a stuck job, and the API on a
full database."""

from __future__ import annotations

import pytest

from badgeforge.adapters.local.blobs import FolderBlobStore
from badgeforge.api.submit import BlobSubmitter
from badgeforge.ports import DatabaseFull

from .conftest import make_env, upload_form

EXPIRED = "2000-01-01T00:00:00.000000Z"
LIVE = "2999-01-01T00:00:00.000000Z"
OLD = "2001-01-01T00:00:00.000000Z"


def _stuck_setup(env):
    uid = env.organizer.uid
    db = env.services.db
    db.set(f"users/{uid}", {"email": "organizer@example.com", "allowed_usage": 3, "holds": {"dead": EXPIRED}})
    db.set(f"jobs/{uid}/dead", {"status": "rendering", "attempts": 2, "lease_until": EXPIRED, "progress": 40})
    db.set(f"jobs/{uid}/live", {"status": "rendering", "attempts": 1, "lease_until": LIVE})
    db.set(f"jobs/{uid}/lost", {"status": "queued", "source": "web", "created_at": OLD, "updated_at": OLD})
    db.set(f"jobs/{uid}/fine", {"status": "done"})
    for job_id, due in (("dead", EXPIRED), ("live", LIVE), ("lost", OLD)):  # as their claims / the web API left them
        db.set(f"open_work/{uid}:{job_id}", {"uid": uid, "job": job_id, "due_at": due})
    for job_id in ("dead", "lost"):
        env.services.blobs.write_bytes(f"uploads/{uid}/{job_id}/attendees.csv", b"name\nAda\n", content_type="text/csv")
    return uid


def test_stuck_jobs_are_listed_with_what_a_redrive_charges(env):
    uid = _stuck_setup(env)
    body = env.client.get("/api/admin/stuck", headers=env.headers("admin@example.com")).get_json()
    assert body["lease_seconds"] == 600
    rows = {row["id"]: row for row in body["jobs"]}
    assert sorted(rows) == ["dead", "lost"]  # the live render and the finished job are not stuck
    dead, lost = rows["dead"], rows["lost"]
    assert (dead["uid"], dead["email"], dead["status"], dead["attempts"]) == (
        uid,
        "organizer@example.com",
        "rendering",
        2,
    )
    assert dead["stuck_since"] == EXPIRED and dead["stuck_seconds"] > 0 and "lease" in dead["reason"]
    assert dead["redrive"] == {
        "uses": 1,
        "hold": "kept",
        "usage_left": 2,
        "summary": "Keeps the use it already holds; 1 use is charged when the badges are mailed, none if it fails.",
    }
    assert (
        lost["redrive"]["hold"] == "new"
        and lost["redrive"]["uses"] == 1
        and "2 uses left" in lost["redrive"]["summary"]
    )


def test_a_stuck_job_of_a_user_with_no_uses_left_says_it_will_fail(env):
    uid = _stuck_setup(env)
    env.services.db.update(f"users/{uid}", {"allowed_usage": 1})  # the dead job's hold takes the only use
    rows = env.client.get("/api/admin/stuck", headers=env.headers("admin@example.com")).get_json()["jobs"]
    lost = next(row for row in rows if row["id"] == "lost")
    assert lost["redrive"]["hold"] == "none_left" and "no_usage_left" in lost["redrive"]["summary"]


def test_only_admins_see_stuck_jobs(env):
    response = env.client.get("/api/admin/stuck", headers=env.headers("organizer@example.com"))
    assert response.status_code == 403


def test_redrive_of_a_stuck_render_queues_it_again_and_says_the_charge(env):
    uid = _stuck_setup(env)
    headers = env.headers("admin@example.com")
    response = env.client.post("/api/admin/redrive", headers=headers, json={"uid": uid, "jobId": "dead"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["redriven"], body["status"], body["charge"]["hold"]) == ("job", "queued", "kept")
    job = env.services.db.get(f"jobs/{uid}/dead")
    assert (job["status"], job["attempts"], job.get("lease_until")) == ("queued", 0, None)
    assert env.submitter.redelivered == [f"uploads/{uid}/dead/attendees.csv"]


def test_redrive_of_a_web_job_whose_upload_event_was_lost_finds_its_csv(env):
    uid = _stuck_setup(env)  # its source still says "web": the CSV is found in its upload folder
    headers = env.headers("admin@example.com")
    response = env.client.post("/api/admin/redrive", headers=headers, json={"uid": uid, "jobId": "lost"})
    assert response.status_code == 200, response.get_json()
    assert env.submitter.redelivered == [f"uploads/{uid}/lost/attendees.csv"]


def test_a_live_render_is_not_redriven(env):
    uid = _stuck_setup(env)
    env.services.blobs.write_bytes(f"uploads/{uid}/live/attendees.csv", b"name\nAda\n", content_type="text/csv")
    headers = env.headers("admin@example.com")
    response = env.client.post("/api/admin/redrive", headers=headers, json={"uid": uid, "jobId": "live"})
    assert response.status_code == 409 and LIVE in response.get_json()["error"]["message"]
    assert env.services.db.get(f"jobs/{uid}/live/status") == "rendering" and env.submitter.redelivered == []


def test_the_cloud_submitter_redelivers_by_writing_the_upload_again(tmp_path):
    blobs = FolderBlobStore(tmp_path / "storage", "bucket")
    first = blobs.write_bytes("uploads/u/j/attendees.csv", b"name\nAda\n", content_type="text/csv", metadata={"a": "1"})
    BlobSubmitter(blobs).redeliver("uploads/u/j/attendees.csv")
    again = blobs.info("uploads/u/j/attendees.csv")
    assert int(again.generation) > int(first.generation)  # a new generation: a new finalized event
    assert blobs.read_bytes("uploads/u/j/attendees.csv") == b"name\nAda\n"
    assert (again.content_type, dict(again.metadata)) == ("text/csv", {"a": "1"})


def test_deleting_a_stuck_job_says_it_will_be_retried(env):
    uid = _stuck_setup(env)
    headers = env.headers("organizer@example.com")
    stuck = env.client.delete("/api/jobs/dead", headers=headers)
    assert stuck.status_code == 409 and stuck.get_json()["error"]["code"] == "job_stuck"
    assert "retried automatically" in stuck.get_json()["error"]["message"]
    live = env.client.delete("/api/jobs/live", headers=headers)
    assert live.status_code == 409 and live.get_json()["error"]["code"] == "job_running"
    assert env.services.db.get(f"jobs/{uid}/dead/status") == "rendering"


def test_a_full_database_answers_507_with_the_reason_and_submits_nothing(tmp_path):
    """The SQLite tree capped at 40 KB (PRAGMA max_page_count, BADGEFORGE_DATABASE_MAX_BYTES), filled to the brim.
    (40 KB: the empty schema alone takes nine 4 KB pages, one of them the change ring of tree_changes.py.)"""
    env = make_env(tmp_path, database_max_bytes=40_960)
    headers = env.headers("organizer@example.com")  # signed in first: sign-in records its attempt in the database
    with pytest.raises(DatabaseFull):
        for i in range(100):
            env.services.db.set(f"filler/{i}", "x" * 1000)
    response = env.client.post("/api/jobs", headers=headers, data=upload_form())
    assert response.status_code == 507, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "database_full" and "database or disk is full" in error["message"]
    assert env.submitter.calls == []
