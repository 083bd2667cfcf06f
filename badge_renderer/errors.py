"""Errors as types: each carries where it happened and what to do, and is turned into a message at the edge."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class BadgeForgeError(Exception):
    """A problem the user can fix. Never shown as a traceback: the CLI, job status and API print `str(err)`."""

    message: str
    hint: str = ""
    file: str | None = None
    row: int | None = None
    column: str | None = None
    code: str = field(default="bad_input")

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        text = (": ".join([", ".join(where), self.message]) if where else self.message).rstrip(".")
        return f"{text}. {self.hint}".strip() if self.hint else f"{text}."

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape used in job status and API errors: {code, message, row?, column?, file?, hint?}."""
        data: dict[str, Any] = {"code": self.code, "message": str(self)}
        for key in ("row", "column", "file", "hint"):
            value = getattr(self, key)
            if value not in (None, ""):
                data[key] = value
        return data


class CsvError(BadgeForgeError):
    """The attendee file cannot be used (not text, no name column, over a limit, bad row in --strict)."""


class OptionsError(BadgeForgeError):
    """A render option (paper, size, colour, design, mapping) is invalid; `column` names the option."""


class DesignError(BadgeForgeError):
    """A design is missing, malformed, or does not fit the chosen paper."""


class ImageError(BadgeForgeError):
    """An uploaded image is not an allowed format, is too large, or is a decompression bomb."""


class RenderError(BadgeForgeError):
    """Drawing failed for every badge of the job, so there is nothing worth printing (one badge failing is a row
    issue, not this)."""
