"""Draft uploads (services.drafts): the CSV goes up once, previews and the job name it by its opaque id."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from badgeforge.services import drafts

from .. import pipeline
from ..context import api, current_user
from ..errors import ApiError
from ..limits import check_csv_bytes, take_preview_slot
from ..uploads import InputLimits, read_capped

bp = Blueprint("drafts", __name__)


@bp.post("/api/drafts")
def create_draft():
    user = current_user()
    services = api().services
    moment = pipeline.now(services)
    take_preview_slot(services, user.uid, moment)  # a draft costs a write of up to the CSV limit: rate-limited
    csv_file = request.files.get("csv")
    if csv_file is None:
        raise ApiError(400, "missing_file", "Choose an attendee CSV file to upload.", field="csv")
    data = read_capped(csv_file, InputLimits.of(services).csv_max_bytes, "attendee file", "csv")
    check_csv_bytes(data)
    draft = drafts.save(services, user.uid, csv_file.filename or "attendees.csv", data, moment)
    return jsonify(
        {
            "id": draft.id,
            "filename": draft.filename,
            "bytes": len(data),
            "expires_at": pipeline.iso(draft.expires_at),
            "ttl_seconds": int(drafts.TTL.total_seconds()),
        }
    ), 201


@bp.delete("/api/drafts/<draft_id>")
def delete_draft(draft_id: str):
    drafts.delete(api().services, current_user().uid, draft_id)
    return jsonify({"id": draft_id, "deleted": True})
