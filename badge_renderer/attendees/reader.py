"""read_attendees: attendee file bytes -> AttendeeTable. The pipeline; each step lives in its own module."""

from __future__ import annotations

import csv
import io
import threading
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from badge_renderer.attendees.columns import ColumnPlan, plan_columns
from badge_renderer.attendees.decoding import decode_csv_bytes
from badge_renderer.attendees.dialect import detect_delimiter, excel_sep_line
from badge_renderer.attendees.headers import display_columns, looks_like_header, source_format
from badge_renderer.attendees.limits import CsvLimits
from badge_renderer.attendees.rows import RowBuilder
from badge_renderer.attendees.table import AttendeeTable
from badge_renderer.errors import CsvError
from badge_renderer.printable import printable

BADGEYAY_COLUMNS = ("first", "last", "designation", "organisation", "handle")
_BADGEYAY_FIELDS = {"first_name": 0, "last_name": 1, "role": 2, "organization": 3}
_HEADER_HINT = (
    "Add a header row naming the columns, e.g. 'First Name,Last Name,Company,Role,Email' (or 'Name'), "
    "or say which column holds the names with --map full_name=Column."
)


def read_attendees(
    data: bytes,
    *,
    filename: str = "attendees.csv",
    mapping: Mapping[str, str] | None = None,
    limits: CsvLimits = CsvLimits(),  # frozen, so one shared default is safe
    strict: bool = False,
) -> AttendeeTable:
    """Read any attendee CSV an organizer has. Fatal problems raise CsvError; row problems become warnings."""
    if len(data) > limits.max_bytes:
        raise CsvError(
            f"The file is {len(data):,} bytes, over the limit of {limits.max_bytes:,}",
            hint="Split the attendee list into smaller files.",
            file=filename,
            code="too_large",
        )
    decoded = decode_csv_bytes(data, filename)
    declared, skip = excel_sep_line(decoded.text)
    # Control characters and the like are removed per value by the row builder (printable), which can say where.
    body = decoded.text[skip:].removeprefix("\ufeff")  # a second BOM after a UTF-16 one
    # Excel's "Unicode Text" is the only common UTF-16 export, and it is tab separated.
    prefer = "\t" if decoded.encoding.startswith(("utf-16", "utf-32")) else ","
    delimiter = declared or detect_delimiter(body, prefer=prefer)
    with _csv_field_limit():
        records = _records(body, delimiter, filename)
        header_row, first = next(records, (0, []))
        if not first:
            raise _empty_file(filename)
        has_header, columns, plan, fmt = _column_plan(first, header_row, mapping, filename)
        pending = [] if has_header else [(header_row, first)]  # a headerless file's first row is an attendee
        builder = RowBuilder(plan, columns, limits, filename=filename, strict=strict, damaged_text=decoded.damaged)
        for count, (row, cells) in enumerate(_chain(pending, records), start=1):
            if count > limits.max_rows:
                raise CsvError(
                    f"The file has more than {limits.max_rows:,} attendee rows",
                    hint=f"Split it into files of at most {limits.max_rows:,} attendees each.",
                    file=filename,
                    row=row,
                    code="too_many_rows",
                )
            builder.add(row, cells)
    from badge_renderer.attendees.tickets import duplicate_ticket_warnings

    return AttendeeTable(
        attendees=tuple(builder.attendees),
        warnings=(*builder.warnings, *duplicate_ticket_warnings(builder.attendees)),
        columns=tuple(columns),
        field_map=plan.field_map(columns),
        encoding=decoded.encoding,
        delimiter=delimiter,
        source_format=fmt,
        has_header=has_header,
        sample_rows=tuple(builder.sample_rows),
    )


def _empty_file(filename: str) -> CsvError:
    return CsvError(
        "The file is empty",
        hint="Upload a CSV with a header row and one attendee per row.",
        file=filename,
        code="empty",
    )


def _column_plan(
    first: Sequence[str], row: int, mapping: Mapping[str, str] | None, filename: str
) -> tuple[bool, tuple[str, ...], ColumnPlan, str]:
    """Is the first row a header, what are the columns, which field comes from which, and what export is it."""
    first = [printable(cell).text for cell in first]  # a header cell is a name, not something to warn about
    has_header = looks_like_header(first) or _mapping_names_columns(mapping)
    if has_header:
        columns = display_columns(first)
        plan = plan_columns(columns, mapping, filename)
        fmt = source_format(columns)
    else:
        columns, plan, fmt = _headerless_plan(first, row, mapping, filename)
    if not plan.has_name:
        err = CsvError(
            f"No column with attendee names was found; the columns are: {', '.join(map(repr, columns))}",
            hint="Name a column 'Name' (or 'First Name' and 'Last Name'), or use --map full_name=Column.",
            file=filename,
            row=row if has_header else None,
            code="no_name_column",
        )
        err.columns = tuple(columns)  # type: ignore[attr-defined]  # a form can offer them for the mapping
        raise err
    return has_header, columns, plan, fmt


def _headerless_plan(
    first: Sequence[str], row: int, mapping: Mapping[str, str] | None, filename: str
) -> tuple[tuple[str, ...], ColumnPlan, str]:
    """Without a header only two shapes are safe to guess: Badgeyay's five columns and a plain list of names."""
    if mapping:
        columns = tuple(f"Column {i}" for i in range(1, len(first) + 1))
        return columns, plan_columns(columns, mapping, filename, matched={}), "generic"
    if len(first) == len(BADGEYAY_COLUMNS):
        return BADGEYAY_COLUMNS, plan_columns(BADGEYAY_COLUMNS, None, filename, matched=_BADGEYAY_FIELDS), "badgeyay"
    if len(first) == 1:
        return ("name",), plan_columns(("name",), None, filename, matched={"full_name": 0}), "generic"
    shown = ", ".join(repr(c.strip()) for c in first[:6])
    raise CsvError(
        f"The first row ({shown}) is not a recognised header row, so the columns are unknown",
        hint=_HEADER_HINT,
        file=filename,
        row=row,
        code="no_header",
    )


def _mapping_names_columns(mapping: Mapping[str, str] | None) -> bool:
    """A mapping that names columns by text implies the first row holds those names; numbers work without one."""
    return any(column.strip() and not column.strip().isdigit() for column in (mapping or {}).values())


def _records(text: str, delimiter: str, filename: str) -> Iterator[tuple[int, list[str]]]:
    """Non-blank records with the physical line each starts on (quoted newlines span lines, blank rows count).

    Lines are counted after an Excel `sep=` line, because Excel hides it and shows the header as row 1.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            if not _blank("".join(cells)):
                if reader.line_num > start:  # a quoted cell spans lines: keep its breaks, as plain newlines
                    cells = [cell.replace("\r\n", "\n").replace("\r", "\n") for cell in cells]
                yield start, cells
            start = reader.line_num + 1
    except csv.Error as err:
        raise CsvError(
            f"The row cannot be read as CSV ({err})",
            hint="Check for an unmatched quote in this row.",
            file=filename,
            row=start,
            code="bad_row",
        ) from None


def _blank(text: str) -> bool:
    """Nothing but spaces and control characters (a DOS end-of-file mark after the last line): not a record."""
    stripped = text.strip()
    if not stripped or stripped.isprintable():
        return not stripped
    return all(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in stripped)


def _chain(
    pending: list[tuple[int, list[str]]], rest: Iterator[tuple[int, list[str]]]
) -> Iterator[tuple[int, list[str]]]:
    yield from pending
    yield from rest


# The csv module's cell limit (131,072 characters) is process-global. Our own max_field_chars is the real limit,
# so the module's is lifted while any read is running and put back when the last one ends; a lock and a count
# keep concurrent reads (threads in one function instance) from lowering it under each other.
_FIELD_LIMIT = 2**31 - 1
_limit_lock = threading.Lock()
_limit_users = 0
_limit_saved = 0


@contextmanager
def _csv_field_limit() -> Iterator[None]:
    global _limit_users, _limit_saved
    with _limit_lock:
        if _limit_users == 0:
            _limit_saved = csv.field_size_limit()
            csv.field_size_limit(max(_limit_saved, _FIELD_LIMIT))
        _limit_users += 1
    try:
        yield
    finally:
        with _limit_lock:
            _limit_users -= 1
            if _limit_users == 0:
                csv.field_size_limit(_limit_saved)
