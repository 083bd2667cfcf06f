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


def describe_bytes(n: int) -> str:
    """10_000_000 -> '10 MB', 2_000 -> '2 kB', 60 -> '60 bytes': limits as people write them."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:g} MB"
    if n >= 1_000:
        return f"{n / 1_000:g} kB"
    return f"{n} byte" if n == 1 else f"{n} bytes"
