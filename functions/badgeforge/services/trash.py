"""Deleting a job is a soft delete: the job is hidden (its links stop working) and can be restored for 30 days;
then the sweep purges it with its files. The usage log (and what was charged) stays: it is the audit trail.

Why an index (`trash/{uid}:{jobId}` = {uid, job, purge_at}, purge_at indexed): the sweep asks only for what is due
for purging, instead of reading every job to find the deleted ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from badgeforge.services import job_paths, open_work
from badgeforge.services.keys import iso, parse_iso

if TYPE_CHECKING:
    from badgeforge.config import Services

ROOT = "trash"
KEEP = timedelta(days=30)
PURGE_PER_PASS = 200


class NotRestorable(LookupError):
    """No deleted job by that id (never deleted, unknown, or already purged)."""


@dataclass(frozen=True)
class Deleted:
    job_id: str
    purge_at: str


def is_deleted(job: Any) -> bool:
    return isinstance(job, dict) and bool(job.get("deleted_at"))


def entry_path(uid: str, job_id: str) -> str:
    return f"{ROOT}/{uid}:{job_id}"


class StillRunning(Exception):
    """The job is queued or rendering: deleting it now would pull its files from under the render."""

    def __init__(self, job: dict[str, Any]) -> None:
        super().__init__("the job is still running")
        self.job = job


def soft_delete(
    services: Services, uid: str, job_id: str, now: datetime | None = None, *, refuse_running: bool = False
) -> Deleted:
    """Hide the job (and revoke its links) now; purge it after KEEP. The index entry is written first: a crash
    between the two leaves an entry whose purge finds the job not deleted and leaves it alone. With
    `refuse_running`, a queued or rendering job is left as it is (decided in the same transaction) and StillRunning
    is raised."""
    now = now or services.clock.now()
    purge_at = iso(now + KEEP)
    services.db.set(entry_path(uid, job_id), {"uid": uid, "job": job_id, "purge_at": purge_at})
    seen: dict[str, Any] = {}

    def hide(job: Any) -> Any:
        seen["job"] = job if isinstance(job, dict) else {}
        if not isinstance(job, dict) or (refuse_running and _running(job)):
            return job
        return {**job, "deleted_at": iso(now), "purge_at": purge_at}

    services.db.transaction(job_paths.job_node(uid, job_id), hide)
    if refuse_running and _running(seen["job"]):
        services.db.delete(entry_path(uid, job_id))
        raise StillRunning(seen["job"])
    return Deleted(job_id, purge_at)


def _running(job: dict[str, Any]) -> bool:
    return job.get("status") in ("queued", "rendering")


def restore(services: Services, uid: str, job_id: str) -> dict[str, Any]:
    """Show a soft-deleted job again (before its purge); raises NotRestorable otherwise."""
    seen: dict[str, Any] = {}

    def body(job):
        seen["deleted"] = is_deleted(job)
        if not seen["deleted"]:
            return job
        return {key: value for key, value in job.items() if key not in ("deleted_at", "purge_at")}

    job = services.db.transaction(job_paths.job_node(uid, job_id), body)
    if not seen.get("deleted"):
        raise NotRestorable(f"No deleted job {job_id} to restore (it was never deleted, or was purged after 30 days).")
    services.db.delete(entry_path(uid, job_id))
    return job


def _job_files(uid: str, job_id: str) -> list[str]:
    return [f"uploads/{uid}/{job_id}/", f"badges/{uid}/{job_id}/"]


def purge_due(services: Services, now: datetime | None = None) -> list[str]:
    """Purge the soft-deleted jobs whose 30 days are over: files, job node, mail node, open-work entry ("uid/job")."""
    now = now or services.clock.now()
    found = services.db.query(ROOT, order_by="purge_at", end_at=iso(now), limit_to_first=PURGE_PER_PASS)
    purged = []
    for entry in found.values():
        uid, job_id = str(entry.get("uid", "")), str(entry.get("job", ""))
        if not uid or not job_id:
            continue
        job = services.db.get(job_paths.job_node(uid, job_id))
        due = parse_iso(job.get("purge_at")) if is_deleted(job) else None
        if due is not None and due <= now:
            for prefix in _job_files(uid, job_id):
                for blob in services.blobs.list(prefix):
                    services.blobs.delete(blob.path)
            changes: dict[str, Any] = {job_paths.job_node(uid, job_id): None, open_work.entry_path(uid, job_id): None}
            if job.get("mail_key"):
                changes[job_paths.mail_node(uid, str(job["mail_key"]))] = None
            services.db.update("", changes)
            purged.append(f"{uid}/{job_id}")
        if due is None or due <= now:  # restored (or never deleted): the entry is stale; purged: done
            services.db.delete(entry_path(uid, job_id))
    return purged
