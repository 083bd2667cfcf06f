"""The desk's attendee index of a finished job, stored in Storage beside the job's badges (versioned).

Why: reading and validating the attendee CSV costs seconds at 50,000 rows, and every new process (a cold Cloud
Function instance, a restarted `badgeforge serve`) paid it on its first desk search or roster load. The job's rows
never change once it is done, so the index is written once (when the job finishes, else on the first build) and a
later process reads this file instead: decompressing and decoding it takes a fraction of the CSV's time.

The file names the CSV it was made from (its generation and size): a replaced CSV makes it stale, and it is then
rebuilt from the CSV. A missing, stale, corrupt or other-version file is never an error, only a rebuild.
"""

from __future__ import annotations

import gzip
import json
import logging
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from badge_renderer.model import KNOWN_FIELDS, Attendee
from badgeforge.ports import BlobNotFound, BlobTooLarge

if TYPE_CHECKING:
    from badgeforge.config import Services

log = logging.getLogger(__name__)

FORMAT = "badgeforge-desk-roster"
VERSION = 1
STORED_MAX_BYTES = 64 << 20  # compressed; a 50,000-row index is ~2 MB
DECODED_MAX_BYTES = 512 << 20  # checked while decompressing, before json.loads sees anything
_FIELDS = ("row", *KNOWN_FIELDS)


def roster_path(uid: str, job_id: str) -> str:
    """Beside the job's PDF: deleted with the job (trash removes badges/{uid}/{jobId}/) and by the same lifecycle."""
    return f"badges/{uid}/{job_id}/desk-roster.v{VERSION}.json.gz"


def source_tag(generation: str, size: int) -> str:
    """Which CSV an index was made from: a new upload has a new generation (and most likely another size)."""
    return f"{generation}:{size}"


@dataclass(frozen=True)
class StoredRoster:
    attendees: list[Attendee]
    qr_field: str | None  # the job's qr_field as the CSV's columns resolved it (an attendee field name)
    text: list[str] | None = None  # the search text per attendee, as desk_roster's index prepared it
    tickets: dict[str, str] | None = None  # compared ticket code -> attendee key


def save(
    services: Services,
    uid: str,
    job_id: str,
    source: str,
    attendees: Sequence[Attendee],
    qr_field: str | None,
    prepared: tuple[list[str], dict[str, str]] | None = None,
) -> None:
    """Write the index; a failure is logged and ignored (the desk then builds from the CSV, as before).
    `prepared`: the search texts and ticket owners as the desk's index made them (a new process skips that too)."""
    extra_names = sorted({name for a in attendees for name in a.extra})
    rows = [
        [a.row, *(getattr(a, name) for name in KNOWN_FIELDS), *(a.extra.get(name, "") for name in extra_names)]
        for a in attendees
    ]
    document = {
        "format": FORMAT,
        "version": VERSION,
        "source": source,
        "qr_field": qr_field,
        "fields": [*_FIELDS],
        "extra": extra_names,
        "rows": rows,
    }
    if prepared is not None and len(prepared[0]) == len(rows):
        document["text"], document["tickets"] = prepared
    data = gzip.compress(json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode(), compresslevel=5)
    try:
        services.blobs.write_bytes(roster_path(uid, job_id), data, content_type="application/gzip")
    except Exception as err:  # an optimisation only: the job and the desk work without it
        log.warning("desk roster index for %s/%s not stored: %s", uid, job_id, err)


def load(services: Services, uid: str, job_id: str, source: str) -> StoredRoster | None:
    """The stored index when it exists, is this version and was made from `source`; else None (rebuild)."""
    path = roster_path(uid, job_id)
    try:
        data = services.blobs.read_bytes(path, max_bytes=STORED_MAX_BYTES)
    except (BlobNotFound, BlobTooLarge):
        return None
    try:
        document = json.loads(_gunzip(data))
        if not (
            isinstance(document, dict)
            and document.get("format") == FORMAT
            and document.get("version") == VERSION
            and document.get("source") == source
            and document.get("fields") == [*_FIELDS]
        ):
            return None
        people = _attendees(document)
        text, tickets = document.get("text"), document.get("tickets")
        if not (isinstance(text, list) and len(text) == len(people) and isinstance(tickets, dict)):
            text, tickets = None, None
        return StoredRoster(people, document.get("qr_field") or None, text, tickets)
    except (ValueError, TypeError, KeyError, EOFError, zlib.error) as err:
        log.warning("desk roster index %s unreadable, rebuilding from the CSV: %s", path, err)
        return None


def _gunzip(data: bytes) -> bytes:
    inflater = zlib.decompressobj(wbits=31)  # gzip framing
    out = inflater.decompress(data, DECODED_MAX_BYTES)
    if inflater.unconsumed_tail:
        raise ValueError(f"decompresses to more than {DECODED_MAX_BYTES} bytes")
    return out


def _attendees(document: dict[str, Any]) -> list[Attendee]:
    extra_names = [str(name) for name in document.get("extra") or []]
    known = len(_FIELDS)
    people = []
    for row in document["rows"]:
        if not isinstance(row, list) or len(row) != known + len(extra_names):
            raise ValueError("a row of the wrong length")
        extra = {name: value for name, value in zip(extra_names, row[known:], strict=True) if value}
        # fields in Attendee's order (the assert below holds _FIELDS to it), extra last: positional is the fast way
        people.append(Attendee(*row[:known], extra=extra))  # type: ignore[misc]
    return people


assert tuple(f for f in Attendee.__dataclass_fields__ if f != "extra") == _FIELDS, "Attendee's field order changed"
