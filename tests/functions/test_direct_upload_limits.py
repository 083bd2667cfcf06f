"""Files written straight into uploads/{uid}/{jobId}/ (an SDK or gsutil upload, no API in between) get the same
job rate and content checks as POST /api/jobs: the render job applies the one shared check itself."""

from __future__ import annotations

import dataclasses
from functools import partial

from badgeforge import config
from badgeforge.runtime import LocalRuntime
from tests.functions.conftest import at_once, make_user, outbox


def _limited(services, per_minute: int):
    limited = dataclasses.replace(services, settings=dataclasses.replace(services.settings, jobs_per_minute=per_minute))
    config.use_services(limited)
    return limited


def test_concurrent_direct_uploads_are_held_to_the_job_rate(services, small_csv):
    limited = _limited(services, 1)
    runtime = LocalRuntime(limited)
    try:
        user = make_user(limited)
        uploads = [partial(runtime.upload, user.uid, f"sdk{i}", {"attendees.csv": small_csv}) for i in range(4)]
        assert at_once(*uploads) == []
    finally:
        runtime.close()
        config.use_services(None)
    jobs = limited.db.get(f"jobs/{user.uid}")
    done = [j for j in jobs.values() if j["status"] == "done"]
    refused = [j for j in jobs.values() if j["status"] == "failed"]
    assert len(done) == 1 and len(refused) == 3
    assert all(j["error"]["code"] == "rate_limited" and "seconds" in j["error"]["message"] for j in refused)
    account = limited.db.get(f"users/{user.uid}")
    assert account["allowed_usage"] == 9 and not account.get("holds"), "a refused upload consumes nothing"
    assert len(outbox(limited)) == 1


def test_a_direct_upload_that_is_not_a_csv_fails_with_the_api_reason(services, runtime):
    user = make_user(services)
    runtime.upload(user.uid, "j1", {"attendees.csv": b"%PDF-1.7\n binary stuff"})
    job = services.db.get(f"jobs/{user.uid}/j1")
    assert job["status"] == "failed" and job["error"]["code"] == "not_csv"
    assert "PDF" in job["error"]["message"] and job["error"]["file"] == "attendees.csv"
    assert services.db.get(f"badgeMails/{user.uid}") is None
    assert services.db.get(f"users/{user.uid}")["allowed_usage"] == 10


def test_a_direct_upload_with_a_fake_image_fails_naming_it(services, runtime, small_csv):
    user = make_user(services)
    files = {"logo.png": b"<svg xmlns='http://www.w3.org/2000/svg'/>", "job.json": b'{"logo_image": "logo.png"}'}
    runtime.upload(user.uid, "j1", {**files, "attendees.csv": small_csv})
    job = services.db.get(f"jobs/{user.uid}/j1")
    assert job["status"] == "failed" and job["error"]["code"] == "not_an_image"
    assert job["error"]["column"] == "logo_image" and "logo.png" in job["error"]["message"]


def test_a_web_job_is_not_counted_twice_by_the_render_job(services, runtime, small_csv):
    """The API marks the jobs it admitted; the render job then does not take a second slot for them."""
    limited = _limited(services, 1)
    user = make_user(limited)
    limited.db.set(f"jobs/{user.uid}/web1", {"status": "queued", "admitted": True})
    web_runtime = LocalRuntime(limited)
    try:
        web_runtime.upload(user.uid, "web1", {"attendees.csv": small_csv})
    finally:
        web_runtime.close()
        config.use_services(None)
    assert limited.db.get(f"jobs/{user.uid}/web1")["status"] == "done"
    assert limited.db.get(f"limits/{user.uid}/jobs") is None
