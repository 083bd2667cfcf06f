"""Header aliases in several languages map to the same fields; every other column is kept in `extra`."""

from __future__ import annotations

import pytest

from badge_renderer.attendees import read_attendees
from badge_renderer.attendees.headers import match_fields, normalize_header


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Full Name", "full_name"),
        ("name", "full_name"),
        ("Attendee Name", "full_name"),
        ("Nombre completo", "full_name"),
        ("氏名", "full_name"),
        ("First Name", "first_name"),
        ("given_name", "first_name"),
        ("Vorname", "first_name"),
        ("Prénom", "first_name"),
        ("NOMBRE", "first_name"),
        ("Last-Name", "last_name"),
        ("Surname", "last_name"),
        ("Family name", "last_name"),
        ("Nachname", "last_name"),
        ("Apellidos", "last_name"),
        ("Фамилия", "last_name"),
        ("Designation", "role"),
        ("Job Title", "role"),
        ("Position", "role"),
        ("Organisation", "organization"),
        ("Company", "organization"),
        ("Affiliation", "organization"),
        ("Firma", "organization"),
        ("Empresa", "organization"),
        ("Unternehmen", "organization"),
        ("Société", "organization"),
        ("E-Mail", "email"),
        ("Email Address", "email"),
        ("Correo electrónico", "email"),
        ("Pronouns", "pronouns"),
        ("Ticket Type", "ticket_type"),
        ("Product", "ticket_type"),
        ("Category", "ticket_type"),
        ("Order code", "ticket_id"),
        ("Ticket ID", "ticket_id"),
        ("Ticket secret", "ticket_id"),
    ],
)
def test_alias_maps_to_field(header: str, field: str) -> None:
    assert match_fields([f"  {header} "]) == {field: 0}


def test_normalisation_ignores_case_spaces_accents_and_punctuation() -> None:
    assert normalize_header("\ufeff  Prénom ") == "prenom"
    assert normalize_header("E-MAIL") == normalize_header("e mail") == "email"
    assert normalize_header("Attendee name: Given name") == "attendeenamegivenname"


def test_best_alias_wins_when_two_columns_could_feed_a_field() -> None:
    fields = match_fields(["Email", "Attendee email", "Ticket Type", "Ticket Name"])
    assert fields == {"email": 1, "ticket_type": 3}


def test_german_and_spanish_headers_fill_the_same_fields() -> None:
    german = read_attendees("Vorname;Nachname;Firma;Funktion\nJürgen;Weiß;ACME;CTO\n".encode())
    spanish = read_attendees("Nombre,Apellidos,Empresa,Cargo\nJürgen,Weiß,ACME,CTO\n".encode())
    for table in (german, spanish):
        [a] = table.attendees
        assert (a.display_name, a.organization, a.role) == ("Jürgen Weiß", "ACME", "CTO")


def test_other_columns_are_kept_in_extra_under_their_header_text() -> None:
    table = read_attendees(b"Name,T-Shirt Size,Diet,\nAda,M,vegan,x\n")
    a = table.attendees[0]
    assert a.extra == {"T-Shirt Size": "M", "Diet": "vegan", "Column 4": "x"}
    assert a.get("T-Shirt Size") == "M"


def test_duplicate_headers_get_unique_names() -> None:
    table = read_attendees(b"Name,Note,Note\nAda,one,two\n")
    assert table.columns == ("Name", "Note", "Note (2)")
    assert table.attendees[0].extra == {"Note": "one", "Note (2)": "two"}
