"""The admin console's reads (users, usage log, failures) and re-drive; every route requires the admin flag."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from badgeforge.services.keys import as_map

from .. import pipeline
from ..context import api, current_admin
from ..errors import ApiError
from ..inputs import request_key

bp = Blueprint("admin", __name__)

MAX_USERS = 200


def _last_job(jobs: dict[str, Any] | None) -> dict[str, Any] | None:
    best = None
    for job_id, job in as_map(jobs).items():
        if isinstance(job, dict) and (best is None or (job.get("created_at") or "") > (best.get("created_at") or "")):
            best = {"id": job_id, "status": job.get("status"), "created_at": job.get("created_at")}
    return best


def _all_users(services: Any) -> list[tuple[str, dict[str, Any]]]:
    """Accounts from the database, plus directory accounts that have no database node yet (never ran a job)."""
    nodes = {uid: dict(node) for uid, node in as_map(services.db.get("users")).items() if isinstance(node, dict)}
    list_all = getattr(services.users, "all", None)
    for record in list_all() if list_all else []:
        node = nodes.setdefault(record.uid, {"email": record.email, "display_name": record.display_name})
        node["admin"] = bool(record.admin)
    return sorted(nodes.items(), key=lambda item: str(item[1].get("email", "")))


@bp.get("/api/admin/users")
def users():
    current_admin()
    services = api().services
    query = request.args.get("q", "").strip().lower()
    rows = []
    for uid, node in _all_users(services):
        email = str(node.get("email", ""))
        name = str(node.get("display_name", ""))
        if query and not any(query in text.lower() for text in (email, uid, name)):
            continue
        rows.append(
            {
                "uid": uid,
                "email": email,
                "display_name": name,
                "admin": bool(node.get("admin")),
                **pipeline.usage_of(services, uid),
                "last_job": _last_job(services.db.get(f"jobs/{uid}")),
            }
        )
        if len(rows) >= MAX_USERS:
            break
    return jsonify({"users": rows})


@bp.get("/api/admin/usage-log")
def usage_log():
    current_admin()
    if not request.args.get("uid", "").strip():
        raise ApiError(400, "missing_field", "Say whose usage log to show (uid).", field="uid")
    uid = request_key(request.args["uid"], "uid")
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
            if isinstance(job, dict) and job.get("status") == "failed":
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
    return jsonify({"jobs": jobs, "mails": mails})


@bp.post("/api/admin/redrive")
def redrive():
    current_admin()
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    if not str(body.get("uid") or "").strip():
        raise ApiError(400, "missing_field", "Say whose job or mail to re-drive (uid).", field="uid")
    uid = request_key(body["uid"], "uid")
    job_id = request_key(body.get("jobId"), "jobId", required=False)
    mail_key = request_key(body.get("mailKey"), "mailKey", required=False)
    ctx = api()
    result = pipeline.redrive(ctx.services, ctx.submitter, str(uid), job_id, mail_key)
    return jsonify(result)
