"""QR codes for badges: encoded with one fixed mask and drawn as 1-bit image masks.

Why a fixed mask: ISO/IEC 18004 allows any of the eight masks; scoring all eight is optional work that took ~90 % of
a vCard job (segno: 14.8 ms per code scored, 2.3 ms with a fixed mask). Why an image mask: a vCard code drawn as
rectangles is ~400 path operations (~6 KB per badge); as a stencil it is one small Flate-compressed bitmap.
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace
from typing import Any, NamedTuple

from badge_renderer.model import Attendee
from badge_renderer.qr_encoder import (
    QrDataTooLong,
    boosted_level,
    encode_bytes,
    smallest_version,
    symbol_bits,
    symbol_bits_many,
    text_bytes,
)

__all__ = [
    "GridWindow",
    "QrCode",
    "QrDataTooLong",
    "draw_qr",
    "encode_qr",
    "fit_qr",
    "grid_window",
    "module_mm",
    "qr_payload",
    "symbol_mm",
]

QUIET_ZONE = 4  # modules of light margin on every side (ISO/IEC 18004); scanners need it on busy artwork
FIXED_MASK = 0  # any mask is valid; a fixed one skips the scoring of all eight (qr_encoder applies mask 0)
MIN_MODULE_MM = 0.3  # below this a phone camera at badge distance (and a 150 dpi render) no longer resolves modules
MM = 72 / 25.4
MIN_SYMBOL_MM = 15.0  # the code itself (quiet zone excluded): a short ticket id scans from a phone at ~15 cm
MIN_VCARD_SYMBOL_MM = 20.0  # a vCard has ~2.5x the modules; keep each module printable and scannable
GRID_PT = 72 / 150  # one 150 dpi pixel; a whole number of them is also whole at 300 and 600 dpi
PIXEL_MM = 25.4 / 150
MIN_PIXELS = math.ceil(MIN_MODULE_MM / PIXEL_MM)  # 2 pixels (0.34 mm) per module at least
UTF8_ECI = 26  # ISO/IEC 18004 ECI designator of UTF-8


class QrCode(NamedTuple):
    """A module grid of `size` x `size` (quiet zone included) as a cairo A1 bitmap (dark = 1), transposed: bitmap
    row k holds symbol column k (the encoder fills columns; `draw_qr` paints it the right way round). cairo writes
    an A1 mask into the PDF as a 1-bit /ImageMask without scanning it first.

    Why the quiet zone is in the bitmap, not only in the light square: cairo pulls a PDF clip in to the whole points
    inside the mask's extent (up to ~1 pt, more than a 2-pixel module), which must only ever cut light pixels.
    A named tuple, not a frozen dataclass: as immutable, and made per code in ~2 K instructions instead of ~12 K."""

    size: int
    stride: int
    bits: bytes  # `size` rows of `stride` bytes, one bit a module (cairo's A1 layout)
    version: int = 0
    level: str = ""
    origin: int = 0  # the bitmap pixel where a row's modules start (below 0: the first few are the light square's)
    width: int = 0  # pixels stored per bitmap row (0: `size`)
    msb: bool = False  # each byte's pixels most significant bit first (a PDF image's order), not cairo's A1 order

    @property
    def symbol_modules(self) -> int:
        """Modules of the code itself, without the quiet zone."""
        return self.size - 2 * QUIET_ZONE

    def is_dark(self, row: int, col: int) -> bool:
        """Module (row, col) of the whole grid, quiet zone included."""
        pixel = row + self.origin
        if not 0 <= pixel < (self.width or self.size):
            return False
        byte = self.bits[col * self.stride + (pixel >> 3)]
        lsb_first = sys.byteorder == "little" and not self.msb
        return bool(byte >> (pixel & 7) & 1 if lsb_first else byte >> (7 - (pixel & 7)) & 1)


def encode_qr(text: str, *, version: int | None = None, level: str = "M") -> QrCode:
    """Encode `text` as UTF-8 bytes in the smallest symbol of at least `level` (or exactly `version`), error
    correction boosted as far as that symbol allows, fixed mask 0. Non-ASCII text gets the UTF-8 ECI header: without
    it readers guess the charset, and zbar reads a short "für" as Shift-JIS/GB.

    Raises QrDataTooLong when the symbol (or even a version 40 symbol) cannot hold it.
    """
    data = text_bytes(text)
    eci = None if data.isascii() else UTF8_ECI
    code = encode_bytes(data, level=level, border=QUIET_ZONE, version=version, eci=eci)
    return QrCode(code.size, code.stride, code.bits, code.version, code.level, code.origin, code.width)


def fit_qr(text: str, pixels: int, min_symbol_mm: float, *, msb: bool = False) -> tuple[QrCode, int] | None:
    """The code for `text` in a square of `pixels` 150 dpi pixels (quiet zone included), with how many pixels each
    module takes; None when it would need modules under MIN_PIXELS. `msb`: the bitmap in a PDF image's bit order
    (the own PDF writer's: it then needs no bit reversal per code, ~6 K instructions a version-11 code), not cairo's.

    Why choose the version: a whole number of pixels per module (see `grid_window`) leaves only a few sizes, and the
    smallest symbol that holds a vCard (57 modules at 2 px) prints 19.3 mm. So: the largest module that fits, in the
    smallest version that holds the data and reaches `min_symbol_mm` at that module (a 61-module version 11 at 2 px
    prints 20.7 mm; its spare capacity goes to error correction). When no module size reaches the minimum in this
    box, the largest module that holds the data (the caller says the badge is too small). Error correction M at
    least; L only when M would leave the code out. Raises QrDataTooLong when no version holds the text.
    """
    data = text_bytes(text)
    choice = _choose(len(data), not data.isascii(), pixels, min_symbol_mm)
    if choice is None:
        return None
    version, level, per = choice
    size, stride, bits, origin, width = symbol_bits(
        data, version, level, QUIET_ZONE, None if data.isascii() else UTF8_ECI, msb=msb
    )
    return QrCode(size, stride, bits, version, level, origin, width, msb), per


def fit_many(
    texts: list[str], pixels: int, min_symbol_mm: float, *, msb: bool = False
) -> list[tuple[QrCode, int] | None]:
    """fit_qr for each text (the codes of one sheet), encoded together per symbol (qr_encoder.symbol_bits_many);
    None for a text no version holds (where fit_qr raises QrDataTooLong) or that needs modules under MIN_PIXELS."""
    found: list[tuple[QrCode, int] | None] = [None] * len(texts)
    groups: dict[tuple[int, str, int, bool], list[tuple[int, bytes]]] = {}
    for index, text in enumerate(texts):
        data = text_bytes(text)
        try:
            choice = _choose(len(data), not data.isascii(), pixels, min_symbol_mm)
        except QrDataTooLong:
            continue
        if choice is not None:
            groups.setdefault((*choice, data.isascii()), []).append((index, data))
    for (version, level, per, ascii_only), members in groups.items():
        size, stride, bitmaps, origin, width = symbol_bits_many(
            [data for _, data in members], version, level, QUIET_ZONE, None if ascii_only else UTF8_ECI, msb=msb
        )
        for (index, _), bits in zip(members, bitmaps, strict=True):
            found[index] = QrCode(size, stride, bits, version, level, origin, width, msb), per
    return found


@lru_cache(maxsize=4096)
def _choose(data_length: int, eci: bool, pixels: int, min_symbol_mm: float) -> tuple[int, str, int] | None:
    """(version, error level, pixels per module) for `fit_qr`: the same few lengths recur all through a job."""
    for floor in ("M", "L"):
        try:
            needed = smallest_version(data_length, floor, eci=eci)
        except QrDataTooLong:
            if floor == "L":
                raise
            continue
        choice = fallback = None
        for per in range(pixels // (21 + 2 * QUIET_ZONE), MIN_PIXELS - 1, -1):
            largest = min(40, (pixels // per - 2 * QUIET_ZONE - 17) // 4)
            if largest < needed:
                continue
            fallback = fallback or (needed, per)
            reaching = max(needed, math.ceil((min_symbol_mm / (per * PIXEL_MM) - 17) / 4 - 1e-9))
            if reaching <= largest:
                choice = (reaching, per)
                break
        choice = choice or fallback
        if choice:
            return choice[0], boosted_level(data_length, choice[0], floor, eci=eci), choice[1]
    return None


def module_mm(code: QrCode, side: float) -> float:
    """How wide one module prints (mm) when the whole grid is `side` points."""
    return side / code.size / MM


def symbol_mm(code: QrCode, side: float) -> float:
    """How wide the code itself prints (mm) when the whole grid, quiet zone included, is `side` points."""
    return side / code.size * code.symbol_modules / MM


@dataclass(frozen=True)
class GridWindow:
    """The whole 1/150 in pixels of the page that lie inside an element's box: columns [left, left + width) and
    rows [top, top + height), in grid units of the page.

    Why: poppler does not anti-alias an image mask, so a module of 2.4 px prints as uneven 2- and 3-px columns and
    zbarimg misses codes at 150 dpi. A code whose corner is on this grid and whose modules are whole pixels prints
    every module the same. The grid is the page's: the box is mapped through the context's transform (badge slot,
    rotation, sheet offset), whose scale is one page point (a PNG's dpi/72 pixels).
    """

    left: int
    top: int
    width: int
    height: int
    grid: float  # device units per grid pixel
    inverse: tuple[float, float, float, float, float, float]  # device -> user (xx, yx, xy, yy, x0, y0)
    scale: float  # device units per point

    @property
    def pixels(self) -> int:
        """The side of the largest square that fits, in grid pixels."""
        return max(0, min(self.width, self.height))

    def square(self, pixels: int) -> tuple[float, float, float]:
        """The user-space square (x, y, side) of `pixels` grid pixels, centred in the window as near as the grid
        allows."""
        dx = (self.left + (self.width - pixels) // 2) * self.grid
        dy = (self.top + (self.height - pixels) // 2) * self.grid
        side = pixels * self.grid
        # The device square's top-left corner is the image of one of the user square's corners; map both back.
        xx, yx, xy, yy, x0, y0 = self.inverse
        ux, uy = xx * dx + xy * dy + x0, yx * dx + yy * dy + y0
        ux2, uy2 = xx * (dx + side) + xy * (dy + side) + x0, yx * (dx + side) + yy * (dy + side) + y0
        return min(ux, ux2), min(uy, uy2), side / self.scale


def grid_window(ctx: Any, box: tuple[float, float, float, float]) -> GridWindow:
    """The page's 150 dpi pixels inside `box` (user space of `ctx`): one matrix read, the rest plain arithmetic
    (cairocffi's per-point transform calls cost more than the arithmetic), remembered per (transform, box): a sheet's
    slots repeat on every sheet of a job."""
    pointer = ctx._pointer
    if pointer is None:  # a page of the own PDF writer keeps its transform as (xx, yx, xy, yy, x0, y0)
        key = (*ctx.matrix, box)
    else:
        c = libcairo()
        matrix = c.ffi.new(c.matrix_type)
        c.get_matrix(pointer, matrix)
        m = matrix[0]
        key = (m.xx, m.yx, m.xy, m.yy, m.x0, m.y0, box)
    window = _WINDOWS.get(key)
    if window is None:
        if len(_WINDOWS) >= 4096:
            _WINDOWS.clear()
        window = _WINDOWS[key] = _window(key[:6], box)
    return window


_WINDOWS: dict[tuple[Any, ...], GridWindow] = {}


@lru_cache(maxsize=1)
def libcairo() -> SimpleNamespace:
    """The libcairo functions the per-code paths (grid windows, QR sheets) call, bound once: each attribute read on
    cairocffi's library object runs its lookup hook (~1.3 K instructions, about half of what a call costs), and a
    type string is parsed on every ffi.new."""
    import cairocffi

    lib, ffi = cairocffi.cairo, cairocffi.ffi
    names = (
        "cairo_get_target",
        "cairo_get_matrix",
        "cairo_image_surface_create_for_data",
        "cairo_pattern_create_for_surface",
        "cairo_surface_status",
        "cairo_pattern_set_filter",
        "cairo_pattern_destroy",
        "cairo_surface_finish",
        "cairo_surface_destroy",
        "cairo_matrix_init",
        "cairo_pattern_set_matrix",
        "cairo_save",
        "cairo_set_source_rgb",
        "cairo_rectangle",
        "cairo_fill_preserve",
        "cairo_clip",
        "cairo_mask",
        "cairo_restore",
    )
    return SimpleNamespace(
        **{name.removeprefix("cairo_"): getattr(lib, name) for name in names},
        ffi=ffi,
        matrix_type=ffi.typeof("cairo_matrix_t *"),
        A1=lib.CAIRO_FORMAT_A1,
        NEAREST=lib.CAIRO_FILTER_NEAREST,
        CairoError=cairocffi.CairoError,
    )


def _window(transform: tuple[float, ...], box: tuple[float, float, float, float]) -> GridWindow:
    xx, yx, xy, yy, x0, y0 = transform
    x, y, w, h = box
    xs, ys = [], []
    for ux in (x, x + w):
        for uy in (y, y + h):
            xs.append(xx * ux + xy * uy + x0)
            ys.append(yx * ux + yy * uy + y0)
    scale = math.hypot(xx, yx)  # device units per point (1 in a PDF)
    grid = GRID_PT * scale
    left, top = math.ceil(min(xs) / grid - 1e-6), math.ceil(min(ys) / grid - 1e-6)
    right, bottom = math.floor(max(xs) / grid + 1e-6), math.floor(max(ys) / grid + 1e-6)
    det = xx * yy - xy * yx
    inverse = (yy / det, -yx / det, -xy / det, xx / det, (xy * y0 - yy * x0) / det, (yx * x0 - xx * y0) / det)
    return GridWindow(left, top, right - left, bottom - top, grid, inverse, scale)


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
        ffi.from_buffer(code.bits), lib.CAIRO_FORMAT_A1, code.width or code.size, code.size, code.stride
    )
    try:
        if lib.cairo_surface_status(mask):
            raise cairocffi.CairoError("QR mask surface", lib.cairo_surface_status(mask))
        pattern = lib.cairo_pattern_create_for_surface(mask)
        lib.cairo_pattern_set_filter(pattern, lib.CAIRO_FILTER_NEAREST)
        lib.cairo_pattern_set_matrix(pattern, mask_matrix(ffi, code, x, y, side, 0))
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


def mask_matrix(ffi: Any, code: QrCode, x: float, y: float, side: float, row: int) -> Any:
    """The pattern matrix (user space -> bitmap pixels) that puts the code's bitmap, from bitmap row `row` on, into
    the square (x, y, side): see mask_values."""
    import cairocffi

    matrix = ffi.new("cairo_matrix_t *")
    cairocffi.cairo.cairo_matrix_init(matrix, *mask_values(code, x, y, side, row))
    return matrix


def mask_values(code: QrCode, x: float, y: float, side: float, row: int) -> tuple[float, ...]:
    """(xx, yx, xy, yy, x0, y0) of the pattern matrix that maps user (u, v) to bitmap pixel
    ((v - y) / m + origin, (u - x) / m + row) for modules of m points, because the bitmap's rows are the symbol's
    columns."""
    inverse = code.size / side  # bitmap pixels per point
    return 0, inverse, inverse, 0, code.origin - y * inverse, row - x * inverse


def qr_payload(attendee: Attendee, field: str, kind: str = "text") -> str:
    """The text to encode for one attendee: a column's value, or the shortest valid vCard 3.0 of the contact.

    vCard: N and FN (required), then ORG, TITLE (the role column: job titles) and EMAIL only when present; N without
    its empty trailing components (RFC 2426 allows 1-5). Fewer bytes, fewer modules: bigger modules in the same box.
    Lines end in CRLF (RFC 2426 / RFC 6350); some phone address books refuse bare LF.
    """
    if kind == "vcard":  # one regex scan and one string build: the per-line version cost ~2x as much per badge
        last, first, full = attendee.last_name, attendee.first_name, attendee.display_name
        org, title, email = attendee.organization.strip(), attendee.role.strip(), attendee.email.strip()
        if _VCARD_SPECIAL.search(f"{last}{first}{full}{org}{title}{email}"):
            last, first, full, org, title, email = map(_vcard_escape, (last, first, full, org, title, email))
        name = f"{last};{first}" if first else last
        card = f"BEGIN:VCARD\r\nVERSION:3.0\r\nN:{name}\r\nFN:{full}\r\n"
        if org:
            card += f"ORG:{org}\r\n"
        if title:
            card += f"TITLE:{title}\r\n"
        if email:
            card += f"EMAIL:{email}\r\n"
        return card + "END:VCARD\r\n"
    return attendee.get(field).strip()


_VCARD_SPECIAL = re.compile(r"[\\;,\r\n]")


def _vcard_escape(value: str) -> str:
    if not _VCARD_SPECIAL.search(value):  # nearly every value: one scan instead of six replaces
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", r"\;").replace(",", r"\,").replace("\n", r"\n")
