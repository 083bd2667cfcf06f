"""How much input one job may bring: bounds that keep a shared function from being starved by one upload."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CsvLimits:
    """Upper bounds checked while reading; each one exceeded is a `CsvError` with its own code."""

    max_bytes: int = 10_000_000
    """The whole file, before decoding (`too_large`)."""
    max_rows: int = 50_000
    """Attendee records after the header, blank rows not counted (`too_many_rows`)."""
    max_field_chars: int = 1_000
    """One cell, after decoding (`field_too_long`: a row warning, or an error with strict)."""
