"""A QR Code (Model 2, byte mode) encoder that compiles each (version, error level) into lookup arrays once.

Why not segno per badge: even with a fixed mask segno spends ~2.3 ms per vCard code in Python loops over every
module, which made a 10,000-badge vCard job several times slower than the same job without codes. Everything in a
QR symbol except the message bits is fixed per (version, level, mask), and Reed-Solomon parity is linear over
GF(2), so per code this module only packs the data codewords (a few big-int shifts) and hands them to numpy: one
table row per data byte XOR-reduced for every block's parity at once, and one take that maps each bitmap pixel to
its codeword bit (interleaving, zigzag placement, function patterns and mask 0 in one index array), packed into
cairo's A1 layout (see _Plan.place). ~0.1 M instructions a version-11 vCard; the big-integer placement and per-byte
parity lookups it replaced took ~0.26 M. numpy is imported with the first plan, so only by jobs with codes.
The block structure is ISO/IEC 18004's table (qr_tables); capacities, alignment positions, function patterns and
format and version words are computed here: segno is not imported to render (its package pulls urllib and xml,
~38 ms a process). Tests check every version at every level module for module against segno.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, cast

from badge_renderer.qr_tables import ECC_BLOCKS

_LEVEL_ORDER = ("L", "M", "Q", "H")
_PAD_RUN = bytes([0xEC, 0x11]) * 1500  # ISO 18004 pad codewords, alternating; longer than any symbol holds
_TERMINATED_PAD = b"\0" + _PAD_RUN  # byte-aligned data: the 4-bit terminator and 4 bits to the byte, then the pads


class QrDataTooLong(ValueError):
    """The text does not fit the largest symbol allowed."""


@dataclass(frozen=True)
class EncodedQr:
    """A symbol as a cairo A1 bitmap (dark = 1), transposed (bitmap row k is symbol column k): `size` rows for the
    `size` modules (`border` light modules on each side included) of the square, whose row pixel p is stored at bit
    p + origin of a row (only `width` bits are; the others are light)."""

    version: int
    level: str
    size: int
    stride: int
    bits: bytes
    origin: int
    width: int


def encode_bytes(
    data: bytes,
    *,
    level: str = "M",
    border: int = 4,
    max_version: int = 40,
    version: int | None = None,
    eci: int | None = None,
) -> EncodedQr:
    """The smallest symbol of at least `level` that holds `data` (or exactly `version`), boosted to the highest
    level that still fits that version (free robustness: the symbol is the same size).

    `eci`: an ECI designator written before the byte segment (26 = UTF-8), so readers need not guess the charset.
    """
    if version is None:
        version = smallest_version(len(data), level, eci=eci is not None, max_version=max_version)
    elif not fits(len(data), version, level, eci=eci is not None):
        raise QrDataTooLong(f"{len(data)} bytes do not fit a version {version} QR code at level {level}")
    level = boosted_level(len(data), version, level, eci=eci is not None)
    return EncodedQr(version, level, *symbol_bits(data, version, level, border, eci))


def symbol_bits(
    data: bytes, version: int, level: str, border: int, eci: int | None, *, msb: bool = False
) -> tuple[int, int, bytes, int, int]:
    """(size, stride, bitmap, origin, width) of `data` in exactly this symbol, which the caller knows holds it
    (qr.fit_qr has chosen it): no capacity checks. `msb`: each byte's pixels most significant bit first (a PDF
    image's order) instead of cairo's A1 order."""
    size, stride, (bits,), origin, width = symbol_bits_many([data], version, level, border, eci, msb=msb)
    return size, stride, bits, origin, width


def symbol_bits_many(
    datas: list[bytes], version: int, level: str, border: int, eci: int | None, *, msb: bool = False
) -> tuple[int, int, list[bytes], int, int]:
    """symbol_bits for several messages of the same symbol: (size, stride, their bitmaps, origin, width)."""
    plan = _plan(version, level, border)
    streams = [_stream(data, version, plan.data_bytes, eci) for data in datas]
    bitmaps = plan.place_many(streams, "big" if msb else _BIT_ORDER)
    return plan.size, plan.stride, bitmaps, plan.origin, plan.width


def text_bytes(text: str) -> bytes:
    """UTF-8: every modern scanner recognises it, and ASCII is the same in ISO-8859-1 (the QR default charset)."""
    return text.encode("utf-8")


# ---- capacities ---------------------------------------------------------------------------------------------------
@cache
def _capacity_bits(level: str) -> tuple[int, ...]:
    """Data bits of versions 1..40 at `level` (index 0 is version 1): 8 per data codeword of its blocks."""
    return tuple(8 * sum(n * data for n, _, data in ECC_BLOCKS[version][level]) for version in range(1, 41))


def _header_bits(version: int, eci: bool) -> int:
    """ECI header (mode 0111 + one designator byte), byte-mode indicator and character count."""
    return (12 if eci else 0) + 4 + (8 if version < 10 else 16)


def fits(length: int, version: int, level: str, *, eci: bool = False) -> bool:
    """Whether `length` bytes fit a `version` symbol at `level`."""
    return 1 <= version <= 40 and _capacity_bits(level)[version - 1] >= _header_bits(version, eci) + 8 * length


def boosted_level(length: int, version: int, level: str, *, eci: bool = False) -> str:
    """The highest error correction level from `level` up that still holds `length` bytes in `version`."""
    for better in _LEVEL_ORDER[_LEVEL_ORDER.index(level) + 1 :]:
        if not fits(length, version, better, eci=eci):
            break
        level = better
    return level


def smallest_version(length: int, level: str, *, eci: bool = False, max_version: int = 40) -> int:
    """The smallest version that holds `length` bytes at `level`; QrDataTooLong when none up to `max_version` does."""
    capacity = _capacity_bits(level)
    for version in range(1, max_version + 1):
        if capacity[version - 1] >= _header_bits(version, eci) + 8 * length:
            return version
    raise QrDataTooLong(f"{length} bytes do not fit a version {max_version} QR code at level {level}")


# ---- data codewords ----------------------------------------------------------------------------------------------
def _stream(data: bytes, version: int, data_bytes: int, eci: int | None = None) -> bytes:
    """The data codewords, block after block as ISO 18004 7.5 fills them: ECI and byte-mode headers, count, data,
    terminator, pad codewords. Parity, interleaving and the remainder bits are the plan's (_Plan.place).

    The headers are 12 or 20 bits (24 or 32 with the ECI): with them the data is byte-aligned, else it sits half a
    byte in, and one shift of (headers, data) as one integer puts the 4-bit terminator behind it. Why not the
    fields shifted in one by one: each big-integer step costs ~1.5 K instructions (~15 K a version-11 vCard)."""
    head, halved = _head(len(data), version, eci)
    if halved:  # half a byte in: the headers come after four zero bits, which the shift drops
        stream = (int.from_bytes(head + data, "big") << 4).to_bytes(len(head) + len(data), "big")
        return stream + _PAD_RUN[: data_bytes - len(stream)]
    stream = head + data
    return stream + _TERMINATED_PAD[: data_bytes - len(stream)]


@lru_cache(maxsize=1024)
def _head(length: int, version: int, eci: int | None) -> tuple[bytes, bool]:
    """The headers and count of `length` bytes, and whether they end half-way into a byte (then the bytes start
    with four zero bits)."""
    count_bits = 8 if version < 10 else 16
    value, bits = 0b0100 << count_bits | length, 4 + count_bits
    if eci is not None:  # ISO 18004 7.4.2: mode 0111, then the designator (one byte for 0-127)
        if not 0 <= eci < 128:
            raise ValueError(f"ECI designator {eci} needs the two- or three-byte form, which is not implemented")
        value, bits = (0b0111 << 8 | eci) << bits | value, bits + 12
    return value.to_bytes(-(-bits // 8), "big"), bits % 8 != 0


# ---- Reed-Solomon as lookup tables ----------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _gf() -> tuple[list[int], list[int]]:
    exp, log = [0] * 512, [0] * 256
    value = 1
    for i in range(255):
        exp[i] = value
        log[value] = i
        value <<= 1
        if value & 0x100:
            value ^= 0x11D
    for i in range(255, 512):
        exp[i] = exp[i - 255]
    return exp, log


@cache
def _generator(ec_len: int) -> tuple[int, ...]:
    """Coefficients (highest first, leading 1 dropped) of prod (x - a^i), i < ec_len."""
    exp, log = _gf()
    poly = [1]
    for i in range(ec_len):
        nxt = [0] * (len(poly) + 1)
        for j, coef in enumerate(poly):
            nxt[j] ^= coef
            if coef:
                nxt[j + 1] ^= exp[log[coef] + i]
        poly = nxt
    return tuple(poly[1:])


def _parity(block: list[int], ec_len: int) -> list[int]:
    """Plain polynomial division: the reference the tables are checked against."""
    exp, log = _gf()
    gen = _generator(ec_len)
    rem = [0] * ec_len
    for byte in block:
        factor = byte ^ rem[0]
        rem = [*rem[1:], 0]
        if factor:
            lf = log[factor]
            for j, g in enumerate(gen):
                if g:
                    rem[j] ^= exp[lf + log[g]]
    return rem


@cache
def _parity_tables(length: int, ec_len: int) -> tuple[tuple[int, ...], ...]:
    """Per data byte position p, the parity (one integer) of every value of that byte with all others zero. Parity
    is linear over GF(2), so a block's parity is the XOR of one entry per byte.

    Byte p is the coefficient of x^(length-1-p), so its parity is b * (x^(ec_len+length-1-p) mod g): the powers of x
    modulo the generator are stepped once each, and the 256 values per byte come from its eight single bits. Whole
    bytes, not nibbles: half the lookups, and a block shape's tables (~0.3 MB for 23 + 28 bytes) are shared by every
    plan that has that shape.
    """
    exp, log = _gf()
    gen = _generator(ec_len)
    power = list(gen)  # x^ec_len mod g
    powers = []
    for _ in range(length):
        powers.append(power)
        lead = power[0]
        power = [*power[1:], 0]
        if lead:
            for j, g in enumerate(gen):
                if g:
                    power[j] ^= exp[log[lead] + log[g]]
    tables = []
    for position in range(length):
        base = powers[length - 1 - position]
        unit = [
            int.from_bytes(bytes(exp[log[c] + bit] if c else 0 for c in base), "big")  # c * 2^bit in GF(256)
            for bit in range(8)
        ]
        row = [0] * 256
        for value in range(1, 256):
            low = value & -value
            row[value] = row[value ^ low] ^ unit[low.bit_length() - 1]
        tables.append(tuple(row))
    return tuple(tables)


@cache
def _parity_array(length: int, ec_len: int) -> Any:
    """_parity_tables as one numpy array: row 256 p + b is byte b's parity at position p, its `ec_len` bytes padded
    to whole 64-bit words (an XOR of words, not of bytes, in the reduction)."""
    np = _numpy()
    lanes = -(-ec_len // 8)
    padding = bytes(8 * lanes - ec_len)
    raw = b"".join(v.to_bytes(ec_len, "big") + padding for table in _parity_tables(length, ec_len) for v in table)
    return np.frombuffer(raw, np.uint64).reshape(length * 256, lanes)


# ---- the symbol plan ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Plan:
    size: int  # modules per side, border included
    stride: int  # bytes per bitmap row (cairo's A1 rows are 4-byte aligned)
    origin: int  # the pixel of a bitmap row where the square starts (below 0: its first pixels are not stored)
    width: int  # pixels of a bitmap row that are stored
    data_bytes: int
    total_codewords: int
    blocks: tuple[tuple[int, int], ...]  # (data length, parity length) per block, in stream order
    pairs: bytes  # (0, position in its block, padded to the longest) per stream byte and one zero byte: see place
    rows: Any  # numpy (longest block, blocks): which of those pairs each block's padded byte p is (or the zero byte)
    table: Any  # numpy parity rows (_parity_array) of the longest block's shape
    pixels: Any  # numpy: per bitmap pixel (symbol columns only), the codeword bit it shows (from the inverted copy
    # where mask 0 inverts the module), or a fixed light/dark one
    before: bytes  # the left border's bitmap rows
    after: bytes  # the right border's
    np: Any  # numpy, bound once: a function-level import per code costs ~1 K instructions
    batch_rows: dict[int, Any]  # codes at once -> `rows` for that many copies of `pairs` (parities), made once
    batch_pixels: dict[int, Any]  # codes at once -> `pixels` for that many codes' bits one after another

    def parity(self, stream: bytes) -> bytes:
        """Every block's parity, block after block, each padded to whole 64-bit words (see `parities`)."""
        return self.parities([stream])

    def parities(self, streams: list[bytes]) -> bytes:
        """`parity` of each stream, one after another, in one set of numpy calls.

        A block one byte shorter than the longest is the same polynomial with a zero byte in front, so all blocks
        share one table: byte b at padded position p gives row 256 p + b. Those row numbers come from one bytearray
        (the streams' bytes in the even places of copies of `pairs`, read as little-endian 16-bit numbers), one
        take puts them in (position, code, block) order, a second takes the rows, and one XOR-reduce over the
        positions gives them all.
        """
        step, data_bytes = len(self.pairs), self.data_bytes
        pairs = bytearray(self.pairs * len(streams))
        for i, stream in enumerate(streams):
            pairs[i * step : i * step + 2 * data_bytes : 2] = stream
        index = self.batch_rows.get(len(streams))
        if index is None:  # (position, code, block): the reduce below runs over the first axis (~13 K against ~36 K)
            offsets = self.np.arange(len(streams)) * (step // 2)
            index = self.batch_rows[len(streams)] = self.rows[:, None, :] + offsets[None, :, None]
        rows = self.np.frombuffer(pairs, _ROW_NUMBER).take(index)
        return cast(bytes, _XOR_REDUCE(self.table.take(rows, axis=0), axis=0).tobytes())  # (codes, blocks, lanes)

    def place(self, stream: bytes, order: str = "") -> bytes:
        """The A1 bitmap (rows = symbol columns, cairo's bit order, or numpy's bit `order`) of these data codewords
        (see `place_many`)."""
        return self.place_many([stream], order)[0]

    def place_many(self, streams: list[bytes], order: str = "") -> list[bytes]:
        """`place` for several codes of this plan at once: the same numpy calls, each over all of them.

        Interleaving (ISO 18004 7.6), the zigzag placement around the function patterns, those patterns and mask 0
        are one fixed map from codeword bits (and two constant bits) to bitmap pixels: the codewords and an
        inverted copy (one bytes.translate) are unpacked to bits, one take puts every pixel in place, a masked
        module taking its bit from the copy, and one pack makes the rows. Why the copy: XORing the mask into the
        codewords as one big integer cost ~15 K instructions a version-11 code, the copy ~2 K. Why not segno per
        badge: even with a fixed mask it spends ~2.3 ms per vCard code in Python loops over every module; why not
        big-integer placement (the previous design): ~0.15 M instructions a code.

        Why several at once: in a job the calls' fixed cost dominates, and numpy's code is cold between badges;
        four version-11 vCards cost ~87 K instructions and ~11 us each this way, ~132 K and ~21 us one at a time
        (measured alone, 2026-12-02). One code through this batch form costs ~17 K more than the single-code
        version it replaced (~115 K): one implementation serves both, and single codes are only drawn by previews
        and PNGs now.
        """
        np, count = self.np, len(streams)
        parity = self.parities(streams)
        size = len(parity) // count
        words = [stream + b"\0" + parity[i * size : (i + 1) * size] for i, stream in enumerate(streams)]
        blob = b"".join([w + w.translate(_INVERTED) + _CONSTANT_BITS for w in words])
        index = self.batch_pixels.get(count)
        if index is None:  # one flat take and pack: a code's pixels are whole bytes (rows of 32 pixels or more)
            index = self.pixels if count == 1 else (self.pixels + np.arange(count)[:, None] * (8 * len(blob) // count))
            index = self.batch_pixels[count] = index.ravel()
        bits = np.unpackbits(np.frombuffer(blob, np.uint8))
        out = np.packbits(bits.take(index, mode="wrap"), bitorder=order or _BIT_ORDER).tobytes()
        length = len(out) // count
        return [self.before + out[i * length : (i + 1) * length] + self.after for i in range(count)]


_XOR_REDUCE: Any = None  # numpy.bitwise_xor.reduce, bound with the first plan
_ROW_NUMBER = "<u2"
_CONSTANT_BITS = b"\x40"  # after the two copies of the codewords: a light bit, then a dark one (function modules)
_INVERTED = bytes(255 - value for value in range(256))
_BIT_ORDER = "little" if sys.byteorder == "little" else "big"  # cairo's A1 pixel order follows its 32-bit words


def _numpy() -> Any:
    """numpy, imported with one OpenBLAS thread unless the process says otherwise: the encoder never calls BLAS,
    and OpenBLAS's pool of a thread per core took half of numpy's import (0.136 -> 0.074 s, 2026-12-02) and kept
    spinning on the core a parallel job's other worker draws on."""
    import os

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # read once, when numpy first loads OpenBLAS
    import numpy

    return numpy


@lru_cache(maxsize=64)
def _plan(version: int, level: str, border: int) -> _Plan:
    """Everything about a (version, level) symbol that does not depend on the message, computed once.

    The bitmap is the symbol transposed (a bitmap row is a symbol column, as the own PDF writer's image matrix and
    qr.mask_values take it). A row is one field of 32, 64, 128 or 256 bits; it holds at least one blank module on
    each side of the symbol: cairo pulls a PDF clip in to whole points inside the mask's extent, which must only
    ever cut light pixels.
    """
    global _XOR_REDUCE
    np = _numpy()
    _XOR_REDUCE = np.bitwise_xor.reduce
    blocks = [(data, total - data) for count, total, data in ECC_BLOCKS[version][level] for _ in range(count)]
    longest, ec_len = max(b[0] for b in blocks), blocks[0][1]
    lanes = -(-ec_len // 8)
    data_bytes = sum(b[0] for b in blocks)
    total_codewords = sum(b[0] + b[1] for b in blocks)
    starts = [sum(b[0] for b in blocks[:j]) for j in range(len(blocks))]
    # parity: the padded position of every stream byte, and per (position, block) which stream byte (or the zero)
    pairs = bytearray(2 * (data_bytes + 1))
    rows = [[data_bytes] * len(blocks) for _ in range(longest)]
    for j, (length, _) in enumerate(blocks):
        for i in range(length):
            pairs[2 * (starts[j] + i) + 1] = longest - length + i
            rows[longest - length + i][j] = starts[j] + i
    # the final message (ISO 18004 7.6): byte k of it as a byte of stream + zero + padded parity
    message = [starts[j] + i for i in range(longest) for j, b in enumerate(blocks) if i < b[0]]
    message += [data_bytes + 1 + j * 8 * lanes + i for i in range(ec_len) for j in range(len(blocks))]
    words = data_bytes + 1 + len(blocks) * 8 * lanes
    light, dark = 16 * words, 16 * words + 1  # the bits of _CONSTANT_BITS, after the plain and inverted codewords
    n = 17 + 4 * version
    function = _function_modules(version, n)
    dark_function = _dark_function_modules(version, level, n)
    field = 32
    while field < n:
        field *= 2
    # The symbol's first pixel in its field: after the whole border when it fits, else after one blank module (the
    # light square behind the code is the rest of the border; cairo's clip was seen pulled in by up to 0.24 pt, a
    # rounding to whole points, and a module is at least 0.96 pt).
    offset = border if n + 2 * border <= field else (field - n) // 2
    pixels = [light] * (n * field)  # bitmap row c (symbol column c), pixel r + offset: symbol row r
    for r, c in dark_function:
        pixels[c * field + r + offset] = dark
    index = 0
    for strip in _strips(n):
        for r, c in strip:
            if (r, c) in function:
                continue
            on = (r + c) % 2 == 0  # mask 0 inverts where row + column is even
            if index < 8 * total_codewords:
                bit = 8 * message[index // 8] + index % 8
                pixels[c * field + r + offset] = bit + 8 * words * on  # masked: the inverted copy's bit
            elif on:  # a remainder bit (ISO 18004 7.7.3: zero), masked
                pixels[c * field + r + offset] = dark
            index += 1
    stride = field // 8  # a multiple of 4 bytes: fields are 32 bits or more
    return _Plan(
        n + 2 * border,
        stride,
        offset - border,
        min(n + 2 * border, field),
        data_bytes,
        total_codewords,
        tuple(blocks),
        bytes(pairs),
        np.array(rows, dtype=np.intp),
        _parity_array(longest, ec_len),
        np.array(pixels, dtype=np.intp),
        bytes(border * stride),
        bytes(border * stride),
        np,
        {},
        {},
    )


def _strips(n: int) -> list[list[tuple[int, int]]]:
    """The two-column strips from the right, alternately upwards and downwards, skipping column 6: each strip's
    cells in visiting order (per row: right column, then left), function modules included."""
    strips = []
    upwards = True
    right = n - 1
    while right > 0:
        if right == 6:
            right -= 1
        rows = range(n - 1, -1, -1) if upwards else range(n)
        strips.append([(r, c) for r in rows for c in (right, right - 1)])
        upwards = not upwards
        right -= 2
    return strips


def _function_modules(version: int, n: int) -> frozenset[tuple[int, int]]:
    """Finders with separators and format areas, timing, alignment and version areas (everything but data)."""
    cells = set()
    for r in range(n):
        for c in range(n):
            if (r <= 8 and c <= 8) or (r <= 8 and c >= n - 8) or (r >= n - 8 and c <= 8) or r == 6 or c == 6:
                cells.add((r, c))
    for cy, cx in _alignment_centres(version):
        cells.update((cy + dy, cx + dx) for dy in range(-2, 3) for dx in range(-2, 3))
    if version >= 7:
        for a in range(6):
            for b in range(n - 11, n - 8):
                cells.update(((a, b), (b, a)))
    return frozenset(cells)


def _alignment_centres(version: int) -> list[tuple[int, int]]:
    """(row, column) of every alignment pattern (ISO 18004 Annex E): rows and columns at the same positions, the
    first at 6, the last 7 from the far edge, evenly spaced by an even step between (26 for version 32), none
    where a finder is."""
    if version < 2:
        return []
    count = version // 7 + 2
    last = 4 * version + 10
    step = 26 if version == 32 else (version * 4 + count * 2 + 1) // (2 * count - 2) * 2  # 32: rounding gives 28
    positions = [6] + [last - step * i for i in range(count - 2, -1, -1)]
    corners = {(6, 6), (6, last), (last, 6)}
    return [(r, c) for r in positions for c in positions if (r, c) not in corners]


def _format_word(level: str, mask: int) -> int:
    """The 15-bit format information (ISO 18004 7.9): level and mask, a BCH(15,5) remainder, XOR 0x5412."""
    data = {"L": 1, "M": 0, "Q": 3, "H": 2}[level] << 3 | mask
    rem = data << 10
    for shift in range(4, -1, -1):
        if rem & (1 << (shift + 10)):
            rem ^= 0x537 << shift
    return (data << 10 | rem) ^ 0x5412


def _version_word(version: int) -> int:
    """The 18-bit version information (ISO 18004 7.10): the version and a BCH(18,6) remainder."""
    rem = version << 12
    for shift in range(5, -1, -1):
        if rem & (1 << (shift + 12)):
            rem ^= 0x1F25 << shift
    return version << 12 | rem


def _dark_function_modules(version: int, level: str, n: int) -> set[tuple[int, int]]:
    """The dark modules of everything but the data (mask 0): finders, timing, alignment, format and version
    information and the dark module, as (row, column)."""
    dark: set[tuple[int, int]] = set()
    for top, left in ((0, 0), (0, n - 7), (n - 7, 0)):
        for dr in range(7):
            for dc in range(7):
                if max(abs(dr - 3), abs(dc - 3)) != 2:
                    dark.add((top + dr, left + dc))
    for i in range(8, n - 8, 2):
        dark.update(((6, i), (i, 6)))
    for cy, cx in _alignment_centres(version):
        for dr in range(-2, 3):
            for dc in range(-2, 3):
                if max(abs(dr), abs(dc)) != 1:
                    dark.add((cy + dr, cx + dc))
    word = _format_word(level, 0)
    for i in range(15):
        if not word >> i & 1:
            continue
        # beside the top-left finder: bits 0-7 down column 8 (past the timing row), 8-14 leftwards along row 8
        dark.add((i if i < 6 else i + 1, 8) if i < 8 else (8, 14 - i if i >= 9 else 7))
        # the copy: bits 0-7 leftwards from the right edge along row 8, 8-14 up column 8 from the bottom
        dark.add((8, n - 1 - i) if i < 8 else (n - 15 + i, 8))
    dark.add((n - 8, 8))  # the dark module
    if version >= 7:
        word = _version_word(version)
        for i in range(18):
            if word >> i & 1:
                dark.update(((i // 3, n - 11 + i % 3), (n - 11 + i % 3, i // 3)))
    return dark
