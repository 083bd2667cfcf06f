"""The API's only window onto the pipeline services: usage, links, adjustments and re-drives.

Keeping these calls in one module means the routes speak HTTP and this file speaks to badgeforge.services; when a
service signature moves, only this file follows it.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

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
    held = len(node.get("holds") or {})
    used = len(node.get("charged") or {})
    return {"allowed_usage": allowed, "held": held, "usage_left": max(allowed - held, 0), "used": used}


def job_link(services: Any, uid: str, job_id: str, job: dict[str, Any]) -> str | None:
    """A fresh download link for a finished job, in the configured link mode, or None if not ready."""
    if job.get("status") != "done" or not job.get("output"):
        return None
    from badgeforge.services import links

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


def redrive(services: Any, uid: str, job_id: str | None, mail_key: str | None) -> dict[str, Any]:
    """Run a failed job or mail again through the same idempotent services the scheduled sweep uses."""
    from badgeforge.services import sweep

    if mail_key:
        return {"redriven": "mail", "result": sweep.redrive_mail(services, uid, mail_key)}
    if job_id:
        return {"redriven": "job", "result": sweep.redrive_job(services, uid, job_id)}
    raise ApiError(400, "missing_field", "Say which job (jobId) or mail (mailKey) to re-drive.", field="jobId")
