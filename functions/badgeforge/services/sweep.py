"""Re-drive what the platform will not retry (Storage and RTDB triggers run with retries off): mails that failed
temporarily, were left 'sending' past their lease or 'pending' with no event, mails sent but not charged, jobs left
'rendering' past their lease and jobs left 'queued' whose upload event never came. Each goes through the same
idempotent service as the first delivery, so a sweep racing a late event still sends and charges once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from badgeforge.services import mail_job, render_job, upload_reconcile
from badgeforge.services.job_paths import UploadRef, parse_upload
from badgeforge.services.keys import as_map, parse_iso
from badgeforge.services.renderer import BadgeRenderer

if TYPE_CHECKING:
    from badgeforge.config import Services


@dataclass
class SweepReport:
    mails_retried: list[str] = field(default_factory=list)
    mails_sent: list[str] = field(default_factory=list)
    jobs_retried: list[str] = field(default_factory=list)
    mails_settled: list[str] = field(default_factory=list)


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


def _job_due(job: dict, now: datetime) -> bool:
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


def _upload_of(services: Services, uid: str, job_id: str, job: dict) -> UploadRef:
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


def run_sweep(services: Services, renderer: BadgeRenderer | None = None) -> SweepReport:
    report = SweepReport()
    now = services.clock.now()
    max_attempts = services.settings.max_attempts
    for uid, nodes in as_map(services.db.get("badgeMails")).items():
        for key, node in as_map(nodes).items():
            if isinstance(node, dict) and node.get("status") == "sent" and not node.get("charged"):
                report.mails_settled.append(f"{uid}/{key}")  # sent, but the charge after it did not happen
                mail_job.settle_sent(services, uid, key, str(node.get("badgeId", "")))
            elif _mail_due(node, now, max_attempts):
                report.mails_retried.append(f"{uid}/{key}")
                if mail_job.send_badge_mail(services, uid, key).status == "sent":
                    report.mails_sent.append(f"{uid}/{key}")
    for uid, jobs in as_map(services.db.get("jobs")).items():
        for job_id, job in as_map(jobs).items():
            if not _job_due(job, now):
                continue
            report.jobs_retried.append(f"{uid}/{job_id}")
            render_job.handle_upload(services, _upload_of(services, uid, job_id, job).csv_path, renderer=renderer)
    report.jobs_retried += upload_reconcile.reconcile_uploads(services, renderer)  # uploads whose event was dropped
    return report
