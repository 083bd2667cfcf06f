"""The photo warnings of a job before it is rendered: which rows of a design document with photo elements will get
a placeholder because their photo is not named, no photo ZIP came, or the ZIP does not have it. The same words
as the job's (drawing.photo_problem), found without decoding a photo, so the form lists them before submit; a
photo that is in the ZIP but cannot be decoded is found when that badge is drawn (its preview, or the job)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from badge_renderer.design_document.drawing import element_visible, photo_problem
from badge_renderer.designs import design_for
from badge_renderer.model import Attendee, RowIssue


def photo_warnings(attendees: Sequence[Attendee], options: Any) -> list[RowIssue]:
    """One row warning per (row, photo column) whose photo will print as a placeholder, in row order."""
    design = design_for(options)
    if not design.is_document:
        return []
    sides = ("front", "back") if design.has_back and options.sides != "single" else ("front",)
    photos = [e for side in sides for e in design.side_elements(side) if e.kind == "photo"]
    if not photos:
        return []
    parts = design.document

    def job_has(kind: str) -> bool:
        return options.logo_image is not None if kind == "logo" else bool(options.event_name)

    issues: list[RowIssue] = []
    for attendee in attendees:
        said: set[str] = set()
        for element in photos:
            column = element.column or "photo"
            if column in said or not element_visible(parts, element, attendee.ticket_type):
                continue
            if not all(c.holds(attendee.get, job_has) for c in element.when):
                continue
            problem = photo_problem(options.photos, attendee.get(column).strip())
            if problem is not None:
                said.add(column)
                issues.append(RowIssue(attendee.row, column, f"The photo {problem}; a placeholder was printed"))
    return issues
