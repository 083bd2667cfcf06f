"""Stuck jobs for the admin console: what the sweep would re-drive (renders past their lease, queued jobs whose
upload event never came), and what a re-drive of a job will charge, so an admin knows before pressing the button.

Why say the charge: a re-drive is not free for the organizer. A job that still holds a use keeps it; one that does
not takes a new hold (and fails if none is left); either way one use is charged only when the badges are delivered.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from badgeforge.services import open_work
from badgeforge.services.keys import as_map, parse_iso
from badgeforge.services.sweep import job_due
from badgeforge.services.usage import available, with_defaults

if TYPE_CHECKING:
    from badgeforge.config import Services

MAX_LISTED = 200


def redrive_charge(user: Any, job_id: str, default_usage: int) -> dict[str, Any]:
    """{uses, hold, usage_left, summary}: uses = what is charged on delivery; hold = kept | new | none_left | none."""
    user = with_defaults(user if isinstance(user, dict) else None, {"allowed_usage": default_usage})
    left = max(available(user), 0)
    if job_id in as_map(user.get("charged")):
        return {"uses": 0, "hold": "none", "usage_left": left, "summary": "Already charged: a re-drive costs nothing."}
    if job_id in as_map(user.get("holds")):
        return {
            "uses": 1,
            "hold": "kept",
            "usage_left": left,
            "summary": "Keeps the use it already holds; 1 use is charged when the badges are mailed, none if it fails.",
        }
    if left <= 0:
        return {
            "uses": 0,
            "hold": "none_left",
            "usage_left": 0,
            "summary": "No uses left: it will fail (no_usage_left) unless you add usage first.",
        }
    return {
        "uses": 1,
        "hold": "new",
        "usage_left": left,
        "summary": f"Holds 1 of the {left} uses left while it renders; 1 use is charged when the badges are mailed, "
        "none if it fails.",
    }


def _why(job: dict[str, Any]) -> tuple[str, str | None]:
    if job.get("status") == "rendering":
        return "Rendering past its lease: the server rendering it stopped.", job.get("lease_until")
    return "Queued, but its upload never started rendering.", job.get("updated_at") or job.get("created_at")


def list_stuck(services: Services, now: datetime | None = None) -> list[dict[str, Any]]:
    """Stuck jobs, longest stuck first (at most MAX_LISTED), each with its re-drive charge."""
    now = now or services.clock.now()
    default_usage = services.settings.default_allowed_usage
    rows = []
    # Only what the open-work index says is due (the sweep's own read): the console costs what is stuck.
    for entry in open_work.due_entries(services, now):
        uid, job_id = str(entry["uid"]), str(entry["job"])
        job = services.db.get(f"jobs/{uid}/{job_id}")
        if not job_due(job, now):
            continue
        reason, since = _why(job)
        moment = parse_iso(since)
        user = services.db.get(f"users/{uid}")
        rows.append(
            {
                "uid": uid,
                "email": (user or {}).get("email", "") if isinstance(user, dict) else "",
                "id": job_id,
                "status": job.get("status"),
                "reason": reason,
                "stuck_since": since,
                "stuck_seconds": int((now - moment).total_seconds()) if moment else None,
                "attempts": job.get("attempts", 0),
                "progress": job.get("progress", 0),
                "filename": job.get("filename"),
                "redrive": redrive_charge(user, job_id, default_usage),
            }
        )
    rows.sort(key=lambda row: row["stuck_since"] or "")
    return rows[:MAX_LISTED]


# Failures a second try can cure (the server, the quota or the account, not the file). Every other code names
# something wrong in the upload (CSV, options, images, design): running it again fails the same way.
REDRIVABLE_CODES = frozenset(
    {"internal", "database_full", "storage_full", "no_usage_left", "rate_limited", "gave_up", "email_not_verified"}
)
FIX_THE_FILE = "Fix the file and upload it again: a re-drive would fail the same way."


def failed_job_redrive(user: Any, job_id: str, error: Any, default_usage: int) -> dict[str, Any]:
    """{possible, summary}: what a re-drive of a failed job charges, or (bad input) that only a new upload helps."""
    code = error.get("code") if isinstance(error, dict) else None
    if code not in REDRIVABLE_CODES:
        return {"possible": False, "summary": FIX_THE_FILE}
    return {"possible": True, **redrive_charge(user, job_id, default_usage)}


def failed_mail_redrive(user: Any, job_id: str, error: Any) -> dict[str, Any]:
    """{possible, summary} for a failed mail: sending charges one use unless the job was charged already."""
    if "deleted before they could be mailed" in str(error or ""):
        return {"possible": False, "summary": "The badges were deleted: the organizer must upload the file again."}
    if isinstance(user, dict) and job_id in as_map(user.get("charged")):
        return {"possible": True, "uses": 0, "summary": "Already charged: a re-drive costs nothing."}
    return {"possible": True, "uses": 1, "summary": "Sends the mail again; 1 use is charged when it is sent."}
