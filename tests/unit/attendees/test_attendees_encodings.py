"""Every encoding an organizer's spreadsheet writes reads to the same attendees."""

from __future__ import annotations

import codecs

import pytest

from badge_renderer.attendees import read_attendees
from badge_renderer.errors import CsvError

TEXT = "Name,Company\nZoë Ångström,Café Ünïcode\nΣωκράτης Παπαδόπουλος,Πανεπιστήμιο\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
        (codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), "utf-32-le"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),  # no BOM: told apart by the NUL pattern
        (TEXT.encode("utf-16-be"), "utf-16-be"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-32-le-bom", "utf-16-le", "utf-16-be"],
)
def test_unicode_encodings_read_the_same_names(data: bytes, encoding: str) -> None:
    table = read_attendees(data)
    assert table.encoding == encoding
    assert [a.display_name for a in table.attendees] == ["Zoë Ångström", "Σωκράτης Παπαδόπουλος"]
    assert table.columns == ("Name", "Company")
    assert table.warnings == ()


def test_excel_bom_does_not_stick_to_the_first_header() -> None:
    table = read_attendees(codecs.BOM_UTF8 + b"First Name,Last Name\nAda,Lovelace\n")
    assert table.columns[0] == "First Name"
    assert table.field_map["first_name"] == "First Name"
    assert table.attendees[0].first_name == "Ada"


def test_excel_unicode_text_is_utf16_and_tab_separated() -> None:
    data = ("Name\tCompany\tRole\r\nAda Lovelace\tEngines, Ltd\tSpeaker\r\n").encode("utf-16")
    table = read_attendees(data)
    assert table.delimiter == "\t"
    assert table.attendees[0].organization == "Engines, Ltd"


def test_cp1252_is_the_fallback_for_legacy_windows_files() -> None:
    table = read_attendees("Name;Firma\nJürgen Weiß;Müller & Söhne – “Köln”\n".encode("cp1252"))
    assert table.encoding == "cp1252"
    assert table.attendees[0].display_name == "Jürgen Weiß"
    assert table.attendees[0].organization == "Müller & Söhne – “Köln”"
    assert table.warnings == ()


def test_bytes_no_encoding_can_read_become_a_row_warning_with_row_and_column() -> None:
    # Mostly UTF-8 with one broken byte: kept as UTF-8, the damaged row is reported.
    data = "Name,Company\nZoë Ångström,Café\nÉmile Zola,".encode() + b"Bad\xff Co\n"
    table = read_attendees(data)
    assert table.encoding == "utf-8"
    assert len(table.attendees) == 2
    [issue] = table.warnings
    assert (issue.row, issue.column) == (3, "Company")
    assert "decoded" in issue.message


def test_undefined_cp1252_bytes_are_reported_too() -> None:
    table = read_attendees(b"Name\nA\x81da\n")
    assert table.encoding == "cp1252"
    assert [(w.row, w.column) for w in table.warnings] == [(2, "Name")]


def test_strict_turns_the_encoding_warning_into_an_error() -> None:
    with pytest.raises(CsvError) as caught:
        read_attendees(b"Name\nGood\nA\x81da\n", strict=True)
    assert (caught.value.code, caught.value.row, caught.value.column) == ("bad_encoding", 3, "Name")
