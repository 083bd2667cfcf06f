"""The compressor of the own writer's page streams: ISA-L's deflate (the `isal` wheel) where it is installed, else
zlib's, both cut per page at a full flush (see part.DirectPart._deflate).

Why ISA-L: a page of four badges is ~2.4 KB of operators; zlib at level 1 took ~40 us a page, ~10 % of a badge's
cost, and ISA-L at level 1 takes ~18 us and makes them ~5 % smaller (519 -> 495 bytes a page; measured 2026-12-02
on the 500 pages of 2,000 bench badges, best of 3; zlib-ng's level 1 took ~14 us but made 638 bytes). ISA-L's
level 0 is faster still but 37 % bigger. A full flush resets its history as
zlib's does, so each page's segment decodes on its own (tests/unit/pdf_write/test_deflate.py).
"""

from __future__ import annotations

import struct
import zlib
from types import ModuleType
from typing import Any

_engine: ModuleType
try:
    from isal import isal_zlib as _engine
except ImportError:  # the wheel is in requirements; without it, zlib writes the same streams
    _engine = zlib

ENGINE = "isal" if _engine is not zlib else "zlib"
FULL_FLUSH = _engine.Z_FULL_FLUSH
adler32 = _engine.adler32


STORED_MAX = 0xFFFF  # bytes in one stored deflate block (RFC 1951 3.2.4)


def stored_blocks(data: bytes, *, final: bool) -> list[bytes]:
    """`data` as stored (uncompressed) deflate blocks of at least one block, to follow a byte boundary (a stream's
    start or a flush); `final`: the last block ends the deflate stream."""
    blocks: list[bytes] = []
    for start in range(0, len(data), STORED_MAX) if data else [0]:
        chunk = data[start : start + STORED_MAX]
        last = final and start + STORED_MAX >= len(data)
        blocks += (struct.pack("<BHH", last, len(chunk), len(chunk) ^ 0xFFFF), chunk)
    return blocks


def page_packer(level: int) -> Any:
    """A raw deflate compressor (no header: the writer adds one per page) with a small hash (memLevel 5), since a
    full flush clears it for every page anyway."""
    return _engine.compressobj(level, zlib.DEFLATED, -15, 5)
