"""QR codes for badges: encoded with one fixed mask and drawn as one 1-bit image mask per code.

Why a fixed mask: ISO/IEC 18004 allows any of the eight masks; scoring all eight is optional work that took ~90 % of
a vCard job (segno: 14.8 ms per code scored, 2.3 ms with a fixed mask). Why an image mask: a vCard code drawn as
rectangles is ~400 path operations (~6 KB per badge); as a stencil it is one small Flate-compressed bitmap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from badge_renderer.model import Attendee
from badge_renderer.qr_encoder import QrDataTooLong, a1_bit, encode_bytes, text_bytes

__all__ = [
    "QrCode",
    "QrDataTooLong",
    "draw_qr",
    "encode_qr",
    "module_mm",
    "qr_payload",
    "snapped_square",
    "symbol_mm",
]

QUIET_ZONE = 4  # modules of light margin on every side (ISO/IEC 18004); scanners need it on busy artwork
FIXED_MASK = 0  # any mask is valid; a fixed one skips the scoring of all eight (qr_encoder applies mask 0)
MIN_MODULE_MM = 0.3  # below this a phone camera at badge distance (and a 150 dpi render) no longer resolves modules
MM = 72 / 25.4
MIN_SYMBOL_MM = 15.0  # the code itself (quiet zone excluded): a short ticket id scans from a phone at ~15 cm
MIN_VCARD_SYMBOL_MM = 20.0  # a vCard has ~2.5x the modules; keep each module printable and scannable
GRID_PT = 72 / 150  # one 150 dpi pixel; a whole number of them is also whole at 300 and 600 dpi


@dataclass(frozen=True)
class QrCode:
    """A module grid of `size` x `size` (quiet zone included) as a cairo A1 bitmap (dark = 1), transposed: bitmap
    row k holds symbol column k (the encoder fills columns; `draw_qr` paints it the right way round)."""

    size: int
    stride: int
    bits: bytes  # `size` rows of `stride` bytes; bit order as cairo's A1 format on this machine

    @property
    def symbol_modules(self) -> int:
        """Modules of the code itself, without the quiet zone."""
        return self.size - 2 * QUIET_ZONE

    def is_dark(self, row: int, col: int) -> bool:
        byte = self.bits[col * self.stride + row // 8]
        return bool(byte >> a1_bit(row) & 1)


def encode_qr(text: str) -> QrCode:
    """Encode `text` as UTF-8 bytes (error correction M, boosted when that fits the same version), fixed mask 0.

    Raises QrDataTooLong when even a version 40 symbol cannot hold it.
    """
    code = encode_bytes(text_bytes(text), level="M", border=QUIET_ZONE)
    return QrCode(size=code.size, stride=code.stride, bits=code.bits)


def module_mm(code: QrCode, side: float) -> float:
    """How wide one module prints (mm) when the whole grid is `side` points."""
    return side / code.size / MM


def symbol_mm(code: QrCode, side: float) -> float:
    """How wide the code itself prints (mm) when the whole grid, quiet zone included, is `side` points."""
    return side / code.size * code.symbol_modules / MM


def snapped_square(ctx: Any, code: QrCode, box: tuple[float, float, float, float]) -> tuple[float, float, float] | None:
    """The largest square (x, y, side) inside `box` whose modules are a whole number of 1/150 in pixels of the page
    and whose corner lies on that pixel grid, centred as near as the grid allows; None when not one pixel fits.

    Why: poppler does not anti-alias an image mask, so a module of 2.4 px prints as uneven 2- and 3-px columns and
    zbarimg misses codes at 150 dpi. The grid is the page's: the corner is found through the context's transform
    (badge slot, rotation, sheet offset), whose scale is one page point (a PNG's dpi/72 pixels).
    """
    x, y, w, h = box
    corners = [ctx.user_to_device(x + dx, y + dy) for dx in (0, w) for dy in (0, h)]
    left, top = min(c[0] for c in corners), min(c[1] for c in corners)
    width, height = max(c[0] for c in corners) - left, max(c[1] for c in corners) - top
    scale = math.hypot(*ctx.user_to_device_distance(1, 0))  # device units per point (1 in a PDF)
    grid = GRID_PT * scale
    pixels = int(min(width, height) / grid / code.size + 1e-9)  # pixels per module
    while pixels >= 1:
        side = code.size * pixels * grid
        spots = [_grid_spot(left, width - side, grid), _grid_spot(top, height - side, grid)]
        if None not in spots:
            dx, dy = spots[0], spots[1]
            assert dx is not None and dy is not None
            # The device square's top-left corner is the image of one of the user square's corners; map it back.
            ux, uy = ctx.device_to_user(dx, dy)
            ux2, uy2 = ctx.device_to_user(dx + side, dy + side)
            return min(ux, ux2), min(uy, uy2), side / scale
        pixels -= 1
    return None


def _grid_spot(start: float, slack: float, grid: float) -> float | None:
    """The grid line in [start, start + slack] nearest the centred position, or None when none lies there."""
    if slack < -1e-9:
        return None
    centre = start + slack / 2
    for spot in sorted(
        (math.floor(centre / grid) * grid, math.ceil(centre / grid) * grid), key=lambda s: abs(s - centre)
    ):
        if start - 1e-6 <= spot <= start + slack + 1e-6:
            return spot
    return None


def draw_qr(ctx: Any, code: QrCode, x: float, y: float, side: float, color: tuple[float, float, float]) -> None:
    """Paint `color` through the code's 1-bit mask into a `side` x `side` square at (x, y), light square behind.

    The light square covers the quiet zone too, so the code reads on dark designs. Nearest-neighbour filtering keeps
    module edges sharp in the PDF (/Interpolate false) and in PNGs. Direct libcairo calls, as text stamps use: the
    cairocffi wrappers (surface, pattern and matrix objects, a status check per call) cost more than cairo's work.
    """
    import cairocffi

    lib, ffi, pointer = cairocffi.cairo, cairocffi.ffi, ctx._pointer
    # No copy: cairo only reads the bits, and finishing the surface below detaches the PDF's snapshot from them.
    mask = lib.cairo_image_surface_create_for_data(
        ffi.from_buffer(code.bits), lib.CAIRO_FORMAT_A1, code.size, code.size, code.stride
    )
    try:
        if lib.cairo_surface_status(mask):
            raise cairocffi.CairoError("QR mask surface", lib.cairo_surface_status(mask))
        pattern = lib.cairo_pattern_create_for_surface(mask)
        lib.cairo_pattern_set_filter(pattern, lib.CAIRO_FILTER_NEAREST)
        inverse = code.size / side  # bitmap pixels per point
        matrix = ffi.new("cairo_matrix_t *")
        # User (u, v) -> bitmap pixel (v - y, u - x) / scale: the bitmap's rows are the symbol's columns.
        lib.cairo_matrix_init(matrix, 0, inverse, inverse, 0, -y * inverse, -x * inverse)
        lib.cairo_pattern_set_matrix(pattern, matrix)
        lib.cairo_save(pointer)
        lib.cairo_set_source_rgb(pointer, 1, 1, 1)
        lib.cairo_rectangle(pointer, x, y, side, side)
        lib.cairo_fill(pointer)
        lib.cairo_set_source_rgb(pointer, *color)
        lib.cairo_mask(pointer, pattern)
        lib.cairo_restore(pointer)
        lib.cairo_pattern_destroy(pattern)
    finally:
        lib.cairo_surface_finish(mask)
        lib.cairo_surface_destroy(mask)
    ctx._check_status()  # direct calls skip cairocffi's per-call check; one check per code


def qr_payload(attendee: Attendee, field: str, kind: str = "text") -> str:
    """The text to encode for one attendee: a column's value, or a vCard 3.0 of name, organization and email.

    vCard lines end in CRLF (RFC 2426 / RFC 6350); some phone address books refuse bare LF.
    """
    if kind == "vcard":
        lines = ["BEGIN:VCARD", "VERSION:3.0"]
        lines.append(f"N:{_vcard_escape(attendee.last_name)};{_vcard_escape(attendee.first_name)};;;")
        lines.append(f"FN:{_vcard_escape(attendee.display_name)}")
        if attendee.organization:
            lines.append(f"ORG:{_vcard_escape(attendee.organization)}")
        if attendee.email:
            lines.append(f"EMAIL:{_vcard_escape(attendee.email)}")
        lines.append("END:VCARD")
        return "\r\n".join(lines) + "\r\n"
    return attendee.get(field).strip()


def _vcard_escape(value: str) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", r"\;").replace(",", r"\,").replace("\n", r"\n")
