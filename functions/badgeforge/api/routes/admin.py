"""The admin console's reads (users, usage log, failures) and re-drive; every route requires the admin flag."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from badgeforge.services import failures, user_pages
from badgeforge.services.stuck_jobs import failed_job_redrive, failed_mail_redrive

from .. import pipeline
from ..context import api, current_admin
from ..errors import ApiError
from ..inputs import request_key
from ..web_wording import readable

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
    if not request.args.get("uid", "").strip():
        raise ApiError(400, "missing_field", "Say whose usage log to show (uid).", field="uid")
    uid = request_key(request.args["uid"], "uid")
    entries = api().services.db.get(f"usage_log/{uid}") or {}
    rows = [{"id": key, **entry} for key, entry in sorted(entries.items(), reverse=True) if isinstance(entry, dict)]
    return jsonify({"uid": uid, "entries": rows})


@bp.get("/api/admin/failed")
def failed():
    """The latest failed jobs and mails (failures index, newest first), each with the account's email."""
    current_admin()
    services = api().services
    default_usage = services.settings.default_allowed_usage
    accounts: dict[str, Any] = {}

    def account(uid: str) -> Any:  # one read per account shown, never the whole users tree
        if uid not in accounts:
            accounts[uid] = services.db.get(f"users/{uid}")
        return accounts[uid]

    jobs, mails = [], []
    for kind, uid, item_id, node in failures.recent(services):
        if kind == "job":
            jobs.append(
                {
                    "uid": uid,
                    "id": item_id,
                    "error": node.get("error"),
                    "attempts": node.get("attempts", 0),
                    "updated_at": node.get("updated_at"),
                    "redrive": failed_job_redrive(account(uid), item_id, node.get("error"), default_usage),
                }
            )
        else:
            mails.append(
                {
                    "uid": uid,
                    "key": item_id,
                    "jobId": node.get("badgeId"),
                    "error": node.get("error"),
                    "attempts": node.get("attempts", 0),
                    "redrive": failed_mail_redrive(account(uid), str(node.get("badgeId")), node.get("error")),
                }
            )
    for row in [*jobs, *mails]:  # the console shows who, by email, never a bare uid
        node = account(row["uid"])
        row["email"] = str(node.get("email") or "") if isinstance(node, dict) else ""
    return jsonify(readable({"jobs": jobs, "mails": mails}))


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
    return jsonify(readable(result))
