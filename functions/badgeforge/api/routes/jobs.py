"""An organizer's jobs: start one from an upload, follow it, list, delete, and get a fresh download link."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from badgeforge.ports import BlobNotFound, BlobTooLarge
from badgeforge.services import job_paths, open_work, trash
from badgeforge.services.keys import is_safe_key

from .. import pipeline
from ..context import api, current_user
from ..errors import ApiError
from ..limits import take_job_slot
from ..mail import send_fresh_link, take_mail_slot
from ..submit import CSV_NAME
from ..uploads import read_table, read_upload, render_options
from ..warnings_csv import warnings_csv
from ..web_wording import web_message

bp = Blueprint("jobs", __name__)

PUBLIC_FIELDS = (
    "status",
    "progress",
    "badges",
    "pages",
    "warnings",
    "error",
    "created_at",
    "updated_at",
    "filename",
    "event_name",
    "design",
)


def job_view(services: Any, uid: str, job_id: str, job: dict[str, Any], *, with_link: bool) -> dict[str, Any]:
    view = {"id": job_id, **{key: job[key] for key in PUBLIC_FIELDS if key in job}}
    view.setdefault("progress", 0)
    if isinstance(view.get("warnings"), dict):  # RTDB turns lists into dicts when keys are numeric
        view["warnings"] = list(view["warnings"].values())
    if isinstance(view.get("warnings"), list):
        view["warnings"] = [web_message(w) if isinstance(w, dict) else w for w in view["warnings"]]
    if isinstance(view.get("error"), dict):
        view["error"] = web_message(view["error"])
    if with_link and job.get("status") == "done":
        try:
            view["link"] = pipeline.job_link(services, uid, job_id, job)
        except ApiError as err:  # the status itself is still worth showing; the page explains the missing link
            view["link_error"] = web_message(err.body)
    return view


def _own_job(job_id: str, *, deleted: bool = False) -> tuple[str, dict[str, Any]]:
    """The caller's job; a soft-deleted one only when `deleted` (restore), else it is hidden (404)."""
    user = current_user()
    job = api().services.db.get(f"jobs/{user.uid}/{job_id}") if _safe_key(job_id) else None
    if not isinstance(job, dict) or trash.is_deleted(job) != deleted:
        raise ApiError(404, "not_found", "No deleted job by that id." if deleted else "No such job.")
    return user.uid, job


def _safe_key(key: str) -> bool:
    """A job id as the database can hold it (no . # $ [ ] /, controls or NUL); anything else is no job of ours."""
    return is_safe_key(key) and len(key) <= 128


@bp.post("/api/jobs")
def create_job():
    user = current_user()
    ctx = api()
    services = ctx.services
    moment = pipeline.now(services)
    job_id = services.db.push_key()
    take_job_slot(services.db, user.uid, job_id, moment, ctx.job_rate)  # first: refusals cost no parsing
    upload = read_upload()
    table = read_table(upload)  # refuse a CSV the renderer cannot use now: clear error, nothing consumed
    render_options(upload)
    if pipeline.usage_of(services, user.uid)["usage_left"] <= 0:
        raise ApiError(402, "no_usage_left", "You have no badge generations left; ask an administrator for more.")
    stamp = pipeline.iso(moment)
    open_work.mark(services, user.uid, job_id, moment + open_work.PENDING_GRACE)  # if its upload event never comes
    services.db.set(
        f"jobs/{user.uid}/{job_id}",
        {
            "status": "queued",
            "progress": 0,
            "created_at": stamp,
            "updated_at": stamp,
            "filename": upload.filename[:200],
            "event_name": str(upload.options.get("event_name", ""))[:200],
            "design": str(upload.options.get("design", "")),
            "source": "web",
            "admitted": True,  # rate and content checked here; the render job checks direct uploads itself
        },
    )
    files = {**upload.files(), CSV_NAME: upload.csv}
    ctx.submitter.submit(user.uid, job_id, files, {"source": "web", "email": user.email})
    return jsonify({"id": job_id, "status": "queued", "attendees": len(table.attendees)}), 202


@bp.get("/api/jobs")
def list_jobs():
    """The caller's jobs, newest first, a page at a time (?limit=, at most 200; ?before= the previous `before`)."""
    from badgeforge.services import job_pages

    user = current_user()
    services = api().services
    try:
        limit = int(request.args.get("limit", job_pages.PAGE_SIZE))
    except ValueError as err:
        raise ApiError(400, "bad_request", "limit must be a whole number.", column="limit") from err
    before = request.args.get("before", "")[:300]
    page = job_pages.page_of_jobs(services, user.uid, before=before, limit=limit)
    views = [job_view(services, user.uid, key, job, with_link=False) for key, job in page.jobs]
    return jsonify({"jobs": views, "before": page.before})


@bp.get("/api/jobs/<job_id>")
def get_job(job_id: str):
    uid, job = _own_job(job_id)
    return jsonify(job_view(api().services, uid, job_id, job, with_link=True))


@bp.delete("/api/jobs/<job_id>")
def delete_job(job_id: str):
    uid, _ = _own_job(job_id)
    services = api().services
    try:
        # Hidden now (its links stop working), restorable for 30 days, then purged with its files by the sweep; the
        # running check and the hiding are one transaction: a re-drive may start it meanwhile.
        deleted = trash.soft_delete(services, uid, job_id, refuse_running=True)
    except trash.StillRunning as running:
        if pipeline.is_stuck(services, running.job):
            raise ApiError(
                409,
                "job_stuck",
                "This job stopped before it finished; it is retried automatically within minutes (an administrator "
                "can re-drive it now). Delete it once it has finished or failed.",
            ) from running
        raise ApiError(409, "job_running", "This job is still running; delete it when it has finished.") from running
    return jsonify({"id": job_id, "deleted": True, "restorable_until": deleted.purge_at})


@bp.post("/api/jobs/<job_id>/restore")
def restore_job(job_id: str):
    """Undo a delete within its 30 days."""
    uid, _ = _own_job(job_id, deleted=True)
    job = trash.restore(api().services, uid, job_id)
    return jsonify(job_view(api().services, uid, job_id, job, with_link=False))


@bp.post("/api/jobs/<job_id>/link")
def fresh_link(job_id: str):
    uid, job = _own_job(job_id)
    if job.get("status") != "done":
        raise ApiError(409, "not_ready", "The badges are not ready yet.")
    services = api().services
    body = request.get_json(silent=True) or {}
    if body.get("email"):
        take_mail_slot(services, uid, job_id, pipeline.now(services))
    link = pipeline.job_link(services, uid, job_id, job)
    emailed = False
    if body.get("email"):
        send_fresh_link(services, current_user().email, link, job)
        emailed = True
    return jsonify({"id": job_id, "link": link, "emailed": emailed})


WARNINGS_PAGE_MAX = 500
WARNINGS_FILE_MAX_BYTES = 50_000_000


def _job_warnings(uid: str, job_id: str, job: dict[str, Any]) -> list[dict[str, Any]]:
    """All of a job's warnings as stored: the file the render job wrote beside the PDF, else (older jobs) the node's
    list. The answer puts what it shows through web_message (a page of 100 reads in German, not all 50,000)."""
    import json

    try:
        data = api().services.blobs.read_bytes(job_paths.warnings_path(uid, job_id), max_bytes=WARNINGS_FILE_MAX_BYTES)
        stored = json.loads(data)
        if isinstance(stored, list):
            return [w for w in stored if isinstance(w, dict)]
    except (BlobNotFound, BlobTooLarge, ValueError):
        pass
    listed = job.get("warnings") or []
    return [w for w in (listed.values() if isinstance(listed, dict) else listed) if isinstance(w, dict)]


@bp.get("/api/jobs/<job_id>/warnings")
def job_warnings(job_id: str):
    uid, job = _own_job(job_id)
    warnings = _job_warnings(uid, job_id, job)
    try:
        offset = max(0, int(request.args.get("offset", 0)))
        limit = min(WARNINGS_PAGE_MAX, max(1, int(request.args.get("limit", 100))))
    except ValueError as err:
        raise ApiError(400, "bad_request", "offset and limit must be whole numbers.") from err
    return jsonify(
        {
            "id": job_id,
            "total": len(warnings),
            "offset": offset,
            "warnings": [web_message(w) for w in warnings[offset : offset + limit]],
        }
    )


@bp.get("/api/jobs/<job_id>/warnings.csv")
def job_warnings_csv(job_id: str):
    uid, job = _own_job(job_id)
    return Response(
        warnings_csv([web_message(w) for w in _job_warnings(uid, job_id, job)]),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="badge-warnings.csv"'},
    )
