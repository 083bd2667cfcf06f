"""Fuzzing: whatever bytes arrive, read_attendees returns a table or raises CsvError, never anything else."""

from __future__ import annotations

import codecs
import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from badge_renderer.attendees import AttendeeTable, CsvLimits, read_attendees
from badge_renderer.errors import CsvError
from badge_renderer.printable import printable

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SMALL = CsvLimits(max_bytes=20_000, max_rows=40, max_field_chars=50)


def read_or_error(data: bytes, **kwargs) -> AttendeeTable | CsvError:
    try:
        return read_attendees(data, limits=SMALL, **kwargs)
    except CsvError as err:
        assert err.message and "\n" not in str(err)
        return err


@FUZZ
@given(st.binary(max_size=2_000), st.booleans())
def test_arbitrary_bytes_never_crash(data: bytes, strict: bool) -> None:
    result = read_or_error(data, strict=strict)
    assert isinstance(result, AttendeeTable | CsvError)


cells = st.text(max_size=30)
header_cells = st.sampled_from(["Name", "First Name", "Nachname", "Company", "E-Mail", "Role", "x", "", "Notes"])
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "utf-32"])


@FUZZ
@given(
    header=st.lists(header_cells, min_size=1, max_size=5),
    rows=st.lists(st.lists(cells, max_size=6), max_size=12),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=encodings,
    mapping=st.none() | st.dictionaries(st.sampled_from(["full_name", "role", "custom"]), header_cells, max_size=2),
    strict=st.booleans(),
)
def test_generated_csv_text_never_crashes(header, rows, delimiter, encoding, mapping, strict) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding, errors="replace")
    result = read_or_error(data, mapping=mapping, strict=strict)
    if isinstance(result, AttendeeTable):
        rows_seen = [a.row for a in result.attendees] + [w.row for w in result.warnings if w.row is not None]
        assert all(row >= 1 for row in rows_seen)
        assert all(a.display_name for a in result.attendees)


plain = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=20).filter(
    lambda s: s.strip() == s and not any(d in s for d in ",;\t|") and "\ufffd" not in s and printable(s).text == s
)  # names a badge can print; the others lose their unprintable characters (tests/unit/attendees/test_printable.py)


@FUZZ
@given(
    people=st.lists(st.tuples(plain, plain), min_size=1, max_size=15),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    bom=st.sampled_from([("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE)]),
)
def test_names_and_companies_round_trip(people, delimiter, bom) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["Name", "Company"])
    writer.writerows(people)
    encoding, prefix = bom
    table = read_attendees(prefix + buffer.getvalue().encode(encoding))
    assert table.delimiter == delimiter
    assert [(a.full_name, a.organization) for a in table.attendees] == people
    assert [a.row for a in table.attendees] == list(range(2, len(people) + 2))
