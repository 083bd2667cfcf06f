"""How much input one job may bring: the one place these numbers are written down.

The CSV reader (CsvLimits), the image checks, the cloud settings (BADGEFORGE_CSV_MAX_BYTES, _CSV_MAX_ROWS,
_IMAGE_MAX_BYTES start from these) and the web API all read them from here, so they cannot disagree again.
Sizes are decimal (10 MB = 10,000,000 bytes), as the README and the error messages say them.
"""

from __future__ import annotations

CSV_MAX_BYTES = 10_000_000
"""Default size of an attendee file, before decoding."""
CSV_MAX_BYTES_CEILING = 200_000_000
"""The most BADGEFORGE_CSV_MAX_BYTES may allow (the whole file is held in memory while it is read)."""
CSV_MAX_ROWS = 50_000
"""Default number of attendee records after the header."""
CSV_MAX_ROWS_CEILING = 1_000_000
"""The most BADGEFORGE_CSV_MAX_ROWS may allow."""
FIELD_MAX_CHARS = 1_000
"""One CSV cell, after decoding."""
IMAGE_MAX_BYTES = 10_000_000
"""A background or logo image, before decoding. Also the renderer's own cap, so BADGEFORGE_IMAGE_MAX_BYTES may only
lower it: an image the API accepted must never be refused by the renderer later."""
IMAGE_MAX_PIXELS = 40_000_000
"""Width x height of an image (about an A4 page at 600 dpi), checked before the pixels are decoded."""

DESIGN_MAX_BYTES = 20_000_000
"""A design document (JSON, its images embedded as base64), checked before it is parsed."""
DESIGN_MAX_ELEMENTS = 200
DESIGN_MAX_ASSETS = 20
DESIGN_MAX_OVERRIDES = 50
"""Ticket types a design document may give their own colours, backgrounds or elements."""
DESIGN_MIN_SIDE_MM = 20.0
DESIGN_MAX_SIDE_MM = 450.0
"""A badge side: a 20 mm button to an A3 sheet's long side."""
SVG_MAX_BYTES = 2_000_000
"""SVG artwork inside a design document, before it is parsed."""
SVG_MAX_ELEMENTS = 20_000
PHOTOS_ZIP_MAX_BYTES = 200_000_000
"""An uploaded ZIP of attendee photos, as uploaded."""
PHOTOS_MAX_ENTRIES = 5_000
PHOTOS_MAX_TOTAL_BYTES = 1_000_000_000
"""Every photo of a ZIP, uncompressed (the sum of the sizes its entries declare and then really have)."""
PHOTOS_MAX_RATIO = 50
"""Uncompressed / compressed size of one ZIP entry: photos are already compressed, so a bigger ratio is a bomb."""


def describe_bytes(n: int) -> str:
    """10_000_000 -> '10 MB', 2_000 -> '2 kB', 60 -> '60 bytes': limits as people write them."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:g} MB"
    if n >= 1_000:
        return f"{n / 1_000:g} kB"
    return f"{n} byte" if n == 1 else f"{n} bytes"
