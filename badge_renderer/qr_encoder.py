"""A QR Code (Model 2, byte mode) encoder that compiles each (version, error level) into lookup tables once.

Why not segno per badge: even with a fixed mask segno spends ~2.3 ms per vCard code in Python loops over every
module, which made a 10,000-badge vCard job several times slower than the same job without codes. Everything in a
QR symbol except the message bits is fixed per (version, level, mask), and Reed-Solomon parity is linear over
GF(2), so per code this module only: packs the bytes (a few big-int shifts), XORs one precomputed parity entry per
data byte (a map in C, no bytecode per byte), and places the bits with a few dozen whole-number operations on one
big integer and one join of byte slices into cairo's A1 layout (see _Plan.scatter).
The symbol tables (capacities, block structure, alignment positions, format and version words) are ISO/IEC 18004
figures, read from segno's constants; tests check every symbol module for module against segno.make.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache, reduce
from operator import getitem, itemgetter, xor
from typing import Any, cast

_LEVEL_ORDER = ("L", "M", "Q", "H")
_PAD_RUN = bytes([0xEC, 0x11]) * 1500  # ISO 18004 pad codewords, alternating; longer than any symbol holds


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
    data: bytes, version: int, level: str, border: int, eci: int | None
) -> tuple[int, int, bytes, int, int]:
    """(size, stride, bitmap, origin, width) of `data` in exactly this symbol, which the caller knows holds it
    (qr.fit_qr has chosen it): no capacity checks."""
    plan = _plan(version, level, border)
    return plan.size, plan.stride, plan.scatter(_message(data, version, level, plan, eci)), plan.origin, plan.width


def text_bytes(text: str) -> bytes:
    """UTF-8: every modern scanner recognises it, and ASCII is the same in ISO-8859-1 (the QR default charset)."""
    return text.encode("utf-8")


# ---- capacities ---------------------------------------------------------------------------------------------------
def _level_const(level: str) -> int:
    from segno import consts

    return {"L": consts.ERROR_LEVEL_L, "M": consts.ERROR_LEVEL_M, "Q": consts.ERROR_LEVEL_Q, "H": consts.ERROR_LEVEL_H}[
        level
    ]


@cache
def _capacity_bits(level: str) -> tuple[int, ...]:
    """Data bits of versions 1..40 at `level` (index 0 is version 1)."""
    from segno import consts

    const = _level_const(level)
    capacity = cast("Mapping[int, Mapping[int, int]]", consts.SYMBOL_CAPACITY)  # an untyped literal in segno
    return tuple(capacity[version][const] for version in range(1, 41))


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


# ---- message codewords ----------------------------------------------------------------------------------------------
def _message(data: bytes, version: int, level: str, plan: _Plan, eci: int | None = None) -> bytes:
    """The final interleaved message codewords (data, then parity; the remainder bits are the plan's)."""
    capacity_bytes = plan.data_bytes
    count_bits = 8 if version < 10 else 16
    value = (0b0100 << count_bits | len(data)) << 8 * len(data) | int.from_bytes(data, "big")
    used = 4 + count_bits + 8 * len(data)
    if eci is not None:  # ISO 18004 7.4.2: mode 0111, then the designator (one byte for 0-127)
        if not 0 <= eci < 128:
            raise ValueError(f"ECI designator {eci} needs the two- or three-byte form, which is not implemented")
        value |= (0b0111 << 8 | eci) << used
        used += 12
    terminator = min(4, capacity_bytes * 8 - used)
    value <<= terminator
    used += terminator
    value <<= -used % 8
    used += -used % 8
    stream = value.to_bytes(used // 8, "big")
    stream += _PAD_RUN[: capacity_bytes - len(stream)]
    count = len(plan.blocks)
    short = plan.blocks[0][0]
    out = bytearray(plan.total_codewords)
    extra = count * short
    ec_start = plan.data_bytes
    start = 0
    seen = _PARITY_SEEN
    if len(seen) > _PARITY_SEEN_MAX:
        seen.clear()
    for j, (length, tables, ec_len) in enumerate(plan.blocks):
        block = stream[start : start + length]
        start += length
        key = (length, ec_len, block)
        parity = seen.get(key)
        if parity is None:  # one table entry per data byte, looked up and XORed in C (no bytecode per byte)
            parity = seen[key] = reduce(xor, map(getitem, tables, block)).to_bytes(ec_len, "big")
        # Interleave (ISO 18004 7.6): codeword i of every block in turn, the longer blocks' last byte at the end.
        out[j:extra:count] = block[:short]
        if length > short:
            out[extra + j - (count - plan.long_blocks)] = block[short]
        out[ec_start + j :: count] = parity
    return bytes(out)


# Parity of blocks seen before, by content: a vCard's first block (header and "BEGIN:VCARD ... N:") and its
# all-padding last blocks repeat across a job, so about a quarter of the blocks skip the lookups. Bounded: cleared
# when full (~200 KB).
_PARITY_SEEN: dict[tuple[int, int, bytes], bytes] = {}
_PARITY_SEEN_MAX = 2048


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


# ---- the symbol plan ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Plan:
    size: int  # modules per side, border included
    stride: int  # bytes per bitmap row (cairo's A1 rows are 4-byte aligned)
    origin: int  # the pixel of a bitmap row where the square starts (below 0: its first pixels are not stored)
    width: int  # pixels of a bitmap row that are stored
    data_bytes: int
    total_codewords: int
    long_blocks: int  # blocks with one data byte more than the first (they come last)
    remainder: int
    blocks: tuple[tuple[int, tuple[tuple[int, ...], ...], int], ...]  # (data length, parity tables, parity length)
    expand: tuple[tuple[int, int, int], ...]  # (shift, bits that move, bits that stay) per step, largest first
    placed: int  # every data module's bit in the strip lanes (clears what the steps leave behind)
    unshuffle: tuple[tuple[int, int], ...]  # (shift, mask) per step: each lane's alternate bits to its two halves
    upward: int  # the fields of the upward strips (row r already at bit r, as in a bitmap row)
    lift_up: int  # how far up their fields shift: the symbol starts at that pixel of the field
    lift_down: int  # the same for the downward strips' fields, which are reversed once they are bytes
    fixed: int  # function modules (dark) and mask 0 (on data modules), in the same field bits
    field_bytes: int  # of all the fields together
    gather: Callable[[bytes], tuple[bytes, ...]]  # fields + reversed fields + column 6 -> each symbol column in turn
    column6: bytes  # the field of column 6 (timing: all function modules)
    before: bytes  # the top border rows
    after: bytes  # the bottom border rows

    def scatter(self, message: bytes) -> bytes:
        """The A1 bitmap (rows = symbol columns, little-endian bit order) of these message codewords.

        Placement is a fixed permutation of the message bits, done on one big integer with a few dozen whole-number
        operations (no Python step per module): an "expand" (Hacker's Delight 7-5) spreads the bits over one lane
        per two-column strip, leaving the function modules' places empty; an "unshuffle" sends each lane's
        alternate bits (right and left column) to its two halves, one field per symbol column; the function
        patterns and the mask are one XOR. A downward strip's field holds its column bottom-up: the bytes, reversed
        once with their bits, give every such column the right way round, and one join of byte slices lays the
        fields out as the bitmap rows (column 6, all function modules, is a constant).

        Why A1: cairo scans an A8 mask's every pixel on each paint to learn that it is two-valued (a sheet of four
        vCards: ~270,000 instructions per code); an A1 mask is known to be.
        """
        x = int.from_bytes(message, "big")
        for shift, moving, staying in self.expand:
            x = (x & staying) | (x << shift & moving)
        x &= self.placed
        for shift, mask in self.unshuffle:
            t = (x ^ x >> shift) & mask
            x ^= t ^ t << shift
        up = x & self.upward
        fields = ((up << self.lift_up | (x ^ up) << self.lift_down) ^ self.fixed).to_bytes(self.field_bytes, "little")
        source = fields + fields[::-1].translate(_BIT_REVERSED) + self.column6
        bitmap = self.before + b"".join(self.gather(source)) + self.after  # a bitmap row is one field
        return bitmap if _LITTLE_ENDIAN else bitmap.translate(_BIT_REVERSED)


_BIT_REVERSED = bytes(int(f"{value:08b}"[::-1], 2) for value in range(256))
_LITTLE_ENDIAN = sys.byteorder == "little"  # cairo's A1 pixel order follows the platform's 32-bit words


def _expand_steps(mask: int, width: int) -> tuple[tuple[int, int, int], ...]:
    """The steps of Hacker's Delight's expand (7-5) for `mask`: applied in turn, they move the low bits of a number
    to the mask's set bits, in order."""
    full = (1 << width) - 1
    m = mask
    mk = (~m << 1) & full  # counts the zeros to the right of each bit
    steps = []
    for i in range(max(1, (width - 1).bit_length())):
        mp = mk ^ (mk << 1)  # parallel suffix
        shift = 2
        while shift < width:
            mp ^= mp << shift
            shift <<= 1
        mp &= full
        moving = mp & m
        steps.append((1 << i, moving, full ^ moving))
        m = (m ^ moving) | (moving >> (1 << i))
        mk &= ~mp
    return tuple(step for step in reversed(steps) if step[1])


def _periodic(period: int, low: int, high: int, width: int) -> int:
    """Bits [low, high) of every `period`-bit group over `width` bits."""
    group = ((1 << high) - 1) ^ ((1 << low) - 1)
    return group * (((1 << width) - 1) // ((1 << period) - 1))  # times 1 + 2^period + 2^(2 period) + ...


@lru_cache(maxsize=64)
def _plan(version: int, level: str, border: int) -> _Plan:
    """Everything about a (version, level) symbol that does not depend on the message, computed once.

    The bitmap is the symbol transposed (a bitmap row is a symbol column) because the placement walks columns.
    `draw_qr` transposes it back when painting. A row is one field of 32, 64, 128 or 256 bits; it holds at least one
    blank module on each side of the symbol: cairo pulls a PDF clip in to whole points inside the mask's extent,
    which must only ever cut light pixels.
    """
    import segno
    from segno import consts

    ecc = cast("Mapping[int, Mapping[int, tuple[Any, ...]]]", consts.ECC)  # an untyped literal in segno
    groups = ecc[version][_level_const(level)]
    blocks: list[tuple[int, tuple[tuple[int, ...], ...], int]] = []
    for group in groups:
        ec_len = group.num_total - group.num_data
        tables = _parity_tables(group.num_data, ec_len)
        blocks.extend((group.num_data, tables, ec_len) for _ in range(group.num_blocks))
    data_bytes = sum(b[0] for b in blocks)
    total_codewords = sum(g.num_blocks * g.num_total for g in groups)
    n = 17 + 4 * version
    function = _function_modules(version, n)
    strips = _strips(n)
    field = 32
    while field < n:
        field *= 2
    lanes = len(strips)
    width = 2 * field * lanes
    message_bits = 8 * total_codewords
    probe = segno.make(b"", version=version, error=level.lower(), mode="byte", mask=0, boost_error=False)
    dark = [list(row) for row in probe.matrix_iter(scale=1, border=0)]
    # The symbol's first pixel in its field: after the whole border when it fits, else after one blank module (the
    # light square behind the code is the rest of the border; cairo's clip was seen pulled in by up to 0.24 pt, a
    # rounding to whole points, and a module is at least 0.96 pt).
    offset = border if n + 2 * border <= field else (field - n) // 2
    lift_up, lift_down = offset, field - n - offset  # a downward field is reversed: its bit b becomes field-1-b
    placed, fixed = _BitSet(width), _BitSet(width)  # bit by bit into bytes: ORing big integers is quadratic
    upward = 0
    index = 0
    columns: dict[int, tuple[int, bool]] = {}  # symbol column -> (field number from the lowest, reversed)
    for s, strip in enumerate(strips):
        base = (lanes - 1 - s) * 2 * field
        rising = strip[0][0] == n - 1
        right = strip[0][1]
        # After the unshuffle, the lane's right column is its upper field, the left its lower; visit k at bit n-1-k.
        columns[right] = (2 * (lanes - 1 - s) + 1, not rising)
        columns[right - 1] = (2 * (lanes - 1 - s), not rising)
        if rising:
            upward |= ((1 << n) - 1) << base | ((1 << n) - 1) << (base + field)
        for k in range(n):
            for side in (0, 1):
                r, c = strip[2 * k + side]
                # visit k of the column at field bit n-1-k, then lifted: row r at bit r + offset once reversed
                bit = base + (field if side == 0 else 0) + (n - 1 - k) + (lift_up if rising else lift_down)
                if (r, c) in function:
                    on = dark[r][c]
                else:
                    if index < message_bits:
                        placed.add(base + 2 * n - 1 - 2 * k - side)
                    index += 1
                    on = (r + c) % 2 == 0  # mask 0 inverts where row + column is even
                if on:
                    fixed.add(bit)
    field_bytes = field // 8
    total = 2 * lanes * field_bytes
    stride = field_bytes  # a multiple of 4 bytes: fields are 32 bits or more
    column6 = sum(1 << (r + offset) for r in range(n) if dark[r][6])
    slices = []
    for c in range(n):
        if c == 6:
            slices.append(slice(2 * total, 2 * total + field_bytes))
            continue
        number, reversed_ = columns[c]
        start = total + (2 * lanes - 1 - number) * field_bytes if reversed_ else number * field_bytes
        slices.append(slice(start, start + field_bytes))
    size = n + 2 * border
    return _Plan(
        size,
        stride,
        offset - border,
        min(size, 8 * stride),
        data_bytes,
        total_codewords,
        sum(1 for b in blocks if b[0] > blocks[0][0]),
        len([cell for strip in strips for cell in strip if cell not in function]) - message_bits,
        tuple(blocks),
        _expand_steps(placed.value(), width),
        placed.value(),
        tuple((shift, _periodic(4 * shift, shift, 2 * shift, width)) for shift in _powers(field)),
        upward,
        lift_up,
        lift_down,
        fixed.value(),
        total,
        itemgetter(*slices),
        column6.to_bytes(field_bytes, "little"),
        bytes(border * stride),
        bytes(border * stride),
    )


class _BitSet:
    """A big integer built one bit at a time."""

    def __init__(self, width: int) -> None:
        self._bytes = bytearray((width + 7) // 8)

    def add(self, bit: int) -> None:
        self._bytes[bit >> 3] |= 1 << (bit & 7)

    def value(self) -> int:
        return int.from_bytes(self._bytes, "little")


def _powers(field: int) -> list[int]:
    """1, 2, 4, ... up to field / 2: the unshuffle's steps for lanes of two fields."""
    return [1 << i for i in range(field.bit_length() - 1)]


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
    from segno import consts

    cells = set()
    for r in range(n):
        for c in range(n):
            if (r <= 8 and c <= 8) or (r <= 8 and c >= n - 8) or (r >= n - 8 and c <= 8) or r == 6 or c == 6:
                cells.add((r, c))
    if version >= 2:
        centres = consts.ALIGNMENT_POS[version - 2]
        for cy in centres:
            for cx in centres:
                if (cy, cx) in ((6, 6), (6, centres[-1]), (centres[-1], 6)):
                    continue
                cells.update((cy + dy, cx + dx) for dy in range(-2, 3) for dx in range(-2, 3))
    if version >= 7:
        for a in range(6):
            for b in range(n - 11, n - 8):
                cells.update(((a, b), (b, a)))
    return frozenset(cells)
