"""The open-work index: `open_work/{uid}:{jobId}` = {uid, job, due_at} for every job not yet settled.

Why: the sweep used to download all of `jobs`, `badgeMails` and `users` every ten minutes, a cost that grew with
the history. Now it asks for the entries whose `due_at` has passed (one indexed query) and reads only those jobs.
An entry is written *before* the step it guards (a render's or a mail's lease), so a crash leaves an entry behind,
never a job without one; `due_at` is only a hint of when to look: the sweep checks the real state, does what is
due, and either moves `due_at` to the next moment the job could need it or, once the job is settled (charged, or
failed with nothing held), removes the entry. So the index stays as small as the work in flight.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from badgeforge.services import job_paths
from badgeforge.services.keys import as_map, iso, parse_iso

if TYPE_CHECKING:
    from badgeforge.config import Services

ROOT = "open_work"
PENDING_GRACE = timedelta(seconds=300)  # a queued job or pending mail older than this lost its event
DUE_PER_PASS = 500  # one sweep handles at most this many; the rest stay due for the next pass


def entry_path(uid: str, job_id: str) -> str:
    return f"{ROOT}/{uid}:{job_id}"


def mark(services: Services, uid: str, job_id: str, due: datetime) -> None:
    """Say job_id is open and worth a look at `due` (overwrites an earlier hint)."""
    services.db.set(entry_path(uid, job_id), {"uid": uid, "job": job_id, "due_at": iso(due)})


def close(services: Services, uid: str, job_id: str) -> None:
    """The job is settled (delivered and charged): nothing left for the sweep."""
    services.db.delete(entry_path(uid, job_id))


def close_if_unchanged(services: Services, uid: str, job_id: str, seen: Any) -> None:
    """Remove the entry unless someone re-marked it since the sweep read it (a re-drive that just started)."""
    services.db.transaction(entry_path(uid, job_id), lambda current: None if current == seen else current)


def due_entries(services: Services, now: datetime, limit: int = DUE_PER_PASS) -> list[dict[str, Any]]:
    """The entries due by `now`, earliest first: the only part of the index the sweep downloads."""
    found = services.db.query(ROOT, order_by="due_at", end_at=iso(now), limit_to_first=limit)
    return [entry for entry in found.values() if isinstance(entry, dict) and entry.get("uid") and entry.get("job")]


def next_look(job: Any, mail: Any, held: bool, now: datetime, max_attempts: int) -> datetime | None:
    """When the sweep should next look at this job, or None when it is settled. Why one pure function: the
    sweep's rules (leases, grace, bounded retries) decide it, so tests can check it without a database."""
    if isinstance(job, dict) and job.get("status") in ("queued", "rendering"):
        if job.get("status") == "rendering":
            return parse_iso(job.get("lease_until")) or now
        since = parse_iso(job.get("updated_at") or job.get("created_at"))
        return (since + PENDING_GRACE) if since else now
    if isinstance(mail, dict):
        status = mail.get("status")
        if status == "sent":
            return None if mail.get("charged") and not held else now
        if status == "sending":
            return parse_iso(mail.get("lease_until")) or now
        if status == "pending":
            created = parse_iso(mail.get("createdAt"))
            return (created + PENDING_GRACE) if created else now
        if status == "failed" and not mail.get("permanent") and int(mail.get("attempts", 0)) < max_attempts:
            return now  # retried by the next pass
    return now if held else None  # a use still held by a job that cannot spend it: released next pass


def mail_of(services: Services, uid: str, job: Any) -> tuple[str | None, Any]:
    """(key, node) of the job's badge mail: by the key the job recorded, else (the job deleted meanwhile) by the
    job id the mail names (one indexed query)."""
    key = job.get("mail_key") if isinstance(job, dict) else None
    if key:
        return key, services.db.get(job_paths.mail_node(uid, key))
    return None, None


def mail_of_job(services: Services, uid: str, job_id: str, job: Any) -> tuple[str | None, Any]:
    key, mail = mail_of(services, uid, job)
    if key or isinstance(job, dict):
        return key, mail
    found = services.db.query(f"badgeMails/{uid}", order_by="badgeId", equal_to=job_id, limit_to_first=1)
    return next(iter(found.items()), (None, None))


def rebuild(services: Services) -> int:
    """Index every unsettled job from a full scan (once, for a database written before the index existed).
    Why not in the sweep: this is the scan the index exists to avoid; `badgeforge sweep --rebuild-index`."""
    now = services.clock.now()
    max_attempts = services.settings.max_attempts
    users = as_map(services.db.get("users"))
    mails = as_map(services.db.get("badgeMails"))
    count = 0
    for uid, jobs in as_map(services.db.get("jobs")).items():
        holds = as_map(as_map(users.get(uid)).get("holds"))
        for job_id, job in as_map(jobs).items():
            key = job.get("mail_key") if isinstance(job, dict) else None
            mail = as_map(mails.get(uid)).get(key) if key else None
            if next_look(job, mail, job_id in holds, now, max_attempts) is not None:
                mark(services, uid, job_id, now)
                count += 1
    for uid, user in users.items():  # holds of jobs that are gone
        for job_id in as_map(as_map(user).get("holds")):
            if job_id not in as_map(services.db.get(f"jobs/{uid}")) and job_id:
                mark(services, uid, job_id, now)
                count += 1
    return count
