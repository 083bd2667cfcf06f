"""Values are safe to print and the reader leaves no global state behind, even when threads read at once."""

from __future__ import annotations

import csv
from concurrent.futures import ThreadPoolExecutor

import pytest

from badge_renderer.attendees import read_attendees
from badge_renderer.errors import CsvError


def test_control_characters_are_dropped_tab_and_newline_kept() -> None:
    # (NUL is not here: a NUL byte makes the file count as binary.)
    ordinary = b"Grace Hopper,Navy\n" * 10  # a file made mostly of control characters counts as binary
    table = read_attendees(b'Name,Notes\nA\x01d\x07a\x1b,"x\ty\nz\x7f' + "\x85".encode() + b'"\n' + ordinary)
    assert table.attendees[0].full_name == "Ada"
    assert table.attendees[0].extra["Notes"] == "x\ty\nz"


def test_crlf_inside_a_quoted_cell_becomes_a_plain_newline() -> None:
    table = read_attendees(b'Name,Notes\r\n"Ada\r\nLovelace","one\rtwo"\r\nGrace,x\r\n')
    assert table.attendees[0].full_name == "Ada\nLovelace"
    assert table.attendees[0].extra["Notes"] == "one\ntwo"
    assert [a.row for a in table.attendees] == [2, 5]  # a lone CR is a line break too


def test_the_csv_field_limit_is_put_back_after_reading() -> None:
    before = csv.field_size_limit()
    read_attendees(("Name,Bio\nAda," + "x" * 300_000 + "\n").encode())
    assert csv.field_size_limit() == before
    with pytest.raises(CsvError):
        read_attendees(b"Company\nx\n")
    assert csv.field_size_limit() == before


def test_concurrent_reads_with_huge_cells_do_not_trip_each_other() -> None:
    data = ("Name,Bio\n" + "".join(f"P{i}," + "x" * 150_000 + "\n" for i in range(5))).encode()

    def read(_: int) -> int:
        return len(read_attendees(data).attendees)

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(read, range(12))) == [5] * 12


def test_a_header_of_non_field_words_is_still_a_header() -> None:
    with pytest.raises(CsvError) as caught:
        read_attendees(b"Handle,Twitter,Notes,City,Phone\n@ada,@ada,x,London,123\n")
    assert caught.value.code == "no_name_column"  # not an attendee called "Handle Twitter"


def test_a_badgeyay_row_with_one_header_like_word_is_still_data() -> None:
    table = read_attendees(b"Jane,Doe,Engineer,GitHub,@jane\n")
    assert table.source_format == "badgeyay"
    assert table.attendees[0].organization == "GitHub"


def test_short_english_headers_org_and_job() -> None:
    table = read_attendees(b"Name,Org,Job\nAda,Engines,CEO\n")
    assert (table.attendees[0].organization, table.attendees[0].role) == ("Engines", "CEO")


def test_a_badgeyay_row_whose_designation_is_attendee_is_data() -> None:
    table = read_attendees(b"Ada,Lovelace,Attendee,Engines,@ada\nGrace,Hopper,Speaker,Navy,@grace\n")
    assert table.source_format == "badgeyay"
    assert [a.role for a in table.attendees] == ["Attendee", "Speaker"]


def test_a_utf8_bom_inside_a_utf16_file_does_not_hide_a_quoted_header() -> None:
    table = read_attendees(('\ufeff"Name","Company"\nAda,Engines\n').encode("utf-16"))
    assert table.columns == ("Name", "Company")
