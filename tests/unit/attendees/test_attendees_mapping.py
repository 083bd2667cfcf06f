"""`--map field=Column` overrides: known fields, custom fields, switching a field off, and unknown columns."""

from __future__ import annotations

import pytest

from badge_renderer.attendees import read_attendees
from badge_renderer.errors import CsvError

DATA = b"Badge Text,Org,Kind,Team\nAda Lovelace,Engines,Speaker,Core\n"


def test_mapping_names_the_columns_the_aliases_missed() -> None:
    table = read_attendees(DATA, mapping={"full_name": "Badge Text", "organization": "Org", "ticket_type": "Kind"})
    a = table.attendees[0]
    assert (a.display_name, a.organization, a.ticket_type) == ("Ada Lovelace", "Engines", "Speaker")
    assert a.extra == {"Team": "Core"}
    assert table.field_map == {"full_name": "Badge Text", "organization": "Org", "ticket_type": "Kind"}


def test_mapping_matches_columns_ignoring_case_and_spacing() -> None:
    table = read_attendees(DATA, mapping={"name": "badge text"})
    assert table.attendees[0].full_name == "Ada Lovelace"


def test_mapping_overrides_an_alias_match() -> None:
    table = read_attendees(b"Name,Nickname\nAda Lovelace,Ada\n", mapping={"full_name": "Nickname"})
    assert table.attendees[0].display_name == "Ada"
    assert table.attendees[0].extra == {"Name": "Ada Lovelace"}


def test_unknown_field_lands_in_extra_under_the_field_name() -> None:
    table = read_attendees(DATA, mapping={"full_name": "Badge Text", "squad": "Team"})
    assert table.attendees[0].extra["squad"] == "Core"
    assert table.attendees[0].get("squad") == "Core"


def test_empty_column_switches_an_alias_match_off() -> None:
    table = read_attendees(b"Name,Role\nAda,CEO\n", mapping={"role": ""})
    assert table.attendees[0].role == ""
    assert table.attendees[0].extra == {"Role": "CEO"}


def test_unknown_column_names_it_and_lists_the_available_ones() -> None:
    with pytest.raises(CsvError) as caught:
        read_attendees(DATA, filename="list.csv", mapping={"full_name": "Attendee"})
    err = caught.value
    assert (err.code, err.column, err.file) == ("unknown_column", "Attendee", "list.csv")
    for column in ("Badge Text", "Org", "Kind", "Team"):
        assert column in err.message


def test_headerless_file_can_be_mapped_by_column_number() -> None:
    table = read_attendees(b"x1,Ada Lovelace,Engines\nx2,Grace Hopper,Navy\n", mapping={"full_name": "2"})
    assert table.has_header is False
    assert [a.full_name for a in table.attendees] == ["Ada Lovelace", "Grace Hopper"]
    assert table.attendees[0].extra == {"Column 1": "x1", "Column 3": "Engines"}
