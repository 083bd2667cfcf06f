"""ZPL II for Zebra label printers: each badge as one `^GFA` raster field, one `^XA ... ^XZ` label per badge.

Why a raster and not ZPL text fields: the printer's own fonts cannot shape names in every script or match a design;
a 1-bit image of the badge as the PDF draws it can. Raw ZPL goes to TCP port 9100 (or through CUPS as raw).

`^GFA,b,c,d,data`: b = c = bytes in the image, d = bytes per row; a 1 bit prints a black dot. Data is plain hex, or
compressed with ZPL's ASCII scheme (the ZPL II Programming Guide's "Alternative Data Compression Scheme"): a run of
one hex digit is written as repeat letters before it (G..Y = 1..19, g..z = 20..400 in steps of 20), `,` ends a row
of zeros, `!` a row of ones, and `:` repeats the previous row. Badges are mostly white, so that shrinks them ~10x.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from badge_renderer.errors import OptionsError
from badge_renderer.model import Attendee, RowIssue
from badge_renderer.options import RenderOptions

DPIS = (203, 300, 600)  # Zebra print heads: 8, 12 and 24 dots/mm
MAX_DOTS = 4800  # 8 in at 600 dpi: no Zebra prints wider or longer labels as one field
Mode = Literal["threshold", "dither"]


@dataclass(frozen=True)
class Bitmap:
    """A 1-bit image, rows padded to whole bytes; bit 1 = a black dot (ZPL's sense)."""

    width: int
    height: int
    rows: tuple[bytes, ...]

    @property
    def bytes_per_row(self) -> int:
        return (self.width + 7) // 8


def bitmap_from_gray(gray: Any, mode: Mode = "threshold", threshold: int = 128) -> Bitmap:
    """A Pillow "L" image as dots: darker than `threshold` prints, or Floyd-Steinberg dithering for photos."""
    from PIL import Image, ImageOps

    width, height = gray.size
    padded = Image.new("L", ((width + 7) // 8 * 8, height), 255)
    padded.paste(gray, (0, 0))
    # Pillow's 1 bit is white and ZPL's is black, so the image is inverted first (the padding then prints nothing).
    if mode == "dither":
        one_bit = ImageOps.invert(padded).convert("1", dither=Image.Dither.FLOYDSTEINBERG)
    else:
        one_bit = padded.point(lambda v: 0 if v >= threshold else 255).convert("1", dither=Image.Dither.NONE)
    data = one_bit.tobytes()
    row = (width + 7) // 8
    return Bitmap(width, height, tuple(data[i : i + row] for i in range(0, len(data), row)))


def _repeat(count: int) -> str:
    """ZPL's repeat letters for `count` copies of the next hex digit (g..z = 20..400, G..Y = 1..19)."""
    letters = []
    while count > 400:
        letters.append("z")
        count -= 400
    if count >= 20:
        letters.append(chr(ord("g") + count // 20 - 1))
        count %= 20
    if count:
        letters.append(chr(ord("G") + count - 1))
    return "".join(letters)


_RUN = re.compile(r"(.)\1*")


def compress_row(hex_row: str) -> str:
    """One row of hex digits in ZPL's ASCII compression (runs as repeat letters; trailing zeros/ones as , or !)."""
    stripped = hex_row.rstrip("0")
    if not stripped:
        return ","
    if not hex_row.rstrip("F"):
        return "!"
    tail = "," if len(stripped) < len(hex_row) else ""
    runs = (m.group() for m in _RUN.finditer(stripped))
    return "".join((_repeat(len(run)) if len(run) > 1 else "") + run[0] for run in runs) + tail


def graphic_field(bitmap: Bitmap, compress: bool = True) -> str:
    """The `^GFA` command for `bitmap` (plain hex rows, or compressed with repeated rows as `:`)."""
    total = bitmap.bytes_per_row * bitmap.height
    rows = [row.hex().upper() for row in bitmap.rows]
    if compress:
        parts = []
        previous = None
        for row in rows:
            parts.append(":" if row == previous else compress_row(row))
            previous = row
        data = "".join(parts)
    else:
        data = "".join(rows)
    return f"^GFA,{total},{total},{bitmap.bytes_per_row},{data}"


def label_zpl(bitmap: Bitmap, compress: bool = True) -> str:
    """One label: print width and length in dots, the image at the label's origin, then print."""
    return f"^XA\n^PW{bitmap.width}\n^LL{bitmap.height}\n^LH0,0\n^FO0,0{graphic_field(bitmap, compress)}^FS\n^XZ\n"


def check_dpi(dpi: int) -> None:
    if dpi not in DPIS:
        raise OptionsError(
            f"{dpi} dpi is not a Zebra print resolution",
            hint="Use 203 (8 dots/mm) or 300 (12 dots/mm); 600 for high-resolution heads.",
            column="dpi",
        )


def badge_bitmap(
    attendee: Attendee, options: RenderOptions, dpi: int, mode: Mode = "threshold", composer: Any = None
) -> tuple[Bitmap, list[RowIssue]]:
    """One badge (front) at label size as dots: drawn by the same renderer as the PDF, then made 1-bit."""
    from PIL import Image

    from badge_renderer.output import badge_surface

    check_dpi(dpi)
    surface, issues = badge_surface(attendee, options, dpi, composer)
    try:
        width, height = surface.get_width(), surface.get_height()
        if max(width, height) > MAX_DOTS:
            raise OptionsError(
                f"A {width} x {height} dot label is larger than a Zebra prints as one image",
                hint="Choose label stock up to 8 in long (see `badgeforge presets`).",
                column="preset",
            )
        surface.flush()
        raw = "BGRX" if sys.byteorder == "little" else "XRGB"  # cairo's native-endian xRGB words
        stride = surface.get_stride()
        gray = Image.frombuffer("RGB", (width, height), bytes(surface.get_data()), "raw", raw, stride, 1).convert("L")
    finally:
        surface.finish()
    return bitmap_from_gray(gray, mode), issues


def render_zpl(
    attendees: Sequence[Attendee],
    options: RenderOptions,
    *,
    dpi: int = 203,
    mode: Mode = "threshold",
    compress: bool = True,
    composer: Any = None,
) -> tuple[str, list[RowIssue]]:
    """Every attendee as one ZPL label each (the design drawn once, warm, for all of them) and the drawing's
    warnings. Fronts only: label printers print one side."""
    from badge_renderer.output import make_composer

    options.validate()
    check_dpi(dpi)
    composer = composer if composer is not None else make_composer(options)
    labels: list[str] = []
    issues: list[RowIssue] = []
    for attendee in attendees:
        bitmap, found = badge_bitmap(attendee, options, dpi, mode, composer)
        labels.append(label_zpl(bitmap, compress))
        issues.extend(found)
    return "".join(labels), issues
