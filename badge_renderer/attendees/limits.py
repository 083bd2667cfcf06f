"""How much input one job may bring: bounds that keep a shared function from being starved by one upload."""

from __future__ import annotations

from dataclasses import dataclass

from badge_renderer import limits


@dataclass(frozen=True)
class CsvLimits:
    """Upper bounds checked while reading; each one exceeded is a `CsvError` with its own code."""

    max_bytes: int = limits.CSV_MAX_BYTES
    """The whole file, before decoding (`too_large`)."""
    max_rows: int = limits.CSV_MAX_ROWS
    """Attendee records after the header, blank rows not counted (`too_many_rows`)."""
    max_field_chars: int = limits.FIELD_MAX_CHARS
    """One cell, after decoding (`field_too_long`: a row warning, or an error with strict)."""
