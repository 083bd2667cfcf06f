"""A QR Code (Model 2, byte mode) encoder that compiles each (version, error level) into lookup tables once.

Why not segno per badge: even with a fixed mask segno spends ~2.3 ms per vCard code in Python loops over every
module, which made a 10,000-badge vCard job several times slower than the same job without codes. Everything in a
QR symbol except the message bits is fixed per (version, level, mask), and Reed-Solomon parity is linear over
GF(2), so per code this module only: packs the bytes (a few big-int shifts), XORs one precomputed parity row per data
byte, and copies the message bits with a few hundred byte slices straight into cairo's A8 image layout.
The symbol tables (capacities, block structure, alignment positions, format and version words) are ISO/IEC 18004
figures, read from segno's constants; tests check every symbol module for module against segno.make.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from operator import itemgetter
from typing import Any, cast

_LEVEL_ORDER = ("L", "M", "Q", "H")
_PAD_RUN = bytes([0xEC, 0x11]) * 1500  # ISO 18004 pad codewords, alternating; longer than any symbol holds


class QrDataTooLong(ValueError):
    """The text does not fit the largest symbol allowed."""


@dataclass(frozen=True)
class EncodedQr:
    """A symbol as a cairo A8 bitmap (dark = 255), transposed (bitmap row k is symbol column k): `size` x `size` pixels
    including `border` light modules on each side."""

    version: int
    level: str
    size: int
    stride: int
    bits: bytes


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
    plan = _plan(version, level, border)
    message = _message(data, version, level, plan, eci)
    bits = plan.scatter(message)
    return EncodedQr(version, level, plan.size, plan.stride, bits)


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
def _message(data: bytes, version: int, level: str, plan: _Plan, eci: int | None = None) -> int:
    """The final interleaved message (data + parity codewords, then remainder bits) as one integer of
    `plan.message_bits` bits, the first bit the most significant."""
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
    for j, (length, table, ec_len) in enumerate(plan.blocks):
        block = stream[start : start + length]
        start += length
        key = (length, ec_len, block)
        parity = seen.get(key)
        if parity is None:
            ecc = 0
            base = 0
            for byte in block:  # two 16-entry rows per byte: small enough to stay in cache across a whole job
                ecc ^= table[base | byte & 15] ^ table[base | 16 | byte >> 4]
                base += 32
            parity = seen[key] = ecc.to_bytes(ec_len, "big")
        # Interleave (ISO 18004 7.6): codeword i of every block in turn, the longer blocks' last byte at the end.
        out[j:extra:count] = block[:short]
        if length > short:
            out[extra + j - (count - plan.long_blocks)] = block[short]
        out[ec_start + j :: count] = parity
    return int.from_bytes(out, "big") << plan.remainder


# Parity of blocks seen before, by content: a vCard's first block (header and "BEGIN:VCARD ... N:") and its
# all-padding last blocks repeat across a job, so about a quarter of the blocks skip the lookups. Bounded: cleared
# when full (~200 KB).
_PARITY_SEEN: dict[tuple[int, int, bytes], bytes] = {}
_PARITY_SEEN_MAX = 2048


# ---- Reed-Solomon as lookup rows --------------------------------------------------------------------------------
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
def _parity_rows(length: int, ec_len: int) -> tuple[int, ...]:
    """Parity lookup rows, flat: entry 32p + v is the parity (one integer) of a block that is zero except the low
    nibble v at byte p, entry 32p + 16 + v the same for the high nibble. Parity is linear over GF(2), so a block's
    parity is the XOR of one entry per nibble.

    Byte p is the coefficient of x^(length-1-p), so its parity is b * (x^(ec_len+length-1-p) mod g): the powers of x
    modulo the generator are stepped once each, and the sixteen values per nibble come from its four single bits.
    Why nibbles, not whole bytes: 256-entry rows made a 4-block symbol's tables ~2 MB, which fell out of the CPU
    cache between badges and cost more than the arithmetic they saved.
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
    flat: list[int] = []
    for position in range(length):
        base = powers[length - 1 - position]
        unit = [
            int.from_bytes(bytes(exp[log[c] + bit] if c else 0 for c in base), "big")  # c * 2^bit in GF(256)
            for bit in range(8)
        ]
        for shift in (0, 4):
            row = [0] * 16
            for value in range(1, 16):
                low = value & -value
                row[value] = row[value ^ low] ^ unit[shift + low.bit_length() - 1]
            flat.extend(row)
    return tuple(flat)


# ---- the symbol plan ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Plan:
    size: int  # pixels per side, border included
    stride: int
    data_bytes: int
    total_codewords: int
    long_blocks: int  # blocks with one data byte more than the first (they come last)
    remainder: int
    blocks: tuple[tuple[int, tuple[int, ...], int], ...]  # (data length, parity rows (flat), parity length)
    slices: tuple[slice, ...]  # message bits + fixed pixels -> every pixel of the transposed bitmap, in order
    fixed: bytes  # every pixel that is not a data module (quiet zone, row padding, function patterns), in order
    mask_bits: int  # message bits whose module mask 0 inverts
    message_bits: int
    cut: Callable[[bytes], tuple[bytes, ...]]  # all slices in one C call: a map over __getitem__ pays a call each

    def scatter(self, message: int) -> bytes:
        """The A8 bitmap (rows = symbol columns, dark = 255) of this message: the mask is one XOR on the message
        (each message bit has its module, so its mask bit is fixed), then a few hundred byte slices of the message
        (a byte a bit) and of the fixed pixels.

        Why A8, not A1: packing bits needs int(text, 2) and an OR of the function patterns, which cost three times all
        the slicing; a byte a pixel is a translate away, and cairo still writes a 0/255 mask as a 1-bit /ImageMask.
        """
        text = bin((message ^ self.mask_bits) | 1 << self.message_bits)[3:]
        source = text.encode("ascii").translate(_TO_A8) + self.fixed
        return b"".join(self.cut(source))


_TO_A8 = bytes.maketrans(b"01", b"\x00\xff")


@lru_cache(maxsize=64)
def _plan(version: int, level: str, border: int) -> _Plan:
    """Everything about a (version, level) symbol that does not depend on the message, computed once.

    The bitmap is the symbol transposed (a bitmap row is a symbol column) because the placement walks columns:
    down a column, consecutive data modules take message bits at a constant stride, so each run is one slice.
    `draw_qr` transposes it back when painting.
    """
    import segno
    from segno import consts

    ecc = cast("Mapping[int, Mapping[int, tuple[Any, ...]]]", consts.ECC)  # an untyped literal in segno
    groups = ecc[version][_level_const(level)]
    blocks: list[tuple[int, tuple[int, ...], int]] = []
    for group in groups:
        ec_len = group.num_total - group.num_data
        rows = _parity_rows(group.num_data, ec_len)
        blocks.extend((group.num_data, rows, ec_len) for _ in range(group.num_blocks))
    data_bytes = sum(b[0] for b in blocks)
    total_codewords = sum(g.num_blocks * g.num_total for g in groups)
    n = 17 + 4 * version
    function = _function_modules(version, n)
    order = _placement(n, function)
    remainder = len(order) - 8 * total_codewords
    # Fixed modules (finders, timing, alignment, format and version words) from a real symbol of this plan.
    probe = segno.make(b"", version=version, error=level.lower(), mode="byte", mask=0, boost_error=False)
    fixed = [list(row) for row in probe.matrix_iter(scale=1, border=0)]
    size = n + 2 * border
    stride = (size + 3) // 4 * 4  # cairo's A8 rows are 4-byte aligned
    width = stride
    length = len(order)
    index_of = {cell: i for i, cell in enumerate(order)}
    sources: list[int] = []  # per pixel of the transposed bitmap: an index into message bits + fixed pixels
    fixed_pixels = bytearray()
    mask_bits = 0
    for y in range(size):
        c = y - border
        for x in range(width):
            r = x - border
            if not (0 <= r < n and 0 <= c < n) or (r, c) in function:
                sources.append(length + len(fixed_pixels))
                fixed_pixels.append(0xFF if 0 <= r < n and 0 <= c < n and fixed[r][c] else 0)
            else:
                index = index_of[(r, c)]
                sources.append(index)
                if (r + c) % 2 == 0:  # mask 0 inverts where (row + column) is even
                    mask_bits |= 1 << (length - 1 - index)
    slices = _as_slices(sources, length)
    long_blocks = sum(1 for b in blocks if b[0] > blocks[0][0])
    return _Plan(
        size,
        stride,
        data_bytes,
        total_codewords,
        long_blocks,
        remainder,
        tuple(blocks),
        slices,
        bytes(fixed_pixels),
        mask_bits,
        length,
        itemgetter(*slices),
    )


def _as_slices(sources: list[int], fixed: int) -> tuple[slice, ...]:
    """Cover the index sequence with slices: runs of message bits at a constant step, and runs of fixed pixels
    (indices from `fixed` on, consecutive by construction, so a run of k is one slice of length k)."""
    out: list[slice] = []
    i = 0
    while i < len(sources):
        first = sources[i]
        if first >= fixed:
            j = i
            while j < len(sources) and sources[j] >= fixed:
                j += 1
            out.append(slice(first, first + (j - i)))
            i = j
            continue
        j = i + 1
        step = sources[j] - first if j < len(sources) and sources[j] < fixed else 1
        if step == 0:
            step = 1
        while j < len(sources) and sources[j] < fixed and sources[j] - sources[j - 1] == step:
            j += 1
        last = sources[j - 1]
        stop = last + step
        out.append(slice(first, stop if stop >= 0 else None, step))
        i = j
    return tuple(out)


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


def _placement(n: int, function: frozenset[tuple[int, int]]) -> list[tuple[int, int]]:
    """Data module order: two-column strips from the right, alternately upwards and downwards, skipping column 6."""
    order = []
    upwards = True
    right = n - 1
    while right > 0:
        if right == 6:
            right -= 1
        rows = range(n - 1, -1, -1) if upwards else range(n)
        for r in rows:
            for c in (right, right - 1):
                if (r, c) not in function:
                    order.append((r, c))
        upwards = not upwards
        right -= 2
    return order
