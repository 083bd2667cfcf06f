"""One attendee per ticket code: a code that an earlier row has is a row warning naming both rows."""

from __future__ import annotations

from badge_renderer.attendees import read_attendees

CSV = (
    "Name,Email,Ticket Code\n"
    "Ada Lovelace,ada@x.org,PCE-001\n"
    "Grace Hopper,grace@x.org,PCE-002\n"
    "Alan Turing,alan@x.org, pce-001 \n"
    "Edsger Dijkstra,ed@x.org,\n"
    "Barbara Liskov,bl@x.org,PCE-002\n"
)


def test_duplicate_ticket_codes_are_row_warnings_that_name_the_first_row() -> None:
    table = read_attendees(CSV.encode())
    assert len(table.attendees) == 5  # the job still prints everyone
    duplicates = [w for w in table.warnings if w.column == "ticket_id"]
    assert [(w.row, "row 2" in w.message or "row 3" in w.message) for w in duplicates] == [(4, True), (6, True)]
    assert "'pce-001' is already on row 2" in duplicates[0].message
    assert "already on row 3" in duplicates[1].message


def test_distinct_and_empty_ticket_codes_give_no_warning() -> None:
    table = read_attendees(b"Name,Ticket Code\nAda,A1\nGrace,\nAlan,\nEd,A2\n")
    assert not [w for w in table.warnings if w.column == "ticket_id"]
