"""What a fan-out chunk reads instead of the attendee file: its own rows, and the plan's job-level facts.

Why: a 100,000-row CSV takes seconds to parse, and every chunk task (another instance in the cloud, another worker
process here) parsed all of it again to take its 25,000 rows. The planner has the parsed table already, so it writes
each chunk's rows once (badges/{uid}/{jobId}/chunks/NNNNN.rows.json, a compact JSON list per attendee) and one
plan.json (the reader's warnings, the server's notes, the email's language, the resolved QR field) that the merger
needs. A task body stays small (Cloud Tasks: 1 MB); these files are written by our own function, never by clients
(the Storage rules deny badges/ to browsers), and are deleted with the chunk PDFs after the merge.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from badge_renderer.model import KNOWN_FIELDS, Attendee
from badgeforge.ports import BlobNotFound

if TYPE_CHECKING:
    from badgeforge.config import Services

PLAN_WARNINGS = 200  # the job node keeps 200 warnings; the plan keeps as many for the merger
FORMAT = 1


def rows_path(uid: str, job_id: str, index: int) -> str:
    return f"badges/{uid}/{job_id}/chunks/{index:05d}.rows.json"


def plan_path(uid: str, job_id: str) -> str:
    return f"badges/{uid}/{job_id}/chunks/plan.json"


def encode_rows(people: Sequence[Attendee]) -> bytes:
    """[row, known fields..., extra] per attendee: about a third of the size of one object per attendee."""
    rows = [[p.row, *(getattr(p, name) for name in KNOWN_FIELDS), dict(p.extra) or None] for p in people]
    return json.dumps({"format": FORMAT, "fields": list(KNOWN_FIELDS), "rows": rows}, ensure_ascii=False).encode()


def decode_rows(data: bytes) -> list[Attendee]:
    doc = json.loads(data)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("fields") != list(KNOWN_FIELDS):
        raise ValueError("chunk rows written by another version")
    people = []
    for row, *known, extra in doc["rows"]:
        fields = {name: str(value) for name, value in zip(KNOWN_FIELDS, known, strict=True)}
        people.append(Attendee(int(row), **fields, extra=dict(extra or {})))
    return people


def write_rows(services: Services, uid: str, job_id: str, index: int, people: Sequence[Attendee]) -> None:
    services.blobs.write_bytes(rows_path(uid, job_id, index), encode_rows(people), content_type="application/json")


def read_rows(services: Services, uid: str, job_id: str, index: int) -> list[Attendee] | None:
    """The chunk's rows, or None when the planner wrote none (a plan from before this file existed)."""
    try:
        return decode_rows(services.blobs.read_bytes(rows_path(uid, job_id, index)))
    except (BlobNotFound, ValueError):
        return None


def write_plan(services: Services, uid: str, job_id: str, inputs: Any) -> None:
    warnings = [w.to_dict() for w in inputs.table.warnings]
    doc = {
        "format": FORMAT,
        "notes": list(inputs.notes),
        "warnings": warnings[:PLAN_WARNINGS],
        "warnings_total": len(warnings),
        "locale": inputs.locale,
        "qr_field": getattr(inputs.options, "qr_field", None),
    }
    services.blobs.write_bytes(plan_path(uid, job_id), json.dumps(doc).encode(), content_type="application/json")


def read_plan(services: Services, uid: str, job_id: str) -> Mapping[str, Any] | None:
    try:
        doc = json.loads(services.blobs.read_bytes(plan_path(uid, job_id)))
    except (BlobNotFound, ValueError):
        return None
    return doc if isinstance(doc, dict) and doc.get("format") == FORMAT else None
