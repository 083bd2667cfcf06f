"""The exports organizers actually have (Eventyay, pretix, Badgeyay, Excel) read into the right fields."""

from __future__ import annotations

from pathlib import Path

from badge_renderer.attendees import read_attendees, select_ticket_types

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "csv"
EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "attendees.csv"


def read_fixture(name: str):
    return read_attendees((FIXTURES / name).read_bytes(), filename=name)


def test_eventyay_attendee_export() -> None:
    table = read_fixture("eventyay_attendees.csv")
    assert table.source_format == "eventyay"
    ada = table.attendees[0]
    assert (ada.first_name, ada.last_name, ada.email) == ("Ada", "Lovelace", "ada@example.org")
    assert ada.organization == "Analytical Engines Ltd"
    assert ada.role == "Chief Mathematician"
    assert ada.ticket_type == "Speaker Pass"  # "Ticket Name" is the ticket; "Ticket Type" is free/paid
    assert ada.extra["Ticket Type"] == "free"
    assert table.field_map["ticket_type"] == "Ticket Name"


def test_pretix_order_data_position_export() -> None:
    table = read_fixture("pretix_positions.csv")
    assert table.source_format == "pretix"
    margaret, katherine, edsger = table.attendees
    assert margaret.display_name == "Margaret Hamilton"
    assert margaret.email == "margaret@example.com"  # the attendee's, not the buyer's
    assert margaret.extra["Email"] == "buyer@example.com"
    assert margaret.ticket_type == "Conference Ticket"
    assert margaret.ticket_id == "s3cr3tmh000001"
    assert margaret.extra["Order code"] == "ABC12"
    # Name given only in parts: the display name is built from them.
    assert katherine.display_name == "Katherine Johnson"
    assert edsger.organization == "University of Texas, Austin"


def test_badgeyay_headerless_five_columns() -> None:
    table = read_fixture("badgeyay_headerless.csv")
    assert (table.source_format, table.has_header) == ("badgeyay", False)
    assert [a.row for a in table.attendees] == [1, 2, 4]
    guido = table.attendees[2]
    assert (guido.first_name, guido.last_name, guido.role, guido.organization) == (
        "Guido",
        "van Rossum",
        "BDFL emeritus",
        "Microsoft",
    )
    assert guido.extra == {"handle": "@gvanrossum"}


def test_excel_unicode_text_fixture() -> None:
    table = read_fixture("excel_unicode_text.txt")
    assert (table.encoding, table.delimiter) == ("utf-16-le", "\t")
    assert [a.display_name for a in table.attendees] == ["Zoë Ångström", "李小龍"]


def test_german_excel_with_sep_line_and_cp1252() -> None:
    table = read_fixture("german_excel_cp1252.csv")
    assert (table.encoding, table.delimiter) == ("cp1252", ";")
    assert [a.display_name for a in table.attendees] == ["Jürgen Weiß", "Renée Dubois"]
    assert table.attendees[1].organization == "Société Générale; Paris"


def test_excel_csv_utf8_with_bom() -> None:
    table = read_fixture("excel_utf8_bom.csv")
    assert table.encoding == "utf-8-sig"
    assert table.attendees[0].pronouns == "he/him"


def test_pipe_file_with_multiline_notes() -> None:
    table = read_fixture("pipes_multiline.csv")
    assert [a.row for a in table.attendees] == [2, 5]


def test_the_example_file_reads_cleanly_with_every_script() -> None:
    table = read_attendees(EXAMPLE.read_bytes(), filename="attendees.csv")
    assert len(table.attendees) == 40
    assert table.warnings == ()
    names = {a.display_name for a in table.attendees}
    assert {"فاطمة الزهراء", "अनन्या शर्मा", "สมชาย ใจดี", "王伟", 'Dwayne "The Rock" Johnson-Smith'} <= names
    assert len(select_ticket_types(table.attendees, ["speaker"])) == 9


def test_select_ticket_types_uses_ticket_type_then_role() -> None:
    table = read_attendees(b"Name,Ticket Type,Role\nA,Speaker,\nB,,speaker\nC,Attendee,Speaker\nD,,\n")
    assert [a.full_name for a in select_ticket_types(table.attendees, {"SPEAKER "})] == ["A", "B"]
    assert [a.full_name for a in select_ticket_types(table.attendees, ["attendee", "Speaker"])] == ["A", "B", "C"]
    assert len(select_ticket_types(table.attendees, ())) == 4
