"""Which column feeds which attendee field: header aliases, then the organizer's `--map field=Column` overrides."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from badge_renderer.attendees.headers import match_fields, normalize_header
from badge_renderer.errors import CsvError
from badge_renderer.model import KNOWN_FIELDS

NAME_FIELDS = ("full_name", "first_name", "last_name")
_FIELD_SYNONYMS = {"name": "full_name", "organisation": "organization", "company": "organization"}


@dataclass(frozen=True)
class ColumnPlan:
    """Column indexes per known field, per custom field (from `mapping`), and the rest kept under their header."""

    known: Mapping[str, int]
    custom: Mapping[str, int]
    others: tuple[tuple[str, int], ...]

    @property
    def has_name(self) -> bool:
        return any(f in self.known for f in NAME_FIELDS)

    def field_map(self, columns: Sequence[str]) -> dict[str, str]:
        return {f: columns[i] for f, i in (*self.known.items(), *self.custom.items())}


def plan_columns(
    columns: Sequence[str], mapping: Mapping[str, str] | None, filename: str, matched: Mapping[str, int] | None = None
) -> ColumnPlan:
    """Combine alias matches (or the given `matched`) with `mapping`; an unknown mapped column is a CsvError."""
    known = dict(match_fields(columns) if matched is None else matched)
    custom: dict[str, int] = {}
    for raw_field, column in (mapping or {}).items():
        field = _FIELD_SYNONYMS.get(raw_field.strip(), raw_field.strip())
        if not column.strip():
            known.pop(field, None)  # `--map role=` switches a field off
            continue
        index = find_column(columns, column, filename)
        if field in KNOWN_FIELDS:
            known[field] = index
        else:
            custom[field] = index
    used = set(known.values()) | set(custom.values())
    others = tuple((name, i) for i, name in enumerate(columns) if i not in used)
    return ColumnPlan(known, custom, others)


def find_column(columns: Sequence[str], wanted: str, filename: str) -> int:
    """The column named `wanted`: exactly, then ignoring case/spaces/punctuation, then as a 1-based number."""
    if wanted in columns:
        return columns.index(wanted)
    normalized = normalize_header(wanted)
    for index, column in enumerate(columns):
        if normalize_header(column) == normalized and normalized:
            return index
    if wanted.strip().isdigit() and 1 <= int(wanted) <= len(columns):
        return int(wanted) - 1
    available = ", ".join(f"'{c}'" for c in columns)
    raise CsvError(
        f"The mapping names a column that is not in the file; the columns are: {available}",
        hint="Fix the --map option to use one of these column names (or its number, counting from 1).",
        file=filename,
        column=wanted,
        code="unknown_column",
    )
