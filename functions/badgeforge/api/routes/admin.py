"""The admin console's reads (users, usage log, failures) and re-drive; every route requires the admin flag."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from badgeforge.services import user_pages
from badgeforge.services.keys import as_map

from .. import pipeline
from ..context import api, current_admin
from ..errors import ApiError

bp = Blueprint("admin", __name__)


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise ApiError(400, "invalid_field", f"{name} must be a whole number.", field=name)
    return int(raw)


@bp.get("/api/admin/users")
def users():
    """One page of accounts (email order), searched by email prefix or exact uid; `next`/`prev` are the cursors
    to pass back as `after`/`before`."""
    current_admin()
    services = api().services
    page = user_pages.page_of_users(
        services,
        query=request.args.get("q", ""),
        after=request.args.get("after", "").strip().lower(),
        before=request.args.get("before", "").strip().lower(),
        limit=_int_arg("limit", user_pages.PAGE_SIZE),
    )
    rows = [
        {
            "uid": uid,
            "email": str(node.get("email", "")),
            "display_name": str(node.get("display_name", "")),
            "admin": bool(node.get("admin")),
            **pipeline.usage_of(services, uid),
            "last_job": user_pages.last_job(services, uid),
        }
        for uid, node in page.users
    ]
    return jsonify({"users": rows, "next": page.after, "prev": page.before})


@bp.get("/api/admin/usage-log")
def usage_log():
    current_admin()
    uid = request.args.get("uid", "").strip()
    if not uid:
        raise ApiError(400, "missing_field", "Say whose usage log to show (uid).", field="uid")
    entries = api().services.db.get(f"usage_log/{uid}") or {}
    rows = [{"id": key, **entry} for key, entry in sorted(entries.items(), reverse=True) if isinstance(entry, dict)]
    return jsonify({"uid": uid, "entries": rows})


@bp.get("/api/admin/failed")
def failed():
    current_admin()
    db = api().services.db
    jobs = []
    for uid, user_jobs in as_map(db.get("jobs")).items():
        for job_id, job in as_map(user_jobs).items():
            if isinstance(job, dict) and job.get("status") == "failed" and not job.get("deleted_at"):
                jobs.append(
                    {
                        "uid": uid,
                        "id": job_id,
                        "error": job.get("error"),
                        "attempts": job.get("attempts", 0),
                        "updated_at": job.get("updated_at"),
                    }
                )
    mails = []
    for uid, nodes in as_map(db.get("badgeMails")).items():
        for key, node in as_map(nodes).items():
            if isinstance(node, dict) and node.get("status") == "failed":
                mails.append(
                    {
                        "uid": uid,
                        "key": key,
                        "jobId": node.get("badgeId"),
                        "error": node.get("error"),
                        "attempts": node.get("attempts", 0),
                    }
                )
    jobs.sort(key=lambda j: j.get("updated_at") or "", reverse=True)
    emails: dict[str, str] = {}
    for row in [*jobs, *mails]:  # the console shows who, by email, never a bare uid
        if row["uid"] not in emails:
            emails[row["uid"]] = str(db.get(f"users/{row['uid']}/email") or "")
        row["email"] = emails[row["uid"]]
    return jsonify({"jobs": jobs, "mails": mails})


@bp.post("/api/admin/redrive")
def redrive():
    current_admin()
    body = request.get_json(silent=True) or {}
    uid = str(body.get("uid", "")).strip()
    if not uid:
        raise ApiError(400, "missing_field", "Say whose job or mail to re-drive (uid).", field="uid")
    job_id = body.get("jobId")
    mail_key = body.get("mailKey")
    ctx = api()
    result = pipeline.redrive(
        ctx.services, ctx.submitter, uid, str(job_id) if job_id else None, str(mail_key) if mail_key else None
    )
    return jsonify(result)
