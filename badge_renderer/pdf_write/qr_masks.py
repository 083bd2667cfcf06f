"""A QR code as a 1-bit image mask XObject of BadgeForge's own page writer, and the `cm` that places it.

Why the bitmap as it is: `QrCode.bits` is cairo's A1 layout (rows of `stride` bytes, transposed: bitmap row k is
symbol column k). The image is that bitmap, `width` pixels a row as cairo writes it (poppler scales a wider image,
padding included, to other pixel rows: not the same render), and `qr_placement` turns the transposition and the
`origin` offset into the image matrix. Only the bit order differs where A1 is least significant bit first
(little-endian): one `bytes.translate` per code, unless the code was encoded in the PDF's order (`QrCode.msb`, as
the composer asks for the own writer's pages); rows whose 4-byte alignment left whole spare bytes are cut in one
C call.

Why Flate with stored blocks: a real deflate of a code costs ~30 µs (zlib sets up ~260 KB of state per call) and
saves under 10 % on the codes badges carry (a version-11 vCard: 552 -> 497 bytes); a stored block is the same
valid /FlateDecode stream (RFC 1950/1951) for 11 bytes and one adler32.
"""

from __future__ import annotations

import struct
import sys
import zlib
from collections.abc import Callable
from functools import lru_cache
from operator import itemgetter

from badge_renderer.pdf_write.deflate import stored_blocks
from badge_renderer.qr import QrCode

_BIT_REVERSED = bytes(int(f"{value:08b}"[::-1], 2) for value in range(256))
# cairo's A1 pixel order follows the platform's 32-bit words; a PDF image is most significant bit first
_TO_PDF: bytes | None = _BIT_REVERSED if sys.byteorder == "little" else None
_HEAD = (
    b"<< /Type /XObject /Subtype /Image /ImageMask true /Width %d /Height %d /BitsPerComponent 1 /Decode [ 1 0 ] "
    b"/Interpolate false /Filter /FlateDecode >>"
)


def qr_image(code: QrCode) -> tuple[bytes, bytes]:
    """(image XObject dictionary without /Length, its /FlateDecode data) of `code`: dark modules paint the fill
    colour, light ones leave the page as it is."""
    width, data = _mask_rows(code)
    return _HEAD % (width, code.size), stored_flate(data)


def qr_inline(code: QrCode) -> bytes:
    """`code` as an inline image mask (BI ... ID ... EI) for a page's content stream, drawn as qr_image draws: no
    object, no resource entry and nothing for pdf_stream to renumber per code, and compressed with the page.

    The bits as they are, unless they hold the bytes "EI": then hex (/AHx), in which "EI" cannot occur, so no reader
    can mistake image bytes for the end of the image (about one code in a hundred). Why not always hex: the page's
    deflate takes twice the bytes, and hex's 16 letters fill its hash chains with false matches (a version-11 vCard:
    ~90 K instructions to compress hex, ~25 K the bits)."""
    width, data = _mask_rows(code)
    if b"EI" in data:
        return _INLINE_HEX % (width, code.size, data.hex().encode())
    return _INLINE % (width, code.size, data)


def _mask_rows(code: QrCode) -> tuple[int, bytes]:
    """(pixels per row, the rows byte-aligned, most significant bit first) of the code's bitmap."""
    width = code.width or code.size
    data = code.bits
    if code.stride * 8 - width >= 8:  # cairo's rows are 4-byte aligned, a PDF image's are byte aligned
        data = b"".join(_rows(code.size, code.stride, (width + 7) // 8)(data))
    if _TO_PDF is not None and not code.msb:
        data = data.translate(_TO_PDF)
    return width, data


@lru_cache(maxsize=64)
def _rows(rows: int, stride: int, length: int) -> Callable[[bytes], tuple[bytes, ...]]:
    """The first `length` bytes of every row, cut in one C call (an itemgetter of slices): a few shapes a job."""
    return itemgetter(*(slice(start, start + length) for start in range(0, rows * stride, stride)))


def stored_flate(data: bytes) -> bytes:
    """`data` as a zlib stream of stored (uncompressed) deflate blocks."""
    blocks = [b"\x78\x01", *stored_blocks(data, final=True)]
    blocks.append(struct.pack(">I", zlib.adler32(data)))
    return b"".join(blocks)


_INLINE = b"BI /W %d /H %d /IM true /BPC 1 /D [1 0] /I false ID\n%s\nEI"
_INLINE_HEX = b"BI /W %d /H %d /IM true /BPC 1 /D [1 0] /I false /F /AHx ID\n%s>\nEI"


def qr_square(code: QrCode, x: float, y: float, side: float) -> bytes:
    """The operators before a code's image: the white square (x, y, side) and, in black, the image's `cm`.

    Remembered per square and symbol shape: a sheet's slots put their codes at the same squares on every sheet, and
    formatting six numbers cost ~20 K instructions a code."""
    key = (x, y, side, code.size, code.width, code.origin)
    found = _SQUARES.get(key)
    if found is None:
        if len(_SQUARES) >= 4096:
            _SQUARES.clear()
        found = _SQUARES[key] = b"1 1 1 rg %.3f %.3f %.3f %.3f re f 0 0 0 rg q %s " % (
            x,
            y,
            side,
            side,
            qr_placement(code, x, y, side),
        )
    return found


_SQUARES: dict[tuple[float, float, float, int, int, int], bytes] = {}


def qr_placement(code: QrCode, x: float, y: float, side: float) -> bytes:
    """The `cm` (in the caller's top-down user space) that maps the image's unit square so that the whole grid,
    quiet zone included, fills the square (x, y, side) the right way round.

    Image column i is bitmap pixel i, symbol row i - origin (downwards); image row j, drawn from the unit square's
    top (v = 1) down, is symbol column j (rightwards): u -> y + (width u - origin) m, v -> x + (1 - v) side for
    modules of m = side / size points (as qr.mask_values maps the same bitmap for cairo, and the matrix cairo
    writes for it)."""
    module = side / code.size
    # six decimals (1/10^6 pt is far below a 1200 dpi pixel) in one formatting call: it runs per badge
    return b"0 %.6f %.6f 0 %.6f %.6f cm" % (
        (code.width or code.size) * module,
        -side,
        x + side,
        y - code.origin * module,
    )
