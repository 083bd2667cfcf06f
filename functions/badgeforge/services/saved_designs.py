"""Saved designs per organizer: design documents the studio edits, kept through the ports.

Database: `designs/{uid}/{designId}` = {title, updated_at, version, document} where `document` is the design
document as a JSON string with each asset's bytes left out (RTDB would turn its lists into objects and refuses
keys such as a ticket type with a dot; a string is stored exactly). `design_list/{uid}/{designId}` =
{title, updated_at, version} lists them without reading every document, and is where the per-user cap is checked
and recorded atomically. Assets (background images, SVG artwork, logos) are blobs at
`designs/{uid}/{designId}/assets/{assetId}` under the owner's prefix; `load_document` puts them back, so the
renderer always gets a complete, validated document.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from badge_renderer import limits
from badge_renderer.errors import BadgeForgeError
from badgeforge.ports import BlobNotFound, BlobTooLarge

MAX_PER_USER = 50
TITLE_MAX_CHARS = 120
STORED_DOCUMENT_MAX_BYTES = 1_000_000  # the document without its assets' bytes (elements, overrides, colours)
SVG_TYPE = "image/svg+xml"
_ID_BYTES = 12  # 16 URL-safe characters


class DesignNotFound(LookupError):
    """No such saved design for this organizer (never made, deleted, or someone else's)."""


class DesignConflict(RuntimeError):
    """The design changed since the caller read it (its version moved on)."""

    def __init__(self, current: int) -> None:
        super().__init__(f"the design is at version {current}")
        self.current = current


class DesignLimit(RuntimeError):
    """The organizer already keeps MAX_PER_USER designs."""


class DesignRefused(ValueError):
    """The document, title or asset is not acceptable; the message says what to change."""

    def __init__(self, message: str, *, field: str = "document", problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.problems = problems or []


@dataclass(frozen=True)
class SavedDesign:
    id: str
    title: str
    updated_at: str
    version: int
    document: dict[str, Any]  # with assets' bytes left out (each asset: {"media_type"})

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "updated_at": self.updated_at, "version": self.version}


def is_design_id(value: str) -> bool:
    return isinstance(value, str) and 8 <= len(value) <= 64 and all(c.isalnum() or c in "-_" for c in value)


def _record_path(uid: str, design_id: str) -> str:
    return f"designs/{uid}/{design_id}"


def _list_path(uid: str) -> str:
    return f"design_list/{uid}"


def asset_path(uid: str, design_id: str, asset_id: str) -> str:
    return f"designs/{uid}/{design_id}/assets/{asset_id}"


def _title(value: Any) -> str:
    title = " ".join(str(value or "").split())
    if not title:
        raise DesignRefused("Give the design a title.", field="title")
    if len(title) > TITLE_MAX_CHARS:
        raise DesignRefused(f"The title is longer than {TITLE_MAX_CHARS} characters.", field="title")
    return title


def _check_document(services: Any, uid: str, design_id: str | None, document: Any) -> tuple[str, dict[str, bytes]]:
    """Validate the document (assets inlined from storage where the caller left their bytes out) and split it
    into the stored JSON string and the asset bytes to keep as blobs."""
    from badge_renderer.design_document import document_problems

    if not isinstance(document, Mapping):
        raise DesignRefused("The design must be a design document (a JSON object).")
    full = inline_assets(services, uid, design_id, dict(document))
    problems = document_problems(full)
    if problems:
        raise DesignRefused(f"The design document has {len(problems)} problem(s): {problems[0]}", problems=problems)
    blobs: dict[str, bytes] = {}
    stripped_assets: dict[str, Any] = {}
    for key, asset in (full.get("assets") or {}).items():
        blobs[key] = base64.b64decode(asset["data"])
        stripped_assets[key] = {"media_type": asset["media_type"]}
    stored = (
        {**full, "assets": stripped_assets} if stripped_assets else {k: v for k, v in full.items() if k != "assets"}
    )
    text = json.dumps(stored, separators=(",", ":"))
    if len(text.encode()) > STORED_DOCUMENT_MAX_BYTES:
        raise DesignRefused(
            f"The design document is over {limits.describe_bytes(STORED_DOCUMENT_MAX_BYTES)} without its images."
        )
    return text, blobs


def inline_assets(services: Any, uid: str, design_id: str | None, document: dict[str, Any]) -> dict[str, Any]:
    """The document with each asset that has no `data` filled from the design's stored blob (the studio keeps
    documents without their images' bytes)."""
    assets = document.get("assets")
    if not isinstance(assets, Mapping):
        return document
    inlined: dict[str, Any] = {}
    for key, asset in assets.items():
        if isinstance(asset, Mapping) and "data" not in asset and design_id is not None and is_asset_id(str(key)):
            try:
                data = services.blobs.read_bytes(asset_path(uid, design_id, str(key)), max_bytes=limits.IMAGE_MAX_BYTES)
            except (BlobNotFound, BlobTooLarge):
                raise DesignRefused(
                    f'The asset "{key}" was never uploaded to this design; upload it again.', field="assets"
                ) from None
            asset = {**asset, "data": base64.b64encode(data).decode("ascii")}
        inlined[str(key)] = asset
    return {**document, "assets": inlined}


def is_asset_id(value: str) -> bool:
    return 1 <= len(value) <= 64 and all(c.isalnum() or c in "-_" for c in value)


def _write_assets(services: Any, uid: str, design_id: str, blobs: Mapping[str, bytes], document: Mapping) -> None:
    media = {k: v["media_type"] for k, v in (document.get("assets") or {}).items()}
    for key, data in blobs.items():
        services.blobs.write_bytes(asset_path(uid, design_id, key), data, content_type=media.get(key, "image/png"))
    for info in services.blobs.list(f"designs/{uid}/{design_id}/assets/"):
        if info.path.rsplit("/", 1)[-1] not in blobs:
            services.blobs.delete(info.path)


def _from_record(design_id: str, record: Mapping[str, Any]) -> SavedDesign:
    return SavedDesign(
        id=design_id,
        title=str(record.get("title", "")),
        updated_at=str(record.get("updated_at", "")),
        version=int(record.get("version", 0)),
        document=json.loads(record.get("document") or "{}"),
    )


def list_designs(services: Any, uid: str) -> list[dict[str, Any]]:
    """The organizer's designs, newest change first (from the small list, never the documents)."""
    listed = services.db.get(_list_path(uid)) or {}
    items = [{"id": key, **value} for key, value in listed.items() if isinstance(value, Mapping)]
    return sorted(items, key=lambda item: str(item.get("updated_at", "")), reverse=True)


def get(services: Any, uid: str, design_id: str) -> SavedDesign:
    if not is_design_id(design_id):
        raise DesignNotFound(design_id)
    record = services.db.get(_record_path(uid, design_id))
    if not isinstance(record, Mapping):
        raise DesignNotFound(design_id)
    return _from_record(design_id, record)


def load_document(services: Any, uid: str, design_id: str) -> dict[str, Any]:
    """The complete document (assets' bytes back in) for the renderer or an export."""
    saved = get(services, uid, design_id)
    return inline_assets(services, uid, design_id, saved.document)


def _reserve(services: Any, uid: str, design_id: str, entry: dict[str, Any]) -> None:
    def add(current: Any) -> Any:
        listed = dict(current or {})
        if design_id not in listed and len(listed) >= MAX_PER_USER:
            raise DesignLimit(f"You already keep {MAX_PER_USER} designs; delete one first.")
        listed[design_id] = entry
        return listed

    services.db.transaction(_list_path(uid), add)


def create(services: Any, uid: str, title: Any, document: Any, now: datetime) -> SavedDesign:
    design_id = secrets.token_urlsafe(_ID_BYTES)
    clean_title = _title(title)
    text, blobs = _check_document(services, uid, None, document)
    stamp = now.isoformat()
    entry = {"title": clean_title, "updated_at": stamp, "version": 1}
    _reserve(services, uid, design_id, entry)
    _write_assets(services, uid, design_id, blobs, json.loads(text))
    services.db.set(_record_path(uid, design_id), {**entry, "document": text})
    return _from_record(design_id, {**entry, "document": text})


def update(
    services: Any,
    uid: str,
    design_id: str,
    expected_version: int,
    now: datetime,
    *,
    document: Any = None,
    title: Any = None,
) -> SavedDesign:
    """Replace the document and/or title if the design is still at `expected_version` (checked and bumped in one
    transaction), else DesignConflict with the current version."""
    get(services, uid, design_id)  # unknown or someone else's: not found before the document is even checked
    text, blobs = (None, {}) if document is None else _check_document(services, uid, design_id, document)
    clean_title = None if title is None else _title(title)

    def bump(record: Any) -> Any:
        if not isinstance(record, Mapping):
            raise DesignNotFound(design_id)
        version = int(record.get("version", 0))
        if version != expected_version:
            raise DesignConflict(version)
        return {
            **record,
            "version": version + 1,
            "updated_at": now.isoformat(),
            **({"document": text} if text is not None else {}),
            **({"title": clean_title} if clean_title is not None else {}),
        }

    written = services.db.transaction(_record_path(uid, design_id), bump)
    if text is not None:
        _write_assets(services, uid, design_id, blobs, json.loads(text))
    entry = {"title": written["title"], "updated_at": written["updated_at"], "version": written["version"]}
    services.db.set(f"{_list_path(uid)}/{design_id}", entry)
    return _from_record(design_id, written)


def duplicate(services: Any, uid: str, design_id: str, title: Any, now: datetime) -> SavedDesign:
    source = get(services, uid, design_id)
    full = load_document(services, uid, design_id)
    return create(services, uid, title if title else f"{source.title} (copy)"[:TITLE_MAX_CHARS], full, now)


def delete(services: Any, uid: str, design_id: str) -> None:
    """Remove the design, its list entry and its assets (deleting a missing design is not an error)."""
    if not is_design_id(design_id):
        raise DesignNotFound(design_id)
    for info in services.blobs.list(f"designs/{uid}/{design_id}/assets/"):
        services.blobs.delete(info.path)
    services.db.update("", {_record_path(uid, design_id): None, f"{_list_path(uid)}/{design_id}": None})


def check_asset(data: bytes, media_type: str) -> tuple[str, bytes]:
    """An uploaded asset with the format's own caps: images by content (PNG/JPEG/WebP/GIF, bytes and pixels),
    SVG artwork sanitised (no script, external reference, foreignObject or entity). Returns (media type, bytes)."""
    from badgeforge.services import upload_checks

    if media_type == SVG_TYPE or data.lstrip()[:5] in (b"<?xml", b"<svg ") or data.lstrip().startswith(b"<svg"):
        from badge_renderer.design_document.svg_safety import sanitise_svg

        if len(data) > limits.SVG_MAX_BYTES:
            raise DesignRefused(f"The SVG is over {limits.describe_bytes(limits.SVG_MAX_BYTES)}.", field="file")
        try:
            return SVG_TYPE, sanitise_svg(data)
        except BadgeForgeError as err:
            raise DesignRefused(f"{err.message}. {err.hint}".strip(), field="file") from err
    try:
        mime = upload_checks.check_image_content(data, max_bytes=limits.IMAGE_MAX_BYTES)
    except upload_checks.ContentRefused as err:
        raise DesignRefused(str(err), field="file") from err
    return mime, data


def save_asset(services: Any, uid: str, design_id: str, asset_id: str, data: bytes, media_type: str) -> str:
    """Keep an uploaded asset for the design (which must exist); the document then names it without its bytes."""
    get(services, uid, design_id)
    if not is_asset_id(asset_id):
        raise DesignRefused("An asset id uses letters, digits, '-' and '_' only.", field="asset_id")
    mime, clean = check_asset(data, media_type)
    services.blobs.write_bytes(asset_path(uid, design_id, asset_id), clean, content_type=mime)
    return mime
