"""Download links for email recipients: a valid link gives the PDF; a dead one says why and how to get the badges."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, jsonify, redirect, request, send_file

from badgeforge.ports import BlobNotFound, is_object_path
from badgeforge.services.keys import is_safe_key

from .. import pipeline
from ..context import api
from ..dead_links import dead_link_response
from ..errors import ApiError

bp = Blueprint("download", __name__)
KEEP = ("job_id", "message")  # what a dead link's page may show: never the file's URL


def _link_state(token: str) -> dict:
    """{"state": "valid", "url"} or {"state": "expired"|"revoked"|"invalid", "job_id"?} from the links service."""
    try:
        return {"state": "valid", **pipeline.resolve_download(api().services, token)}
    except ApiError as err:
        return {"state": err.body.get("code", "invalid"), **{k: v for k, v in err.body.items() if k in KEEP}}


@bp.get("/d/<path:token>")
def download(token: str):
    """A valid link redirects to a fresh signed URL; a dead one answers with the page that says why (or JSON)."""
    state = _link_state(token)
    if state["state"] == "valid":
        return redirect(state["url"], code=302)
    return dead_link_response(request, state["state"], state.get("message", ""), state.get("job_id"))


@bp.get("/api/links/<path:token>")
def link_state(token: str):
    """What the download page shows for a dead link (never the URL of someone else's file)."""
    state = _link_state(token)
    state.pop("url", None)
    return jsonify(state)


@bp.get("/files/<path:path>")
def local_file(path: str):
    """Local mode's signed file URLs (LocalLinkSigner): the HMAC and expiry are checked before any byte is read."""
    services = api().services
    verify = getattr(services.links, "verify", None)
    if verify is None or not is_object_path(path):  # a path that leaves the bucket is no file, signed or not
        raise ApiError(404, "not_found", "No such file.")
    name = request.args.get("name", "")
    checked = getattr(services.links, "check", None)
    verdict = checked(path, request.args.get("exp", ""), request.args.get("sig", ""), name) if checked else "invalid"
    if verdict == "expired":  # genuine: its owner may ask for a fresh link to the same job
        message = "This download link has expired; sign in to get a fresh one, or ask the organizer."
        return dead_link_response(request, "expired", message, _job_of(path))
    if verdict != "valid":
        return dead_link_response(request, "invalid", "This download link is not valid: it was changed or cut short.")
    if _deleted_job(services, path):  # soft-deleted: its files stay for a restore, its links stop at once
        return dead_link_response(request, "deleted", "These badges are no longer available.")
    try:
        data = services.blobs.read_bytes(path)
    except BlobNotFound:
        return dead_link_response(request, "deleted", "These badges are no longer available.")
    mime = "application/pdf" if path.endswith(".pdf") else "application/octet-stream"
    return send_file(io.BytesIO(data), mimetype=mime, as_attachment=True, download_name=name or path.rsplit("/")[-1])


def _deleted_job(services: Any, path: str) -> bool:
    """A badges/{uid}/{job}/ file whose job was deleted (a purge removes the files with the node)."""
    parts = path.split("/")
    if len(parts) != 4 or parts[0] != "badges" or not (is_safe_key(parts[1]) and is_safe_key(parts[2])):
        return False
    job = services.db.get(f"jobs/{parts[1]}/{parts[2]}")
    return isinstance(job, dict) and bool(job.get("deleted_at"))


def _job_of(path: str) -> str | None:
    """The job id of a badges/{uid}/{job}/<file> path (the signature was genuine, so the path is ours)."""
    parts = path.split("/")
    return parts[2] if len(parts) == 4 and parts[0] == "badges" and is_safe_key(parts[2]) else None
