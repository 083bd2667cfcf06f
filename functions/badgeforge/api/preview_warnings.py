"""Every warning a job would give, before it is made: the reader's row issues, the sheet's and the design's job-level
notes, and every row's text warnings from the dry run (badge_renderer.dry_run), in the order the finished job
lists them, in the reader's language. Kept per process for the same file, mapping, options and language, so
stepping through the preview or paging the list does not check 50,000 rows again."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from .web_wording import reader_language, web_message

KEPT = 8  # (file, options) sets answered from memory: a few organizers editing at once per instance
_kept: OrderedDict[bytes, list[dict[str, Any]]] = OrderedDict()  # every warning, per file + all options
_rows: OrderedDict[bytes, list[dict[str, Any]]] = OrderedDict()  # the dry run's, per file + text_options
_lock = threading.Lock()


def job_warnings(upload: Any, table: Any, options: Any, selected: Sequence[Any]) -> list[dict[str, Any]]:
    """The warnings the render job will record for this upload (as dicts: row, column, message, key, params)."""
    language = reader_language()
    key = _key(upload, options) + language.encode()
    found = _recall(_kept, key)
    if found is None:
        from badge_renderer.design_checks import design_warnings
        from badge_renderer.render_support import layout_warnings

        rows = _with_photo_warnings(_row_warnings(upload, options, selected), options, selected)
        issues = (*table.warnings, *layout_warnings(options), *design_warnings(options))
        found = [web_message(w, language) for w in (*(issue.to_dict() for issue in issues), *rows)]
        _keep(_kept, key, found)
    return found


def _row_warnings(upload: Any, options: Any, selected: Sequence[Any]) -> list[dict[str, Any]]:
    """Every row's text warnings, kept apart under only what changes how text fits: typing the event name or
    picking a colour does not check 50,000 rows again."""
    from badge_renderer.dry_run import text_warnings

    key = _key(upload, text_options(options))
    found = _recall(_rows, key)
    if found is None:
        found = [issue.to_dict() for issue in text_warnings(selected, options)]
        _keep(_rows, key, found)
    return found


def _with_photo_warnings(rows: list[dict[str, Any]], options: Any, selected: Sequence[Any]) -> list[dict[str, Any]]:
    """The rows' text warnings and their missing photos (a placeholder prints), in row order as the job lists them."""
    from badge_renderer.design_document.photo_checks import photo_warnings

    photos = [web_message(issue.to_dict()) for issue in photo_warnings(selected, options)]
    if not photos:
        return rows
    return sorted([*rows, *photos], key=lambda w: w.get("row") or 0)  # stable: a row's text warnings first


def text_options(options: Any) -> Any:
    """`options` with what cannot change a row's text fit set to defaults: colours, offsets, marks, the QR code
    (the dry run leaves it out) and the event name and images (only whether there is one: a name box grows into
    an absent logo or event name)."""
    return replace(
        options,
        event_name="event" if options.event_name else "",
        logo_image=b"logo" if options.logo_image else None,
        background_image=None,
        accent=None,
        accents_by_type={},
        background_color=None,
        offset_x_mm=0,
        offset_y_mm=0,
        crop_marks=False,
        pdfx=False,
        qr_field=None,
        qr_kind="text",
    )


def _recall(store: OrderedDict[bytes, list[dict[str, Any]]], key: bytes) -> list[dict[str, Any]] | None:
    with _lock:
        if key in store:
            store.move_to_end(key)
            return store[key]
    return None


def _keep(store: OrderedDict[bytes, list[dict[str, Any]]], key: bytes, value: list[dict[str, Any]]) -> None:
    with _lock:
        store[key] = value
        while len(store) > KEPT:
            store.popitem(last=False)


def _key(upload: Any, options: Any) -> bytes:
    digest = hashlib.blake2b(digest_size=20)
    for part in (upload.csv, upload.filename.encode(), repr(sorted(upload.mapping.items())).encode()):
        digest.update(len(part).to_bytes(8, "big") + part)
    for image in (options.background_image, options.logo_image):  # a background changes the contrast checks
        digest.update(hashlib.blake2b(image or b"", digest_size=16).digest())
    digest.update(getattr(options.photos, "digest", b""))  # not in the repr: another ZIP, other missing photos
    # Not in the repr either: another studio document, other boxes and so other warnings.
    digest.update(getattr(getattr(options.design_document, "document", None), "digest", b""))
    digest.update(repr(replace(options, background_image=None, logo_image=None, workers=None)).encode())
    return digest.digest()
