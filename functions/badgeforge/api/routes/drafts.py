"""Draft uploads (services.drafts): the CSV, the logo, the background and the photo ZIP go up once, when chosen;
previews and the job name them by their opaque ids (`draft`, `logo_draft`, `background_draft`, `photos_draft`)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from badge_renderer import limits as input_limits
from badgeforge.services import drafts

from .. import pipeline
from ..context import api, current_user
from ..errors import ApiError
from ..limits import check_csv_bytes, take_preview_slot
from ..uploads import ASSET_KINDS, ASSET_WORDS, InputLimits, check_asset, read_capped

bp = Blueprint("drafts", __name__)


def _chosen_file() -> tuple[str, object]:
    """The one file of the request (csv, logo, background or photos): a draft is one file."""
    sent = [(kind, request.files[kind]) for kind in ("csv", *ASSET_KINDS) if kind in request.files]
    if not sent:
        raise ApiError(400, "missing_file", "Choose an attendee CSV file to upload.", field="csv")
    if len(sent) > 1:
        raise ApiError(400, "one_file", "Send one file per draft.", field=sent[1][0])
    return sent[0]


@bp.post("/api/drafts")
def create_draft():
    user = current_user()
    services = api().services
    moment = pipeline.now(services)
    take_preview_slot(services, user.uid, moment)  # a draft costs a write of up to the file's limit: rate-limited
    kind, storage = _chosen_file()
    limits = InputLimits.of(services)
    if kind == "csv":
        data = read_capped(storage, limits.csv_max_bytes, "attendee file", "csv")
        check_csv_bytes(data)
        default_name = "attendees.csv"
    else:
        data = read_capped(storage, limits.asset_max_bytes(kind), ASSET_WORDS[kind], kind)
        if not data:
            raise ApiError(400, "empty_file", f"The {ASSET_WORDS[kind]} is empty.", field=kind)
        check_asset(kind, data)  # refused now, beside its field, not at the first preview
        default_name = kind
    replaces = request.form.get("replaces", "").strip() or None
    try:
        draft = drafts.save(
            services,
            user.uid,
            getattr(storage, "filename", "") or default_name,
            data,
            moment,
            kind=kind,
            replaces=replaces,
            max_total_bytes=limits.drafts_bytes,
        )
    except drafts.DraftStorageFull as err:
        raise ApiError(
            413,
            "drafts_full",
            f"The files kept for your previews would take {input_limits.describe_bytes(err.used + err.adding)}, "
            f"more than the {input_limits.describe_bytes(err.limit)} kept per organizer.",
            hint="Remove a file you no longer use, or try again once older ones expire (after 30 minutes).",
            field=kind,
        ) from err
    return jsonify(
        {
            "id": draft.id,
            "kind": kind,
            "filename": draft.filename,
            "bytes": len(data),
            "expires_at": pipeline.iso(draft.expires_at),
            "ttl_seconds": int(drafts.TTL.total_seconds()),
            "storage": {"used": drafts.used_bytes(services, user.uid, moment), "limit": limits.drafts_bytes},
        }
    ), 201


@bp.delete("/api/drafts/<draft_id>")
def delete_draft(draft_id: str):
    drafts.delete(api().services, current_user().uid, draft_id)
    return jsonify({"id": draft_id, "deleted": True})
