"""Named papers and badge sizes, and the parsers that turn what a user typed into a Size (or a clear OptionsError)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType

from badge_renderer.errors import OptionsError
from badge_renderer.layout.geometry import Size
from badge_renderer.layout.units import INCH, MM, parse_dimensions

# Portrait, as the sheets come out of the tray; the imposition may turn badges on them (never the paper).
PAPERS: Mapping[str, Size] = MappingProxyType(
    {
        "a3": Size(297 * MM, 420 * MM, "A3"),
        "a4": Size(210 * MM, 297 * MM, "A4"),
        "a5": Size(148 * MM, 210 * MM, "A5"),
        "letter": Size(8.5 * INCH, 11 * INCH, "Letter"),
        "legal": Size(8.5 * INCH, 14 * INCH, "Legal"),
    }
)
_PAPER_ALIASES = {"usletter": "letter", "us-letter": "letter", "uslegal": "legal", "us-legal": "legal"}

# A badge size is used exactly as given: "4x3in" is 4 in wide and 3 in tall.
BADGE_SIZES: Mapping[str, Size] = MappingProxyType(
    {
        "4x3in": Size(4 * INCH, 3 * INCH, "4x3in"),
        "3x4in": Size(3 * INCH, 4 * INCH, "3x4in"),
        "4.5x4in": Size(4.5 * INCH, 4 * INCH, "4.5x4in"),
        "4x4.5in": Size(4 * INCH, 4.5 * INCH, "4x4.5in"),
        "3.5x2.25in": Size(3.5 * INCH, 2.25 * INCH, "3.5x2.25in"),
        "a6": Size(105 * MM, 148 * MM, "A6"),
        "a7": Size(74 * MM, 105 * MM, "A7"),
        "id-1": Size(85.6 * MM, 54 * MM, "ID-1"),
    }
)
_BADGE_ALIASES = {"id1": "id-1", "cr80": "id-1", "cr-80": "id-1"}

# Bigger than A0 or smaller than a fingernail is a typo, not a paper.
_LARGEST = 1200 * MM
_SMALLEST = 10 * MM


def _key(text: str) -> str:
    return "".join(text.strip().lower().split())


def _parse(text: object, names: Mapping[str, Size], aliases: Mapping[str, str], option: str, example: str) -> Size:
    valid = ", ".join(size.name for size in names.values())
    if not isinstance(text, str) or not text.strip():
        raise OptionsError(
            f"No {option.replace('_', ' ')} given", hint=f"Use one of: {valid}, or {example}.", column=option
        )
    key = _key(text)
    key = aliases.get(key, key)
    if key in names:
        return names[key]
    dimensions = parse_dimensions(text)
    if dimensions is None:
        raise OptionsError(
            f"Unknown {option.replace('_', ' ')} '{text.strip()}'",
            hint=f"Use one of: {valid}, or a custom size like {example}.",
            column=option,
        )
    width, height = dimensions
    if not all(math.isfinite(v) and _SMALLEST <= v <= _LARGEST for v in dimensions):
        raise OptionsError(
            f"The {option.replace('_', ' ')} '{text.strip()}' is out of range",
            hint="Each side must be between 10 mm and 1200 mm.",
            column=option,
        )
    return Size(width, height, text.strip())


def parse_paper(text: str) -> Size:
    """'A4', 'letter', 'US Legal', '210x297mm', '8.5x11in' -> the paper Size (portrait as given)."""
    return _parse(text, PAPERS, _PAPER_ALIASES, "paper", "210x297mm")


def parse_badge_size(text: str) -> Size:
    """'4x3in', 'A6', 'ID-1', 'CR80', '3.5 x 2.25 in', '90x54mm' -> the badge Size (width x height as given)."""
    return _parse(text, BADGE_SIZES, _BADGE_ALIASES, "badge_size", "90x54mm")
