"""RTDB answers an object whose keys are all small integers as an array (with None in the gaps); the SQLite tree
does the same. Jobs uploaded straight to Storage as uploads/{uid}/1/..., uploads/{uid}/2/... have such keys, and
every reader of jobs/holds/charged must still see a mapping, never crash or miscount."""

from __future__ import annotations

import json

from click.testing import CliRunner

from badgeforge import config
from badgeforge.cli.jobs_cmd import jobs as jobs_command
from badgeforge.services import failures


def _numeric_jobs(env) -> str:
    uid = env.organizer.uid
    db = env.services.db
    stamp = "2026-11-23T12:00:00.000000Z"  # every claimed job has created_at: the console's last job orders by it
    db.set(
        f"jobs/{uid}/1", {"status": "failed", "error": {"code": "no_name_column", "message": "x"}, "created_at": stamp}
    )
    db.set(f"jobs/{uid}/2", {"status": "done", "badges": 2, "created_at": stamp})
    db.set(f"users/{uid}", {"email": "organizer@example.com", "allowed_usage": 3, "holds": {"3": "2026-11-23T12:00Z"}})
    db.set(f"users/{uid}/charged/2", "2026-11-23T12:00Z")
    failures.record(env.services, uid, "job", "1")  # as the render job records its failure
    assert isinstance(db.get(f"jobs/{uid}"), list)  # the database really answers with an array here
    return uid


def test_my_jobs_and_usage_read_numeric_job_ids(env):
    _numeric_jobs(env)
    headers = env.headers("organizer@example.com")
    listed = env.client.get("/api/jobs", headers=headers)
    assert listed.status_code == 200, listed.get_json()
    assert sorted(job["id"] for job in listed.get_json()["jobs"]) == ["1", "2"]
    me = env.client.get("/api/me", headers=headers).get_json()
    assert me["usage_left"] == 2  # 3 allowed - 1 held; an array with gaps would have counted 4 holds


def test_admin_console_reads_numeric_job_ids(env):
    uid = _numeric_jobs(env)
    headers = env.headers("admin@example.com")
    failed = env.client.get("/api/admin/failed", headers=headers)
    assert failed.status_code == 200, failed.get_json()
    assert [(job["uid"], job["id"]) for job in failed.get_json()["jobs"]] == [(uid, "1")]
    users = env.client.get("/api/admin/users", headers=headers).get_json()["users"]
    organizer = next(u for u in users if u["email"] == "organizer@example.com")
    assert organizer["used"] == 1 and organizer["last_job"] is not None


def test_jobs_command_reads_numeric_job_ids(env):
    _numeric_jobs(env)
    config.use_services(env.services)
    try:
        result = CliRunner().invoke(jobs_command, ["--json"])
    finally:
        config.use_services(None)
    assert result.exit_code == 0, result.output
    assert sorted(row["job_id"] for row in json.loads(result.output)) == ["1", "2"]
