"""One attendee per ticket code: the desk finds people by their code, so a code printed twice is a mistake worth a
warning when the file is read (the job still renders; the desk lets only the first row use the code)."""

from __future__ import annotations

from collections.abc import Sequence

from badge_renderer.model import Attendee, RowIssue


def ticket_code_key(code: str) -> str:
    """The spelling two codes are compared in: case and surrounding space do not make a ticket different."""
    return " ".join(code.split()).casefold()


def duplicate_ticket_warnings(attendees: Sequence[Attendee]) -> list[RowIssue]:
    """A row warning for every attendee whose ticket code an earlier row already has."""
    first_row: dict[str, int] = {}
    issues = []
    for person in attendees:
        key = ticket_code_key(person.ticket_id)
        if not key:
            continue
        if key in first_row:
            issues.append(
                RowIssue(
                    row=person.row,
                    column="ticket_id",
                    message=f"Ticket code '{person.ticket_id.strip()}' is already on row {first_row[key]}: one "
                    "attendee per ticket, so only that row can use it at the desk. Give this attendee their own code.",
                )
            )
        else:
            first_row[key] = person.row
    return issues
