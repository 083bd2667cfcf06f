"""Delimiters detected from consistent field counts, including the one-column and one-line files Sniffer gets wrong."""

from __future__ import annotations

import pytest

from badge_renderer.attendees import read_attendees
from badge_renderer.attendees.dialect import detect_delimiter, excel_sep_line


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_is_detected_even_when_values_contain_the_others(delimiter: str) -> None:
    others = "".join(d for d in ",;|" if d != delimiter)
    rows = [["Name", "Company", "Role"], ["Ada Lovelace", f"Engines{others}Ltd", "Speaker"], ["Grace", "Navy", "x"]]
    text = "\n".join(delimiter.join(r) for r in rows) + "\n"
    table = read_attendees(text.encode())
    assert table.delimiter == delimiter
    assert table.attendees[0].organization == f"Engines{others}Ltd"


def test_delimiter_inside_quotes_does_not_count() -> None:
    text = 'Name;Company\n"Lovelace, Ada";"Engines, Ltd"\n"Hopper, Grace";"Navy, US"\n'
    assert detect_delimiter(text) == ";"


def test_a_stray_comma_in_a_semicolon_file_does_not_win() -> None:
    text = "Vorname;Nachname;Ort\nHans;Müller;Berlin, DE\nEva;Schulz;Wien, AT\nOtto;Mayer;Graz\n"
    assert detect_delimiter(text) == ";"


def test_one_column_file_of_names_without_header() -> None:
    table = read_attendees("Ada Lovelace\nGrace Hopper\nJosé García Márquez\n".encode())
    assert table.has_header is False
    assert [a.full_name for a in table.attendees] == ["Ada Lovelace", "Grace Hopper", "José García Márquez"]
    assert [a.row for a in table.attendees] == [1, 2, 3]


def test_one_column_file_with_header_and_names_with_punctuation() -> None:
    table = read_attendees("Name\nDr. Ada King; Countess of Lovelace\nO'Brien | Seán\n".encode())
    assert table.has_header is True
    assert [a.full_name for a in table.attendees] == ["Dr. Ada King; Countess of Lovelace", "O'Brien | Seán"]


def test_one_line_header_only_file_gives_no_attendees_and_no_error() -> None:
    table = read_attendees(b"First Name;Last Name;Company")
    assert table.delimiter == ";"
    assert table.columns == ("First Name", "Last Name", "Company")
    assert table.attendees == ()


def test_one_line_single_name_file() -> None:
    table = read_attendees(b"Ada Lovelace")
    assert [a.full_name for a in table.attendees] == ["Ada Lovelace"]


def test_excel_sep_line_names_the_delimiter_and_is_not_a_row() -> None:
    assert excel_sep_line("sep=;\r\nName;Company\r\n") == (";", 7)
    table = read_attendees(b"sep=|\r\nName|Company\r\nAda, Countess|Engines; Ltd\r\n")
    assert table.delimiter == "|"
    assert table.attendees[0].row == 2  # header is row 1, as Excel shows it
    assert table.attendees[0].organization == "Engines; Ltd"


def test_long_file_samples_only_the_start_and_still_detects() -> None:
    body = "".join(f"Person {i};Company {i}\n" for i in range(20_000))
    assert detect_delimiter("Name;Company\n" + body) == ";"
