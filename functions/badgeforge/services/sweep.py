"""Re-drive what the platform will not retry (Storage and RTDB triggers run with retries off): mails that failed
temporarily, were left 'sending' past their lease or 'pending' with no event, mails sent but not charged, jobs left
'rendering' past their lease and jobs left 'queued' whose upload event never came. Each goes through the same
idempotent service as the first delivery, so a sweep racing a late event still sends and charges once.

What it reads is the open-work index (services/open_work.py): only the jobs whose next look is due, never the
whole of `jobs`, `badgeMails` or `users`; so a pass costs what is due, not the history.

It also gives back uses still held by jobs that can no longer spend them (failed, deleted, or mailed in vain: the
release after a failure did not get written, e.g. on a full database) and removes the temporary folders of renders
that died. One item's failure is reported and the pass goes on: one bad node must not block the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from badgeforge.ports import DatabaseFull
from badgeforge.services import (
    drafts,
    job_paths,
    mail_job,
    open_work,
    render_job,
    render_scratch,
    retention,
    trash,
    upload_reconcile,
    usage,
)
from badgeforge.services.job_paths import UploadRef, parse_upload
from badgeforge.services.keys import iso, parse_iso
from badgeforge.services.renderer import BadgeRenderer

if TYPE_CHECKING:
    from badgeforge.config import Services

log = logging.getLogger(__name__)


@dataclass
class SweepReport:
    """What one pass re-drove, each as uid/key (jobs: uid/jobId); `errors` says what failed and why."""

    mails_retried: list[str] = field(default_factory=list)
    mails_sent: list[str] = field(default_factory=list)
    jobs_retried: list[str] = field(default_factory=list)
    mails_settled: list[str] = field(default_factory=list)
    holds_released: list[str] = field(default_factory=list)
    scratch_removed: list[str] = field(default_factory=list)
    jobs_purged: list[str] = field(default_factory=list)
    files_expired: list[str] = field(default_factory=list)
    drafts_removed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, list[str]]:
        return asdict(self)

    def did_something(self) -> bool:
        return any(self.to_dict().values())


PENDING_GRACE_SECONDS = 300


def _mail_due(node: dict, now: datetime, max_attempts: int) -> bool:
    """failed (temporary), sending past its lease (even on the last attempt: the mail job then gives up and releases
    the hold), or pending so long that its trigger must have been dropped."""
    if not isinstance(node, dict):
        return False
    status = node.get("status")
    if status == "sending":
        lease = parse_iso(node.get("lease_until"))
        return lease is None or lease <= now
    if int(node.get("attempts", 0)) >= max_attempts:
        return False
    if status == "failed":
        return not node.get("permanent")
    if status == "pending":
        created = parse_iso(node.get("createdAt"))
        return created is not None and (now - created).total_seconds() > PENDING_GRACE_SECONDS
    return False


def job_due(job: Any, now: datetime) -> bool:
    """rendering past its lease (the instance died), or queued so long that its upload event must have been dropped
    (the web API writes the queued node before the upload; the Storage trigger has no retries)."""
    if not isinstance(job, dict):
        return False
    if job.get("status") == "rendering":
        lease = parse_iso(job.get("lease_until"))
        return lease is None or lease <= now
    if job.get("status") == "queued":
        since = parse_iso(job.get("updated_at") or job.get("created_at"))
        return since is None or (now - since).total_seconds() > PENDING_GRACE_SECONDS
    return False


def upload_of(services: Services, uid: str, job_id: str, job: dict) -> UploadRef:
    """The CSV that starts the job: its recorded source, else the CSV in its upload folder (web jobs record
    source "web" until claimed), else the web API's name."""
    ref = parse_upload(str(job.get("source") or ""))
    if ref is not None and (ref.uid, ref.job_id) == (uid, job_id):
        return ref
    for info in services.blobs.list(f"uploads/{uid}/{job_id}/"):
        found = parse_upload(info.path)
        if found is not None:
            return found
    return UploadRef(uid, job_id, "attendees.csv")


def _leftover_hold(job: Any, mail: Any, max_attempts: int) -> bool:
    """A hold its job can no longer spend: the job failed or is gone, or its mail failed for good uncharged."""
    if not isinstance(job, dict) or job.get("status") == "failed":
        return True
    if job.get("status") != "done" or not isinstance(mail, dict) or mail.get("charged"):
        return False
    final = mail.get("permanent") or int(mail.get("attempts", 0)) >= max_attempts
    return mail.get("status") == "failed" and bool(final)


def _release_if_leftover(services: Services, report: SweepReport, uid: str, job_id: str) -> None:
    max_attempts = services.settings.max_attempts
    job = services.db.get(job_paths.job_node(uid, job_id))  # again, now: a re-drive may have started
    _, mail = open_work.mail_of_job(services, uid, job_id, job)
    if _leftover_hold(job, mail, max_attempts):
        usage.release_job(services, uid, job_id)
        report.holds_released.append(f"{uid}/{job_id}")


def _isolated(report: SweepReport, what: str, step: Callable[[], None]) -> None:
    """Run one item's re-drive; a failure is reported (without a traceback for a full database) and the pass goes on."""
    try:
        step()
    except DatabaseFull as err:
        log.error("sweep: %s failed: %s", what, err)
        report.errors.append(f"{what}: {err}")
    except Exception as err:
        log.exception("sweep: %s failed", what)
        report.errors.append(f"{what}: {err}")


def _look_at(
    services: Services,
    report: SweepReport,
    renderer: BadgeRenderer | None,
    uid: str,
    job_id: str,
    entry: dict[str, Any],
    now: datetime,
) -> None:
    """One due open-work entry: settle, resend, re-render or release what is due, then say when to look again."""
    max_attempts = services.settings.max_attempts
    job = services.db.get(job_paths.job_node(uid, job_id))
    key, mail = open_work.mail_of_job(services, uid, job_id, job)
    if isinstance(mail, dict) and mail.get("status") == "sent" and not mail.get("charged"):
        report.mails_settled.append(f"{uid}/{key}")  # sent, but the charge after it did not happen
        mail_job.settle_sent(services, uid, str(key), job_id)
    elif key and _mail_due(mail, now, max_attempts):
        report.mails_retried.append(f"{uid}/{key}")
        if mail_job.send_badge_mail(services, uid, str(key)).status == "sent":
            report.mails_sent.append(f"{uid}/{key}")
    elif job_due(job, now):
        report.jobs_retried.append(f"{uid}/{job_id}")
        render_job.handle_upload(services, upload_of(services, uid, job_id, job).csv_path, renderer=renderer)
    elif services.db.get(f"{job_paths.user_node(uid)}/holds/{job_id}") is not None and not (
        isinstance(job, dict) and job.get("status") in ("queued", "rendering")
    ):
        _release_if_leftover(services, report, uid, job_id)
    job = services.db.get(job_paths.job_node(uid, job_id))
    _, mail = open_work.mail_of_job(services, uid, job_id, job)
    held = services.db.get(f"{job_paths.user_node(uid)}/holds/{job_id}") is not None
    later = open_work.next_look(job, mail, held, now, max_attempts)
    if later is None:
        open_work.close_if_unchanged(services, uid, job_id, entry)
    else:  # a service that re-marked it meanwhile knows better: keep its hint
        services.db.transaction(
            open_work.entry_path(uid, job_id),
            lambda current: {**entry, "due_at": iso(later)} if current == entry else current,
        )


def run_sweep(services: Services, renderer: BadgeRenderer | None = None) -> SweepReport:
    report = SweepReport()
    now = services.clock.now()
    # First, so that what the dead renders left is reported here (each re-driven render would clean it silently).
    _isolated(report, "scratch folders", lambda: report.scratch_removed.extend(render_scratch.remove_dead(services)))
    _isolated(report, "drafts", lambda: report.drafts_removed.extend(drafts.remove_expired(services, now)))
    for entry in open_work.due_entries(services, now):
        uid, job_id = str(entry["uid"]), str(entry["job"])

        def look(uid: str = uid, job_id: str = job_id, entry: dict[str, Any] = entry) -> None:
            _look_at(services, report, renderer, uid, job_id, entry, now)

        _isolated(report, f"job {uid}/{job_id}", look)
    _isolated(
        report, "uploads", lambda: report.jobs_retried.extend(upload_reconcile.reconcile_uploads(services, renderer))
    )
    _isolated(report, "deleted jobs", lambda: report.jobs_purged.extend(trash.purge_due(services, now)))
    _isolated(report, "retention", lambda: report.files_expired.extend(retention.expire_local(services)))
    return report
