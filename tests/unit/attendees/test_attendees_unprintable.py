"""Characters no badge can print are removed where attendee values enter the renderer, with a warning that names
the row and column; the badge is still made."""

from __future__ import annotations

import pytest

from badge_renderer.attendees import read_attendees
from badge_renderer.errors import CsvError


def test_a_noncharacter_is_removed_with_a_warning_naming_the_column() -> None:
    table = read_attendees("Name,Company\nA\ufffeda,Eng\ufdd0ines\nGrace,Navy\n".encode())
    assert [(a.full_name, a.organization) for a in table.attendees] == [("Ada", "Engines"), ("Grace", "Navy")]
    assert [(w.row, w.column) for w in table.warnings] == [(2, "Name"), (2, "Company")]
    assert "U+FFFE" in table.warnings[0].message and "noncharacter" in table.warnings[0].message
    assert "U+FDD0" in table.warnings[1].message


def test_every_class_is_handled_in_any_field() -> None:
    values = ["\u202eAda", "Eng\ue000", "Spe\u0378aker", "\u0301x@example.org", "PYC\U0010fffe-1"]
    data = ("Name,Company,Role,Email,Ticket ID\n" + ",".join(values) + "\n").encode()
    table = read_attendees(data)
    person = table.attendees[0]
    assert (person.full_name, person.organization, person.role) == ("Ada", "Eng", "Speaker")
    assert (person.email, person.ticket_id) == ("x@example.org", "PYC-1")
    assert [w.column for w in table.warnings] == ["Name", "Company", "Role", "Email", "Ticket ID"]


def test_a_name_made_only_of_unprintable_characters_gets_no_badge() -> None:
    table = read_attendees("Name\n\ufffe\uffff\nGrace\n".encode())
    assert [a.full_name for a in table.attendees] == ["Grace"]
    assert any("no name" in w.message for w in table.warnings)


def test_strict_mode_stops_at_the_first_unprintable_value() -> None:
    with pytest.raises(CsvError) as caught:
        read_attendees("Name,Company\nAda,Eng\ufffe\n".encode(), strict=True)
    assert (caught.value.row, caught.value.column, caught.value.code) == (2, "Company", "unprintable")
    assert "U+FFFE" in str(caught.value)


def test_control_characters_get_a_warning_naming_the_column_too() -> None:
    ordinary = b"Grace,Navy\n" * 10  # a file made mostly of control characters counts as binary
    table = read_attendees(b"Na\x07me,Company\nAda,Eng\x1bines\n" + ordinary + b"\x1a")
    assert table.columns == ("Name", "Company")
    assert [(a.full_name, a.organization) for a in table.attendees][:2] == [("Ada", "Engines"), ("Grace", "Navy")]
    assert len(table.attendees) == 11
    assert [(w.row, w.column) for w in table.warnings] == [(2, "Company")]  # a DOS end-of-file mark is no row
    assert "U+001B (a control character)" in table.warnings[0].message
