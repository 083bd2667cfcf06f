"""The result of reading an attendee file, and the ticket-type filter used to print one group at a time."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from badge_renderer.model import Attendee, RowIssue


@dataclass(frozen=True)
class AttendeeTable:
    """Attendees in file order plus what was learned about the file (shown to the organizer in the summary)."""

    attendees: tuple[Attendee, ...]
    warnings: tuple[RowIssue, ...]
    columns: tuple[str, ...]
    """Column names as in the header (or synthetic names for a headerless file)."""
    field_map: Mapping[str, str] = field(default_factory=dict)
    """field -> the column it came from."""
    encoding: str = "utf-8"
    delimiter: str = ","
    source_format: str = "generic"
    """'generic' | 'eventyay' | 'pretix' | 'badgeyay'."""
    has_header: bool = True
    sample_rows: tuple[tuple[str, ...], ...] = ()
    """The first records as the reader read them (cleaned, one value per column), so a preview shows the file
    exactly as the job will see it without parsing it a second time."""

    def __len__(self) -> int:
        return len(self.attendees)

    def field_for(self, name: str) -> str:
        """The attendee field a column was read into ("Order code" -> ticket_id), else `name` unchanged.

        Organizers name columns as they see them in the spreadsheet (--qr, job.json's qr_field); a recognised
        column no longer exists under its own name on the attendee, so without this such a value prints empty.
        """
        wanted = name.strip().casefold()
        return next((f for f, column in self.field_map.items() if column.strip().casefold() == wanted), name)


def select_ticket_types(attendees: Iterable[Attendee], types: Collection[str]) -> tuple[Attendee, ...]:
    """Attendees whose ticket type (or role, when the file has no ticket type) is one of `types`, ignoring case.

    An empty `types` selects everyone, so callers can pass the option through unchanged.
    """
    wanted = {t.strip().casefold() for t in types if t.strip()}
    if not wanted:
        return tuple(attendees)
    return tuple(a for a in attendees if (a.ticket_type or a.role).strip().casefold() in wanted)
