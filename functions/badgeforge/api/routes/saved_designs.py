"""Saved designs per organizer (services.saved_designs): list, get, create, update (If-Match: its version),
duplicate, rename, delete, upload an asset; and a bundled design as a document, for the studio to start from."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from badgeforge.services import saved_designs as designs

from .. import pipeline
from ..context import api, current_user
from ..errors import ApiError
from ..uploads import read_capped
from ..web_wording import web_text

bp = Blueprint("saved_designs", __name__)


def _json() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "bad_json", "Send a JSON object.")
    return body


def _refused(err: designs.DesignRefused) -> ApiError:
    error = ApiError(400, "bad_design", str(err), field=err.field)
    if err.problems:
        error.body["problems"] = [web_text(problem) for problem in err.problems[:50]]  # the page's language
    return error


def _not_found(design_id: str) -> ApiError:
    return ApiError(404, "not_found", f"No saved design '{design_id[:64]}'.")


def _expected_version() -> int:
    """The version the client last read, from If-Match ("3" or 3); without it an update could undo someone's save."""
    raw = (request.headers.get("If-Match") or "").strip().strip('"').removeprefix('W/"')
    if not raw:
        raise ApiError(428, "version_required", "Send If-Match with the version you last read.")
    try:
        return int(raw)
    except ValueError as err:
        raise ApiError(400, "bad_request", "If-Match must be the design's version number.") from err


def _full(saved: designs.SavedDesign) -> dict[str, Any]:
    return {**saved.summary(), "document": saved.document}


def _answer(saved: designs.SavedDesign, status: int = 200):
    response = jsonify(_full(saved))
    response.status_code = status
    response.headers["ETag"] = f'"{saved.version}"'
    return response


@bp.get("/api/saved-designs")
def list_saved():
    user = current_user()
    return jsonify({"designs": designs.list_designs(api().services, user.uid), "limit": designs.MAX_PER_USER})


@bp.post("/api/saved-designs")
def create_saved():
    user = current_user()
    body = _json()
    services = api().services
    try:
        saved = designs.create(services, user.uid, body.get("title"), body.get("document"), pipeline.now(services))
    except designs.DesignRefused as err:
        raise _refused(err) from err
    except designs.DesignLimit as err:
        raise ApiError(409, "too_many_designs", str(err)) from err
    return _answer(saved, 201)


@bp.get("/api/saved-designs/<design_id>")
def get_saved(design_id: str):
    user = current_user()
    try:
        return _answer(designs.get(api().services, user.uid, design_id))
    except designs.DesignNotFound as err:
        raise _not_found(design_id) from err


@bp.put("/api/saved-designs/<design_id>")
def update_saved(design_id: str):
    """Save the document (and title if given): 412 with the current version when someone saved in between."""
    user = current_user()
    version = _expected_version()
    body = _json()
    if "document" not in body and "title" not in body:
        raise ApiError(400, "bad_request", "Send a document, a title or both.")
    return _update(user.uid, design_id, version, document=body.get("document"), title=body.get("title"))


@bp.post("/api/saved-designs/<design_id>/rename")
def rename_saved(design_id: str):
    user = current_user()
    return _update(user.uid, design_id, _expected_version(), title=_json().get("title"))


def _update(uid: str, design_id: str, version: int, **changes: Any):
    services = api().services
    try:
        saved = designs.update(services, uid, design_id, version, pipeline.now(services), **changes)
    except designs.DesignNotFound as err:
        raise _not_found(design_id) from err
    except designs.DesignRefused as err:
        raise _refused(err) from err
    except designs.DesignConflict as err:
        error = ApiError(
            412,
            "version_conflict",
            "The design was saved elsewhere since you opened it.",
            hint="Reload it to see the other changes, or duplicate yours.",
        )
        error.body["version"] = err.current
        raise error from err
    return _answer(saved)


@bp.post("/api/saved-designs/<design_id>/duplicate")
def duplicate_saved(design_id: str):
    user = current_user()
    body = request.get_json(silent=True) or {}
    services = api().services
    try:
        saved = designs.duplicate(services, user.uid, design_id, body.get("title"), pipeline.now(services))
    except designs.DesignNotFound as err:
        raise _not_found(design_id) from err
    except designs.DesignRefused as err:
        raise _refused(err) from err
    except designs.DesignLimit as err:
        raise ApiError(409, "too_many_designs", str(err)) from err
    return _answer(saved, 201)


@bp.delete("/api/saved-designs/<design_id>")
def delete_saved(design_id: str):
    user = current_user()
    try:
        designs.delete(api().services, user.uid, design_id)
    except designs.DesignNotFound as err:
        raise _not_found(design_id) from err
    return jsonify({"id": design_id, "deleted": True})


@bp.post("/api/saved-designs/<design_id>/assets")
def upload_asset(design_id: str):
    """One background image, SVG artwork or logo for the design: `file` and `asset_id` (multipart)."""
    from badge_renderer import limits

    user = current_user()
    storage = request.files.get("file")
    if storage is None:
        raise ApiError(400, "missing_file", "Choose an image or SVG file.", field="file")
    data = read_capped(storage, limits.IMAGE_MAX_BYTES, "asset", "file")
    asset_id = request.form.get("asset_id", "").strip()
    try:
        mime = designs.save_asset(api().services, user.uid, design_id, asset_id, data, storage.mimetype or "")
    except designs.DesignNotFound as err:
        raise _not_found(design_id) from err
    except designs.DesignRefused as err:
        raise _refused(err) from err
    return jsonify({"id": asset_id, "media_type": mime, "bytes": len(data)}), 201


@bp.get("/api/designs/<name>/document")
def bundled_document(name: str):
    """A bundled design as a design document (what `badgeforge designs export NAME` writes)."""
    current_user()
    from badge_renderer.design_document import export_design
    from badge_renderer.errors import BadgeForgeError

    try:
        return jsonify(export_design(name))
    except BadgeForgeError as err:
        raise ApiError(404, "not_found", f"No bundled design '{name[:64]}'.") from err
