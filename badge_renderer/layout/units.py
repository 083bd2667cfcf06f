"""Lengths people type ("85.6x54mm", "3.5 x 2.25 in") turned into PDF points, the one unit the layout computes in."""

from __future__ import annotations

import re

POINTS_PER_INCH = 72.0
MM = POINTS_PER_INCH / 25.4
CM = 10 * MM
INCH = POINTS_PER_INCH

_UNITS = {"mm": MM, "cm": CM, "in": INCH, "inch": INCH, "inches": INCH, '"': INCH, "pt": 1.0}
_NUMBER = r"(\d+(?:[.,]\d+)?|[.,]\d+)"
_DIMENSIONS = re.compile(rf"{_NUMBER}\s*(?:x|×|\*)\s*{_NUMBER}\s*(mm|cm|inches|inch|in|\"|pt)")


def mm(value: float) -> float:
    """Millimetres to points."""
    return value * MM


def to_mm(points: float) -> float:
    """Points to millimetres (for messages people read)."""
    return points / MM


def parse_dimensions(text: str) -> tuple[float, float] | None:
    """'WxH<unit>' as (width, height) in points, or None when the text is not in that form.

    A decimal comma is accepted ("85,6x54mm") because that is how half of Europe types it.
    """
    match = _DIMENSIONS.fullmatch(text.strip().lower())
    if not match:
        return None
    unit = _UNITS[match.group(3)]
    width, height = (float(group.replace(",", ".")) * unit for group in match.group(1, 2))
    return width, height


def mm_text(points: float) -> str:
    """A length in millimetres as people read it on a ruler: '85.6', '210'."""
    return f"{to_mm(points):.1f}".rstrip("0").rstrip(".")


def format_mm(points: float) -> str:
    """'85.6 mm'."""
    return f"{mm_text(points)} mm"
