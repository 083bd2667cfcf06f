"""Draft uploads: the attendee CSV, the logo, the background and the photo ZIP a browser uploads once, so every
preview (and the job) can name them by an opaque id instead of sending the files again (1.17 s per change at 4 MB
of CSV; a 2 MB background went up with every preview too).

A draft is a blob at drafts/{uid}/{id}.{suffix} (never uploads/: it must not start a job; the Storage rules deny
it to browsers); the suffix says its kind, so an id of one kind never loads as another. Each user keeps at most
MAX_PER_KIND of each kind (the oldest goes first), all of them together within the caller's byte cap, for TTL;
a changed file names the draft it replaces, which goes at once. Expired ones are removed when that user makes or
reads a draft and by the sweep, so none outlives TTL by more than one sweep interval.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from badgeforge.ports import BlobNotFound, BlobTooLarge
from badgeforge.services.keys import parse_iso

PREFIX = "drafts/"
TTL = timedelta(minutes=30)
KINDS = ("csv", "logo", "background", "photos")
MAX_PER_USER = 3  # CSV drafts (an organizer trying a few files)
MAX_PER_KIND = {"csv": MAX_PER_USER, "logo": 2, "background": 2, "photos": 2}  # 2: the one in use + one in flight
_SUFFIX = {"csv": "draft", "logo": "logo", "background": "background", "photos": "photos"}
_CONTENT_TYPE = {"csv": "text/csv", "photos": "application/zip"}
_ID_BYTES = 18  # 24 URL-safe characters: unguessable, and a safe database/storage key


@dataclass(frozen=True)
class Draft:
    id: str
    filename: str
    data: bytes
    expires_at: datetime
    kind: str = "csv"

    @property
    def csv(self) -> bytes:
        return self.data


class DraftNotFound(LookupError):
    """No such draft of this kind for this user (never made, expired, replaced, or pushed out by newer ones)."""


class DraftExpired(DraftNotFound):
    """The user's draft was there but is older than TTL (now deleted)."""


class DraftStorageFull(Exception):
    """The user's drafts together would be over their byte cap; nothing was written."""

    def __init__(self, used: int, adding: int, limit: int) -> None:
        super().__init__(f"{used} + {adding} bytes > {limit}")
        self.used, self.adding, self.limit = used, adding, limit


def _path(uid: str, draft_id: str, kind: str = "csv") -> str:
    return f"{PREFIX}{uid}/{draft_id}.{_SUFFIX[kind]}"


def _kind_of(path: str) -> str | None:
    suffix = path.rsplit(".", 1)[-1]
    return next((kind for kind, value in _SUFFIX.items() if value == suffix), None)


def _is_id(value: str) -> bool:
    return 8 <= len(value) <= 64 and all(c.isalnum() or c in "-_" for c in value)


def _created(info: Any) -> datetime | None:
    stamp = (info.metadata or {}).get("created_at", "")
    return parse_iso(stamp) if stamp else None


def save(
    services: Any,
    uid: str,
    filename: str,
    data: bytes,
    now: datetime,
    *,
    kind: str = "csv",
    replaces: str | None = None,
    max_total_bytes: int | None = None,
) -> Draft:
    """Keep `data` as a new draft of `uid`. First: expired drafts go, the draft it `replaces` (same user and kind)
    goes, and the oldest of its kind beyond MAX_PER_KIND - 1; then the cap is checked (DraftStorageFull)."""
    if kind not in KINDS:
        raise ValueError(f"unknown draft kind {kind!r}")
    live = _live(services, uid, now)
    if replaces and _is_id(replaces):
        replaced = _path(uid, replaces, kind)
        for info, _ in [pair for pair in live if pair[0].path == replaced]:
            services.blobs.delete(info.path)
        live = [pair for pair in live if pair[0].path != replaced]
    same = sorted((pair for pair in live if _kind_of(pair[0].path) == kind), key=lambda pair: pair[1])
    dropped = same[: max(0, len(same) - (MAX_PER_KIND[kind] - 1))]
    gone = {info.path for info, _ in dropped}
    for path in gone:
        services.blobs.delete(path)
    kept_bytes = sum(info.size for info, _ in live if info.path not in gone)
    if max_total_bytes is not None and kept_bytes + len(data) > max_total_bytes:
        raise DraftStorageFull(kept_bytes, len(data), max_total_bytes)
    draft_id = secrets.token_urlsafe(_ID_BYTES)
    services.blobs.write_bytes(
        _path(uid, draft_id, kind),
        data,
        content_type=_CONTENT_TYPE.get(kind, "application/octet-stream"),
        metadata={"created_at": now.isoformat(), "filename": filename[:200], "kind": kind},
    )
    return Draft(draft_id, filename[:200], data, now + TTL, kind)


def load(services: Any, uid: str, draft_id: str, now: datetime, *, max_bytes: int, kind: str = "csv") -> Draft:
    """The user's draft of this kind; DraftExpired for one past TTL (deleted on the way), DraftNotFound when the
    user has none by that id (never made, another user's, replaced or pushed out: they look the same)."""
    if not _is_id(draft_id) or kind not in KINDS:
        raise DraftNotFound(draft_id)
    path = _path(uid, draft_id, kind)
    info = services.blobs.info(path)
    if info is None:
        raise DraftNotFound(draft_id)
    created = _created(info)
    if created is None or now - created >= TTL:
        services.blobs.delete(path)
        raise DraftExpired(draft_id)
    try:
        data = services.blobs.read_bytes(path, max_bytes=max_bytes)
    except (BlobNotFound, BlobTooLarge) as err:
        raise DraftNotFound(draft_id) from err
    filename = (info.metadata or {}).get("filename", "attendees.csv" if kind == "csv" else kind)
    return Draft(draft_id, filename, data, created + TTL, kind)


def delete(services: Any, uid: str, draft_id: str) -> None:
    """Delete the user's draft by id, whatever its kind (the page forgets a file it no longer uses)."""
    if _is_id(draft_id):
        for kind in KINDS:
            services.blobs.delete(_path(uid, draft_id, kind))


def used_bytes(services: Any, uid: str, now: datetime) -> int:
    """What the user's live drafts take in storage together."""
    return sum(info.size for info, _ in _live(services, uid, now))


def _live(services: Any, uid: str, now: datetime) -> list[tuple[Any, datetime]]:
    """The user's unexpired drafts with their creation time; expired or unreadable ones are deleted."""
    live = []
    for info in services.blobs.list(f"{PREFIX}{uid}/"):
        created = _created(info)
        if created is None or now - created >= TTL or _kind_of(info.path) is None:
            services.blobs.delete(info.path)
        else:
            live.append((info, created))
    return live


def remove_expired(services: Any, now: datetime) -> list[str]:
    """For the sweep: delete every expired draft of every user; returns their paths."""
    removed = []
    for info in services.blobs.list(PREFIX):
        created = _created(info)
        if created is None or now - created >= TTL:
            services.blobs.delete(info.path)
            removed.append(info.path)
    return removed
