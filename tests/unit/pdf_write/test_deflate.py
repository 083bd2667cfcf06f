"""The page streams' compressor: each page's segment, cut at a full flush, is a complete zlib stream on its own,
with ISA-L (the installed engine) as with zlib (the fallback)."""

from __future__ import annotations

import importlib
import io
import sys
import zlib

import pytest

from badge_renderer.pdf_write import deflate
from badge_renderer.pdf_write.part import DirectPart

PAGES = [b"q 1 0 0 1 12 34 cm /S0 Do Q BT /F0 24 Tf [<0033004400550044>] TJ ET\n" * 30] * 3 + [b"", b"x" * 70_000]


@pytest.fixture(params=["installed", "zlib"])
def engine(request, monkeypatch):
    if request.param == "installed":
        yield deflate
        return
    monkeypatch.setitem(sys.modules, "isal", None)  # the wheel missing: the import fails, zlib is used
    fallback = importlib.reload(deflate)
    yield fallback
    monkeypatch.delitem(sys.modules, "isal")
    importlib.reload(deflate)


def test_the_installed_engine_is_isal() -> None:
    assert deflate.ENGINE == "isal"  # requirements.txt pins it: the writer's speed figures assume it


def test_every_page_segment_decodes_alone_even_when_pages_repeat(engine) -> None:
    packer = engine.page_packer(1)
    for page in PAGES:
        segment = packer.compress(page) + packer.flush(engine.FULL_FLUSH)
        assert zlib.decompressobj(-15).decompress(segment + b"\x03\x00") == page  # no reference to earlier pages
        assert engine.adler32(page) == zlib.adler32(page)


def test_a_part_s_page_streams_are_zlib_streams_of_their_content(engine, monkeypatch) -> None:
    import badge_renderer.pdf_write.part as part_module

    monkeypatch.setattr(part_module, "page_packer", engine.page_packer)
    monkeypatch.setattr(part_module, "FULL_FLUSH", engine.FULL_FLUSH)
    part = DirectPart(io.BytesIO(), 100, 100)
    for page in PAGES:
        assert zlib.decompress(part._deflate(page)) == page  # header, segment, final block, adler32: all valid


@pytest.mark.parametrize("stored", [b"BI /W 8 /H 1 /IM true ID\n\x00\xff\nEI", bytes(range(256)) * 300, b"\x00"])
def test_stored_bytes_follow_the_compressed_ones_in_the_same_zlib_stream(engine, monkeypatch, stored) -> None:
    """A page's QR codes are stored, not deflated, after its operators: blocks of at most 65,535 bytes (the second
    case needs two), the adler32 of both, and the next page's segment still decodes alone."""
    import badge_renderer.pdf_write.part as part_module

    monkeypatch.setattr(part_module, "page_packer", engine.page_packer)
    monkeypatch.setattr(part_module, "FULL_FLUSH", engine.FULL_FLUSH)
    part = DirectPart(io.BytesIO(), 100, 100)
    for page in PAGES[:2]:
        stream = part._deflate(page, stored)
        assert zlib.decompress(stream) == page + stored
        assert len(stream) >= len(stored)  # really stored: random-looking bits are not compressed away
    assert zlib.decompress(part._deflate(PAGES[0])) == PAGES[0]
