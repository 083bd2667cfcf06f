"""Files that cannot be used fail with one CsvError that says what is wrong and what to do."""

from __future__ import annotations

import gzip
import io
import zipfile

import pytest

from badge_renderer.attendees import CsvLimits, read_attendees
from badge_renderer.errors import CsvError


def xlsx_bytes() -> bytes:
    """A minimal zip laid out like an .xlsx (member names are what give it away)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    return buffer.getvalue()


def plain_zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("attendees.csv", "Name\nAda\n")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF document"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
        (xlsx_bytes(), "Excel workbook"),
        (plain_zip_bytes(), "ZIP archive"),
        (gzip.compress(b"Name\nAda\n"), "gzip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), ".xls"),
        (b"Name\nAda\x00\x01\x02\x03\xff\xfe\x00\x00garbage", "binary data"),
        (bytes(range(1, 32)) * 20, "does not look like text"),
    ],
    # Stable ids: zip/gzip bytes embed timestamps, and xdist workers must collect identical test names.
    ids=["png", "pdf", "jpeg", "xlsx", "zip", "gzip", "xls", "binary", "control-chars"],
)
def test_binary_files_are_refused_with_a_one_line_message(data: bytes, says: str) -> None:
    with pytest.raises(CsvError) as caught:
        read_attendees(data, filename="attendees.csv")
    err = caught.value
    assert err.code == "not_text"
    assert says in err.message
    assert err.hint
    assert "\n" not in str(err)


def test_xlsx_hint_says_export_it_as_csv() -> None:
    with pytest.raises(CsvError) as caught:
        read_attendees(xlsx_bytes(), filename="attendees.xlsx")
    assert "export it as CSV" in caught.value.hint


def test_no_usable_name_column() -> None:
    with pytest.raises(CsvError) as caught:
        read_attendees(b"Company,Email,Role\nEngines,ada@example.org,CEO\n", filename="a.csv")
    err = caught.value
    assert (err.code, err.row) == ("no_name_column", 1)
    assert "'Company', 'Email', 'Role'" in err.message
    assert "--map full_name=" in err.hint


def test_headerless_file_of_an_unknown_shape() -> None:
    with pytest.raises(CsvError) as caught:
        read_attendees(b"Ada,Lovelace,Engines\nGrace,Hopper,Navy\n")
    assert caught.value.code == "no_header"
    assert caught.value.row == 1


@pytest.mark.parametrize("data", [b"", b"   \r\n\n", b"\xef\xbb\xbf", b"\xff\xfe"])
def test_empty_files(data: bytes) -> None:
    with pytest.raises(CsvError) as caught:
        read_attendees(data)
    assert caught.value.code == "empty"


def test_file_over_the_byte_limit_is_refused_before_decoding() -> None:
    with pytest.raises(CsvError) as caught:
        read_attendees(b"Name\n" + b"A\n" * 600, limits=CsvLimits(max_bytes=1_000))
    assert caught.value.code == "too_large"
    assert "1,000" in caught.value.message


def test_default_byte_limit_is_ten_megabytes() -> None:
    assert CsvLimits().max_bytes == 10_000_000
    with pytest.raises(CsvError) as caught:
        read_attendees(b"x" * 10_000_001)
    assert caught.value.code == "too_large"


def test_too_many_rows_stops_at_the_first_row_over_the_limit() -> None:
    # The damaged tail would produce a warning if the reader went on past the limit.
    data = b"Name\n" + b"Ada\n" * 10 + b"\n\n" + b"Ada\xff\n" * 5
    with pytest.raises(CsvError) as caught:
        read_attendees(data, limits=CsvLimits(max_rows=10))
    err = caught.value
    assert (err.code, err.row) == ("too_many_rows", 14)
    assert "10" in err.message


def test_exactly_max_rows_is_fine_and_blank_rows_do_not_count() -> None:
    table = read_attendees(b"Name\n" + b"Ada\n\n" * 10, limits=CsvLimits(max_rows=10))
    assert len(table.attendees) == 10


def test_error_dict_for_the_job_status() -> None:
    with pytest.raises(CsvError) as caught:
        read_attendees(b"Company\nEngines\n", filename="a.csv")
    data = caught.value.to_dict()
    assert data["code"] == "no_name_column"
    assert data["file"] == "a.csv"
