"""Download page for email recipients: a valid link redirects to the PDF; a dead one says why, plainly."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import quote

from flask import Blueprint, current_app, jsonify, redirect, request, send_file

from badgeforge.ports import BlobNotFound, is_object_path

from .. import pipeline
from ..context import api
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
    state = _link_state(token)
    if state["state"] == "valid":
        return redirect(state["url"], code=302)
    page = Path(current_app.config["BADGEFORGE_WEB_DIR"] or "") / "link.html"
    if page.is_file():
        # 200: the page itself loads fine and says plainly that the link is dead (its script asks /api/links why).
        return page.read_text(encoding="utf-8"), 200, {"Content-Type": "text/html; charset=utf-8"}
    # In the cloud the pages live on Hosting, not beside the function: send the visitor to the same page there.
    return redirect(f"/link#{quote(token, safe='')}", code=302)


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
    if not verify(path, request.args.get("exp", ""), request.args.get("sig", ""), name):
        raise ApiError(410, "expired", "This download link has expired or is not valid; ask for a new one.")
    try:
        data = services.blobs.read_bytes(path)
    except BlobNotFound as err:
        raise ApiError(404, "not_found", "These badges are no longer available.") from err
    mime = "application/pdf" if path.endswith(".pdf") else "application/octet-stream"
    return send_file(io.BytesIO(data), mimetype=mime, as_attachment=True, download_name=name or path.rsplit("/")[-1])
