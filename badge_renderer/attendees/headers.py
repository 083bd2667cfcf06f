"""Header names to attendee fields: aliases in several languages, matched ignoring case, spaces, accents, punctuation.

Each field lists its aliases in priority order, so when a file has two candidates (pretix's "Attendee email" and
the buyer's "Email", Eventyay's "Ticket Name" and its free/paid "Ticket Type") the one meant for the badge wins.
Words that are also common cell values ("Attendee", "Speaker") are deliberately not aliases: a headerless
Badgeyay row "Ada,Lovelace,Attendee,..." must not be taken for a header.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

# fmt: off
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "full_name": (
        "full name", "name", "attendee name", "participant name", "name on badge", "badge name", "display name",
        "nombre completo", "nom complet", "vollständiger name", "teilnehmername", "nome completo",
        "姓名", "氏名", "이름", "ФИО", "attendees", "participants", "names",
    ),
    "first_name": (
        "first name", "given name", "forename", "firstname", "vorname", "nombre", "prénom", "nome",
        "attendee name: given name", "first", "fname", "имя", "名",
    ),
    "last_name": (
        "last name", "surname", "family name", "lastname", "nachname", "familienname", "apellidos", "apellido", "nom",
        "nom de famille", "cognome", "sobrenome", "attendee name: family name", "last", "lname", "фамилия", "姓",
    ),
    "role": (
        "role", "designation", "job title", "job", "position", "title", "rolle", "funktion", "jobtitel", "cargo",
        "puesto", "fonction", "poste", "ruolo", "должность",
    ),
    "organization": (
        "organization", "organisation", "company", "affiliation", "company name", "organization name",
        "organisation name", "org", "firma", "unternehmen", "empresa", "organización", "entreprise", "société",
        "institution", "employer", "azienda", "организация", "компания", "公司", "会社", "所属", "회사",
    ),
    "email": (
        "attendee email", "attendee e-mail", "email", "e-mail", "email address", "e-mail address", "mail",
        "e-mail-adresse", "correo", "correo electrónico", "courriel", "adresse e-mail", "почта",
    ),
    "pronouns": (
        "pronouns", "pronoun", "pronomen", "pronombres", "pronoms", "pronomi",
    ),
    "ticket_type": (
        "ticket name", "ticket type", "product", "category", "ticket", "ticket category", "registration type",
        "attendee type", "produkt", "ticketart", "kategorie", "tipo de entrada", "tipo de boleto", "type de billet",
    ),
    "ticket_id": (
        "ticket id", "ticket secret", "order code", "order number", "order id", "order", "order#", "ticket number",
        "ticket code", "bestellnummer", "ticket-code", "secret",
    ),
}
# fmt: on


def normalize_header(text: str) -> str:
    """'  Prénom ' -> 'prenom', 'E-Mail' -> 'email', 'Attendee name: Given name' -> 'attendeenamegivenname'."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\ufeff", "")).casefold()
    return "".join(ch for ch in decomposed if ch.isalnum())


def _alias_index() -> dict[str, tuple[str, int]]:
    """normalised alias -> (field, priority); an alias listed under two fields keeps its first."""
    index: dict[str, tuple[str, int]] = {}
    for field, aliases in FIELD_ALIASES.items():
        for priority, alias in enumerate(aliases):
            index.setdefault(normalize_header(alias), (field, priority))
    return index


ALIAS_INDEX = _alias_index()


def match_fields(columns: Sequence[str]) -> dict[str, int]:
    """field -> index of the column that feeds it, the best-priority alias winning when several are present."""
    chosen: dict[str, tuple[int, int]] = {}
    for index, column in enumerate(columns):
        hit = ALIAS_INDEX.get(normalize_header(column))
        if hit is None:
            continue
        field, priority = hit
        if field not in chosen or priority < chosen[field][0]:
            chosen[field] = (priority, index)
    return {field: index for field, (_, index) in chosen.items()}


# Column names that are no attendee field but are typical of a header row; they keep a header such as
# "Handle,Twitter,Notes" from being read as an attendee. Half of the cells must be such words, so a data row
# with one company called "GitHub" is still data.
# fmt: off
HEADER_WORDS = frozenset(
    normalize_header(word)
    for word in (
        "id", "no", "number", "handle", "twitter", "github", "linkedin", "mastodon", "website", "url", "username",
        "nickname", "phone", "telephone", "mobile", "address", "city", "country", "state", "zip", "notes", "note",
        "comment", "comments", "status", "date", "registered", "checked in", "t-shirt", "t-shirt size", "size",
        "diet", "dietary", "dietary requirements", "language", "track", "team", "group", "department", "badge",
        "type", "price", "paid", "seat", "photo", "image", "qr", "barcode", "telefon", "notizen", "ciudad", "país",
    )
)
# fmt: on


def looks_like_header(cells: Sequence[str]) -> bool:
    """A header names at least one field we know, or is mostly words that only appear in header rows."""
    names = [normalize_header(cell) for cell in cells]
    if any(name in ALIAS_INDEX for name in names):
        return True
    present = [name for name in names if name]
    return bool(present) and 2 * sum(name in HEADER_WORDS for name in present) >= len(present)


def source_format(columns: Sequence[str]) -> str:
    """Recognise the exports we know by their tell-tale columns; everything else is 'generic'."""
    names = {normalize_header(c) for c in columns}
    if (
        "ordercode" in names
        and ({"attendeename", "attendeenamegivenname"} & names)
        and ({"product", "ticketsecret", "positionid"} & names)
    ):
        return "pretix"
    if {"firstname", "lastname", "ticketname"} <= names:
        return "eventyay"
    return "generic"


def display_columns(cells: Sequence[str]) -> tuple[str, ...]:
    """Header texts as column names: BOM and outer spaces removed, blanks named, duplicates made unique."""
    columns: list[str] = []
    seen: set[str] = set()
    for position, cell in enumerate(cells, start=1):
        name = cell.replace("\ufeff", "").strip() or f"Column {position}"
        unique, n = name, 2
        while unique in seen:
            unique, n = f"{name} ({n})", n + 1
        seen.add(unique)
        columns.append(unique)
    return tuple(columns)
