"""Deleting a job is a soft delete: hidden (links stop), restorable for 30 days by API or CLI, then purged with its
files by the sweep, while the usage log stays. Uploads and outputs expire by the lifecycle rule (locally: the sweep)."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner

from badgeforge import config
from badgeforge.cli.jobs_cmd import jobs as jobs_command
from badgeforge.services import retention, trash, usage
from badgeforge.services.links import LinkGone, make_token, resolve_download_token
from badgeforge.services.sweep import run_sweep
from tests.api.test_jobs import finish, start_job


class At:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


def _deleted_job(env) -> tuple[dict, str, str]:
    headers = env.headers("organizer@example.com")
    job_id = start_job(env, headers)
    finish(env, env.organizer.uid, job_id)
    usage.log_change(env.services, env.organizer.uid, delta=-1, reason="mailed", by="system", before=3, after=2)
    assert env.client.delete(f"/api/jobs/{job_id}", headers=headers).status_code == 200
    return headers, env.organizer.uid, job_id


def test_restore_within_30_days_brings_the_job_back(env):
    headers, uid, job_id = _deleted_job(env)
    settings = env.services.settings
    token = make_token(settings.effective_link_secret(), uid, job_id, int(datetime.now(UTC).timestamp()) + 3600)
    try:
        resolve_download_token(env.services, token)
        raise AssertionError("a deleted job's link still worked")
    except LinkGone as err:  # "deleted": the page offers no fresh link
        assert "no longer available" in str(err)
    restored = env.client.post(f"/api/jobs/{job_id}/restore", headers=headers)
    assert restored.status_code == 200 and restored.get_json()["status"] == "done"
    assert [j["id"] for j in env.client.get("/api/jobs", headers=headers).get_json()["jobs"]] == [job_id]
    assert env.services.db.get(trash.entry_path(uid, job_id)) is None
    again = env.client.post(f"/api/jobs/{job_id}/restore", headers=headers)
    assert again.status_code == 404 and "deleted" in again.get_json()["error"]["message"]


def test_after_30_days_the_sweep_purges_job_and_files_and_keeps_the_usage_log(env):
    headers, uid, job_id = _deleted_job(env)
    early = dataclasses.replace(env.services, clock=At(datetime.now(UTC) + timedelta(days=29)))
    assert run_sweep(early).jobs_purged == []
    late = dataclasses.replace(env.services, clock=At(datetime.now(UTC) + timedelta(days=31)))
    report = run_sweep(late)
    assert report.jobs_purged == [f"{uid}/{job_id}"] and report.errors == []
    assert env.services.db.get(f"jobs/{uid}/{job_id}") is None
    assert env.services.blobs.list(f"badges/{uid}/{job_id}/") == []
    assert env.services.blobs.list(f"uploads/{uid}/{job_id}/") == []
    assert len(env.services.db.get(f"usage_log/{uid}")) == 1  # the audit trail stays
    assert env.services.db.get("trash") is None
    assert env.client.post(f"/api/jobs/{job_id}/restore", headers=headers).status_code == 404


def test_cli_restores_a_deleted_job(env):
    headers, uid, job_id = _deleted_job(env)
    env.client.get("/api/me", headers=headers)  # records users/{uid}/email: `jobs` lists accounts by email, paged
    config.use_services(env.services)
    try:
        runner = CliRunner()
        result = runner.invoke(jobs_command, ["restore", "organizer@example.com", job_id])
        assert result.exit_code == 0, result.output
        assert "restored" in result.output and not trash.is_deleted(env.services.db.get(f"jobs/{uid}/{job_id}"))
        again = runner.invoke(jobs_command, ["restore", "organizer@example.com", job_id])
        assert again.exit_code == 1 and "No deleted job" in again.output
        listed = runner.invoke(jobs_command, ["--json"])
        assert [row["job_id"] for row in json.loads(listed.output)] == [job_id]
    finally:
        config.use_services(None)


def test_lifecycle_rule_expires_old_uploads_and_outputs_locally(env):
    rules = retention.delete_rules()
    # the rules docs/deploy.md applies to the bucket (desk/: label files waiting for a station)
    assert rules == [(timedelta(days=30), ["uploads/", "badges/"]), (timedelta(days=7), ["desk/"])]
    blobs = env.services.blobs
    blobs.write_bytes("uploads/u1/old/attendees.csv", b"a", content_type="text/csv")
    blobs.write_bytes("badges/u1/new/badges.pdf", b"%PDF", content_type="application/pdf")
    blobs.write_bytes("designs/keep.json", b"{}", content_type="application/json")
    meta = blobs.base / "meta" / "uploads/u1/old/attendees.csv.json"  # as if uploaded 31 days ago
    stored = json.loads(meta.read_text())
    meta.write_text(json.dumps({**stored, "updated": (datetime.now(UTC) - timedelta(days=31)).isoformat()}))
    report = run_sweep(env.services)
    assert report.files_expired == ["uploads/u1/old/attendees.csv"]
    assert [i.path for i in blobs.list("")] == ["badges/u1/new/badges.pdf", "designs/keep.json"]
