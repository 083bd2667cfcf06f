"""Row numbers, blank rows, short and long rows, and row problems as warnings or (strict) errors."""

from __future__ import annotations

import pytest

from badge_renderer.attendees import CsvLimits, read_attendees
from badge_renderer.errors import CsvError


def test_quoted_newlines_keep_row_numbers_on_the_physical_line_where_a_record_starts() -> None:
    text = 'Name,Notes\n"Ada\nLovelace","one\ntwo\nthree"\nGrace Hopper,x\r\n\r\n"Alan",""\n'
    table = read_attendees(text.encode())
    assert [(a.row, a.full_name) for a in table.attendees] == [(2, "Ada\nLovelace"), (6, "Grace Hopper"), (8, "Alan")]
    assert table.attendees[0].extra["Notes"] == "one\ntwo\nthree"


def test_blank_rows_and_rows_of_empty_cells_are_skipped_silently() -> None:
    table = read_attendees(b"Name,Company\n\n,\n   ,  \nAda,Engines\n\n\n")
    assert [(a.row, a.full_name) for a in table.attendees] == [(5, "Ada")]
    assert table.warnings == ()


def test_cells_are_trimmed_and_short_rows_are_padded() -> None:
    table = read_attendees(b"Name,Company,Email\n  Ada Lovelace  , Engines \nGrace\n")
    assert table.attendees[0].full_name == "Ada Lovelace"
    assert table.attendees[0].organization == "Engines"
    assert table.attendees[1].email == ""
    assert table.warnings == ()


def test_row_with_more_fields_than_header_is_a_warning() -> None:
    table = read_attendees(b"Name,Company\nAda,Engines,Ltd\nGrace,Navy,\n")
    assert [a.organization for a in table.attendees] == ["Engines", "Navy"]
    [issue] = table.warnings  # a trailing empty cell is not a problem
    assert issue.row == 2
    assert "3 fields" in issue.message


def test_row_without_a_name_is_skipped_with_a_warning() -> None:
    table = read_attendees(b"First Name,Last Name,Company\nAda,Lovelace,Engines\n,,Navy\n")
    assert [a.display_name for a in table.attendees] == ["Ada Lovelace"]
    [issue] = table.warnings
    assert issue.row == 3
    assert "no name" in issue.message
    assert issue.severity == "warning"


def test_last_name_alone_is_a_name() -> None:
    table = read_attendees(b"First Name,Last Name\n,Lovelace\n")
    assert table.attendees[0].display_name == "Lovelace"


def test_field_too_long_is_cut_and_reported_with_its_column() -> None:
    table = read_attendees(("Name,Company\nAda," + "E" * 50 + "\n").encode(), limits=CsvLimits(max_field_chars=20))
    assert table.attendees[0].organization == "E" * 20
    [issue] = table.warnings
    assert (issue.row, issue.column) == (2, "Company")
    assert "50 characters" in issue.message


def test_fields_beyond_the_csv_modules_own_limit_are_handled_by_ours() -> None:
    huge = "x" * 200_000  # over csv's default 131,072-character limit
    table = read_attendees(f"Name,Bio\nAda,{huge}\n".encode())
    assert len(table.attendees[0].extra["Bio"]) == CsvLimits().max_field_chars
    assert table.warnings[0].column == "Bio"


@pytest.mark.parametrize(
    ("text", "code", "row", "column"),
    [
        ("Name,Company\nAda,Engines\n,Navy\n", "no_name", 3, None),
        ("Name,Company\nAda," + "E" * 2000 + "\n", "field_too_long", 2, "Company"),
        ("Name,Company\nAda,Engines,Extra\n", "bad_row", 2, None),
    ],
)
def test_strict_raises_the_first_row_problem(text: str, code: str, row: int, column: str | None) -> None:
    with pytest.raises(CsvError) as caught:
        read_attendees(text.encode(), strict=True, filename="team.csv")
    err = caught.value
    assert (err.code, err.row, err.column, err.file) == (code, row, column, "team.csv")
    assert "\n" not in str(err)
    assert str(err).startswith(f"team.csv, row {row}")


def test_warnings_become_row_issue_dicts_for_the_json_summary() -> None:
    table = read_attendees(b"Name,Company\n,Navy\n")
    assert table.warnings[0].to_dict() == {"row": 2, "column": None, "message": table.warnings[0].message}
