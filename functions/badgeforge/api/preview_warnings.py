"""Every warning a job would give, before it is made: the reader's row issues, the sheet's and the design's job-level
notes, and every row's text warnings from the dry run (badge_renderer.dry_run), in the order the finished job
lists them. Kept per process for the same file, mapping and options, so stepping through the preview or paging
the list does not check 50,000 rows again."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from .web_wording import web_message

KEPT = 8  # (file, options) sets answered from memory: a few organizers editing at once per instance
_kept: OrderedDict[bytes, list[dict[str, Any]]] = OrderedDict()
_lock = threading.Lock()


def job_warnings(upload: Any, table: Any, options: Any, selected: Sequence[Any]) -> list[dict[str, Any]]:
    """The warnings the render job will record for this upload (as dicts: row, column, message)."""
    key = _key(upload, options)
    with _lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]
    from badge_renderer.design_checks import design_warnings
    from badge_renderer.dry_run import text_warnings
    from badge_renderer.render_support import layout_warnings

    issues = (*table.warnings, *layout_warnings(options), *design_warnings(options), *text_warnings(selected, options))
    found = [web_message(issue.to_dict()) for issue in issues]
    with _lock:
        _kept[key] = found
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return found


def _key(upload: Any, options: Any) -> bytes:
    digest = hashlib.blake2b(digest_size=20)
    for part in (upload.csv, upload.filename.encode(), repr(sorted(upload.mapping.items())).encode()):
        digest.update(len(part).to_bytes(8, "big") + part)
    for image in (options.background_image, options.logo_image):  # a background changes the contrast checks
        digest.update(hashlib.blake2b(image or b"", digest_size=16).digest())
    digest.update(repr(replace(options, background_image=None, logo_image=None, workers=None)).encode())
    return digest.digest()
