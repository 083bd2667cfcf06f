"""Attendee CSV bytes -> AttendeeTable: encodings, delimiters, header aliases, known exports, row problems.

Modules: decoding (bytes -> text), dialect (delimiter), headers (aliases, export formats), columns (field plan,
--map), rows (record -> Attendee + warnings), reader (the pipeline), limits, table.
"""

from __future__ import annotations

from badge_renderer.attendees.limits import CsvLimits
from badge_renderer.attendees.reader import read_attendees
from badge_renderer.attendees.table import AttendeeTable, select_ticket_types

__all__ = ["AttendeeTable", "CsvLimits", "read_attendees", "select_ticket_types"]
