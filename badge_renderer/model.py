"""The value objects shared by every part of the renderer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from badge_renderer.names import printed_name

Severity = Literal["warning", "error"]


@dataclass(frozen=True)
class RowIssue:
    """A problem with one row (or one field) that did not stop the job; `row` is the 1-based line in the file."""

    row: int | None
    column: str | None
    message: str
    severity: Severity = "warning"

    def to_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class Attendee:
    """One person to print a badge for. Known fields are normalised; every other column is kept in `extra`."""

    row: int
    first_name: str = ""
    last_name: str = ""
    full_name: str = ""
    role: str = ""
    organization: str = ""
    email: str = ""
    pronouns: str = ""
    ticket_type: str = ""
    ticket_id: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def display_name(self) -> str:
        """The name as printed: the full-name column, else first + last (family first, no space, for CJK)."""
        if self.full_name:
            return self.full_name
        return printed_name(self.first_name, self.last_name)

    def get(self, name: str) -> str:
        """Any field by name (known fields first, then the original column names), '' when absent."""
        if name in KNOWN_FIELDS:
            return "" if name == "row" else str(getattr(self, name))
        if name == "name":
            return self.display_name
        return self.extra.get(name, "")


KNOWN_FIELDS = (
    "first_name",
    "last_name",
    "full_name",
    "role",
    "organization",
    "email",
    "pronouns",
    "ticket_type",
    "ticket_id",
)
