"""AttendeeTable.field_for: organizers name columns as in their spreadsheet; the renderer needs the field."""

from __future__ import annotations

from badge_renderer.attendees import read_attendees

CSV = b"First Name,Last Name,Order code,Table\nAda,Lovelace,PCE-1,7\n"


def test_a_recognised_column_resolves_to_the_field_it_was_read_into() -> None:
    table = read_attendees(CSV)
    assert table.field_for("Order code") == "ticket_id"
    assert table.field_for("  order CODE ") == "ticket_id"
    assert table.attendees[0].get(table.field_for("Order code")) == "PCE-1"


def test_other_names_pass_through_unchanged() -> None:
    table = read_attendees(CSV)
    assert table.field_for("Table") == "Table"  # an unrecognised column stays in extra under its own name
    assert table.attendees[0].get(table.field_for("Table")) == "7"
    assert table.field_for("ticket_id") == "ticket_id"
