"""The API's only window onto the pipeline services: usage, links, adjustments and re-drives.

Keeping these calls in one module means the routes speak HTTP and this file speaks to badgeforge.services; when a
service signature moves, only this file follows it.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

from badgeforge.services.keys import as_map

from .auth import Principal
from .errors import ApiError


def now(services: Any) -> datetime:
    clock = getattr(services, "clock", None)
    return clock.now() if clock is not None else datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def default_usage(services: Any) -> int:
    settings = getattr(services, "settings", None)
    return int(getattr(settings, "default_allowed_usage", 10))


def usage_of(services: Any, uid: str) -> dict[str, int]:
    """allowed_usage as stored, what running jobs hold, what is left to start new jobs, and what was used."""
    node = services.db.get(f"users/{uid}") or {}
    allowed = int(node.get("allowed_usage", default_usage(services))) if node else default_usage(services)
    held = len(as_map(node.get("holds")))
    from badgeforge.services import usage

    used = usage.used(node)
    return {"allowed_usage": allowed, "held": held, "usage_left": max(allowed - held, 0), "used": used}


def job_link(services: Any, uid: str, job_id: str, job: dict[str, Any]) -> str | None:
    """A fresh download link for a finished job, in the configured link mode, or None if not ready.

    Handing the PDF out is delivery, so it settles the job's use exactly as the mail does (once per job, whichever
    comes first). Why: a job whose mail failed for good stays 'done'; without this its badges were free. Raises
    ApiError 402 when the job holds no use it may spend (its hold was released and none is left).
    """
    if job.get("status") != "done" or not job.get("output"):
        return None
    from badgeforge.services import links, usage

    try:
        usage.confirm_and_settle_job(services, uid, job_id, reason="badges downloaded from the web page")
    except usage.NoUsageLeft as err:
        raise ApiError(402, "no_usage_left", str(err)) from err

    name = job.get("download_name") or links.download_name(str(job.get("event_name") or ""))
    return links.badge_link(services, uid, job_id, str(job["output"]), name)


def adjust_usage(services: Any, actor: Principal, data: dict[str, Any]) -> dict[str, Any]:
    """The adjust_usage callable's body, done by the same service the Firebase callable uses.

    Raises badgeforge.services.usage.UsageError (with a callable `code`) for refusals.
    """
    from badgeforge.services import usage

    change = usage.adjust_usage(
        services,
        actor.admin,
        actor.email or actor.uid,
        uid=data.get("uid") or None,
        email=data.get("email") or None,
        delta=data.get("delta"),
        set_to=data.get("set"),
        reason=str(data.get("reason") or ""),
    )
    return {"uid": change.uid, "before": change.before, "after": change.after, "allowed_usage": change.after}


def resolve_download(services: Any, token: str) -> dict[str, Any]:
    """{"url"} for a valid /d/<token>; else ApiError 410 whose code says expired|revoked|invalid (+ job_id if known)."""
    from badgeforge.services import links

    try:
        target = links.resolve_download_token(services, token)
    except links.LinkError as err:
        code = {links.LinkExpired: "expired", links.LinkRevoked: "revoked"}.get(type(err), "invalid")
        api_error = ApiError(410, code, str(err))
        job_id = _unverified_job_id(token)
        if job_id and code != "invalid":
            api_error.body["job_id"] = job_id
        raise api_error from err
    return {"url": links.fresh_download_url(services, target), "job_id": target.job_id}


def _unverified_job_id(token: str) -> str | None:
    """The job a (signature-checked but expired or revoked) token named, so its owner can ask for a new link.

    Safe to read without trusting it: a new link is only ever given to the signed-in owner of that job.
    """
    try:
        payload = token.split(".")[0]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return str(data["j"])
    except (ValueError, KeyError, TypeError):
        return None


def is_stuck(services: Any, job: dict[str, Any]) -> bool:
    """Queued or rendering, but so long that the sweep would re-drive it (its server stopped, its event was lost)."""
    from badgeforge.services.sweep import job_due

    return job_due(job, now(services))


def redrive(services: Any, submitter: Any, uid: str, job_id: str | None, mail_key: str | None) -> dict[str, Any]:
    """An admin's second chance for a failed job or mail, through the same idempotent services as the sweep.

    Attempts are reset (the admin decided to try again); a job (failed, or stuck: rendering past its lease) is reset
    to queued and its upload event delivered again, so the render job claims, reserves usage and renders exactly as
    on first delivery; the answer says what that will charge.
    """
    if mail_key:
        return {"redriven": "mail", "status": _redrive_mail(services, uid, mail_key)}
    if job_id:
        return _redrive_job(services, submitter, uid, job_id)
    raise ApiError(400, "missing_field", "Say which job (jobId) or mail (mailKey) to re-drive.", field="jobId")


def _reset(services: Any, path: str, failed_field: str, changes: dict[str, Any]) -> None:
    state: dict[str, Any] = {}

    def body(node):
        state["status"] = (node or {}).get(failed_field)
        if not node or node.get(failed_field) != "failed":
            return node
        return {**node, **changes}

    services.db.transaction(path, body)
    if state.get("status") is None:
        raise ApiError(404, "not_found", "Nothing to re-drive there.")
    if state["status"] != "failed":
        raise ApiError(409, "not_failed", f"This is {state['status']}, not failed: nothing to re-drive.")


def _redrive_mail(services: Any, uid: str, key: str) -> str:
    from badgeforge.services import mail_job

    _reset(services, f"badgeMails/{uid}/{key}", "status", {"attempts": 0, "permanent": None})
    return mail_job.send_badge_mail(services, uid, key).status


def _redrive_job(services: Any, submitter: Any, uid: str, job_id: str) -> dict[str, Any]:
    """A failed job, or a stuck one (rendering past its lease, or queued with no upload event: what the sweep would
    re-drive), is reset to queued with its attempts at zero and its upload delivered again. The answer says what
    the re-drive will charge (stuck_jobs.redrive_charge)."""
    from badgeforge.services import stuck_jobs, sweep

    job = services.db.get(f"jobs/{uid}/{job_id}") or {}
    source = sweep.upload_of(services, uid, job_id, job).csv_path  # web jobs say "web" until their first claim
    if services.blobs.info(source) is None:
        raise ApiError(409, "upload_gone", "The job's uploaded CSV is gone, so it cannot be run again.")
    moment = now(services)
    state: dict[str, Any] = {}

    def body(node):
        state["status"] = (node or {}).get("status")
        state["lease_until"] = (node or {}).get("lease_until")
        state["reset"] = bool(node) and (node.get("status") == "failed" or sweep.job_due(node, moment))
        if not state["reset"]:
            return node
        return {
            **node,
            "status": "queued",
            "attempts": 0,
            "error": None,
            "lease_until": None,
            "updated_at": iso(moment),
        }

    services.db.transaction(f"jobs/{uid}/{job_id}", body)
    if state.get("status") is None:
        raise ApiError(404, "not_found", "Nothing to re-drive there.")
    if not state["reset"]:
        until = f" (its lease runs until {state['lease_until']})" if state.get("lease_until") else ""
        raise ApiError(
            409, "not_failed", f"This job is {state['status']}{until}, not failed or stuck: nothing to re-drive."
        )
    charge = stuck_jobs.redrive_charge(services.db.get(f"users/{uid}"), job_id, default_usage(services))
    submitter.redeliver(source)
    return {"redriven": "job", "status": "queued", "charge": charge}
