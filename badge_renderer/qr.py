"""QR codes as vector rectangles: dark modules of a row merged into runs, so a badge adds a few dozen fills."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from badge_renderer.model import Attendee

QUIET_ZONE = 2  # modules; the badge around it is usually white enough, 4 would waste space


@dataclass(frozen=True)
class QrRuns:
    """Dark runs (row, first column, length) on a `size` x `size` module grid (quiet zone included)."""

    size: int
    runs: tuple[tuple[int, int, int], ...]


def qr_runs(text: str) -> QrRuns:
    """Encode `text` (error correction M, boosted when it fits) and merge each row's dark modules into runs."""
    import segno

    code = segno.make(text, error="m", micro=False)
    rows = list(code.matrix_iter(scale=1, border=QUIET_ZONE))
    runs: list[tuple[int, int, int]] = []
    for y, row in enumerate(rows):
        start = None
        for x, dark in enumerate(row):
            if dark and start is None:
                start = x
            elif not dark and start is not None:
                runs.append((y, start, x - start))
                start = None
        if start is not None:
            runs.append((y, start, len(row) - start))
    return QrRuns(size=len(rows), runs=tuple(runs))


def draw_qr(ctx: Any, code: QrRuns, x: float, y: float, side: float, color: tuple[float, float, float]) -> None:
    """Fill the code as one path of rectangles in a `side` x `side` square at (x, y)."""
    module = side / code.size
    ctx.save()
    ctx.set_source_rgb(*color)
    for row, col, length in code.runs:
        # A hair of overlap avoids hairline seams between rows in some PDF viewers.
        ctx.rectangle(x + col * module, y + row * module, length * module, module * 1.02)
    ctx.fill()
    ctx.restore()


def qr_payload(attendee: Attendee, field: str, kind: str = "text") -> str:
    """The text to encode for one attendee: a column's value, or a vCard of name, organization and email."""
    if kind == "vcard":
        lines = ["BEGIN:VCARD", "VERSION:3.0"]
        lines.append(f"N:{_vcard_escape(attendee.last_name)};{_vcard_escape(attendee.first_name)};;;")
        lines.append(f"FN:{_vcard_escape(attendee.display_name)}")
        if attendee.organization:
            lines.append(f"ORG:{_vcard_escape(attendee.organization)}")
        if attendee.email:
            lines.append(f"EMAIL:{_vcard_escape(attendee.email)}")
        lines.append("END:VCARD")
        return "\n".join(lines)
    return attendee.get(field).strip()


def _vcard_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", r"\;").replace(",", r"\,").replace("\n", r"\n")
