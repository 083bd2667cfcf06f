"""QR codes as 1-bit image masks of our own page writer: module for module what QrCode.is_dark says, decoded by
zbarimg from a 150 dpi render to exactly the payload, and pixel-identical at 150 and 300 dpi to the same code drawn
by the cairo path (qr.draw_qr) at the same square, upright and under a 90° badge rotation. Real cairo, poppler,
zbarimg and qpdf; nothing is mocked."""

from __future__ import annotations

import math
import re
import subprocess
import zlib
from pathlib import Path

import cairocffi as cairo
import pytest
from pdf_pages import pixels, qpdf_check, tool, write_page

from badge_renderer.model import Attendee
from badge_renderer.pdf_write import qr_masks
from badge_renderer.pdf_write.qr_masks import _mask_rows, qr_image, qr_inline, qr_placement, qr_square, stored_flate
from badge_renderer.qr import MIN_VCARD_SYMBOL_MM, QrCode, draw_qr, encode_qr, fit_qr, grid_window, qr_payload

ADA = Attendee(row=2, first_name="Ada", last_name="Lovelace", organization="Engines Ltd", email="ada@example.org")
VCARD = qr_payload(ADA, "", "vcard")
TEXT = "T000123"
# (payload, version or None for the composer's choice, 150 dpi pixels a module)
CODES = [
    (TEXT, 1, 5),
    (TEXT, 5, 3),
    ("für Zoë", 11, 2),  # UTF-8 with its ECI header
    (TEXT, 25, 2),
    (TEXT, 40, 2),
    (VCARD, 11, 2),
    (VCARD, 25, 2),
    (VCARD, 40, 2),
    (VCARD, None, 0),
]


def _holding_ei() -> str:
    """A ticket id whose version-2 image rows hold the bytes "EI" (the inline image then goes hex)."""
    return next(t for t in (f"T{i:06d}" for i in range(10_000)) if b"EI" in _mask_rows(encode_qr(t, version=2))[1])


CODES.append((_holding_ei(), 2, 4))
PAGE = (560.0, 400.0)
BIT_REVERSED = bytes(int(f"{v:08b}"[::-1], 2) for v in range(256))


def _code(payload: str, version: int | None, per: int) -> tuple[QrCode, int]:
    if version is None:  # as compose._draw_qr: the window's pixels decide version and module size
        fitted = fit_qr(payload, 200, MIN_VCARD_SYMBOL_MM)
        assert fitted is not None
        return fitted
    return encode_qr(payload, version=version), per


def _samples(code: QrCode) -> list[list[bool]]:
    """The image's samples as the PDF reads them (most significant bit first, 1 = paint), row by row."""
    head, data = qr_image(code)
    width = int(head.split(b"/Width ")[1].split()[0])
    raw = zlib.decompress(data)
    row_bytes = (width + 7) // 8
    return [[bool(raw[r * row_bytes + i // 8] >> (7 - i % 8) & 1) for i in range(width)] for r in range(code.size)]


@pytest.mark.parametrize(("payload", "version", "per"), CODES[:8])
def test_every_module_is_what_is_dark_says(payload: str, version: int, per: int) -> None:
    """Sample (row j, column i) is symbol column j, row i - origin; every other sample (padding) is light."""
    code, _ = _code(payload, version, per)
    samples = _samples(code)
    assert len(samples) == code.size
    for j, row in enumerate(samples):
        for i, dark in enumerate(row):
            r = i - code.origin
            assert dark == (0 <= r < code.size and code.is_dark(r, j)), (code.version, j, i)


def test_a_big_endian_bitmap_is_taken_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where cairo's A1 is most significant bit first (big-endian), the bytes are the PDF's already."""
    code = encode_qr(VCARD, version=11)
    little = _samples(code)
    monkeypatch.setattr(qr_masks, "_TO_PDF", None)
    big_endian = code._replace(bits=code.bits.translate(BIT_REVERSED))
    assert _samples(big_endian) == little


def test_the_image_dictionary_is_a_one_bit_stencil() -> None:
    code = encode_qr(TEXT, version=5)
    head, data = qr_image(code)
    assert head.startswith(b"<< /Type /XObject /Subtype /Image /ImageMask true") and head.endswith(b">>")
    assert b"/Width %d /Height %d /BitsPerComponent 1 /Decode [ 1 0 ]" % (code.width, code.size) in head
    assert b"/Filter /FlateDecode" in head and b"/Length" not in head
    rows = code.bits.translate(BIT_REVERSED)
    assert zlib.decompress(data) == b"".join(rows[r : r + 6] for r in range(0, len(rows), code.stride))  # 45 px


@pytest.mark.parametrize("size", [0, 1, 65535, 65536, 200_000])
def test_stored_flate_is_a_zlib_stream(size: int) -> None:
    data = bytes(i * 7 % 251 for i in range(size))
    assert zlib.decompress(stored_flate(data)) == data


def _layout(width: float, height: float) -> list[tuple[float, float, float, float]]:
    """A box per code, shelf by shelf, sized for its grid (in points, 1/150 in a pixel)."""
    boxes, x, y, shelf = [], 6.0, 6.0, 0.0
    for payload, version, per in CODES:
        code, per = _code(payload, version, per)
        side = code.size * per * 72 / 150 + 2
        if x + side > width:
            x, y, shelf = 6.0, y + shelf + 6, 0.0
        boxes.append((x, y, side, side))
        assert y + side <= height
        x, shelf = x + side + 6, max(shelf, side)
    return boxes


def _pages(tmp_path: Path, turned: bool, inline: bool = False) -> tuple[Path, Path, list[tuple[float, float, float]]]:
    """The codes drawn by cairo (qr.draw_qr) and by our writer at the same squares, as image XObjects or (`inline`)
    as the page writer writes them; returns (cairo, ours, squares)."""
    width, height = PAGE
    badge = (0.0, 1.0, -1.0, 0.0, width, 0.0) if turned else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)  # 90° clockwise
    user = (height, width) if turned else (width, height)
    reference = tmp_path / f"cairo-{turned}.pdf"
    surface = cairo.PDFSurface(str(reference), width, height)
    ctx = cairo.Context(surface)
    ctx.transform(cairo.Matrix(*badge))
    squares = []
    for (payload, version, per), box in zip(CODES, _layout(*user), strict=True):
        code, per = _code(payload, version, per)
        window = grid_window(ctx, box)
        x, y, side = window.square(code.size * per)
        squares.append((x, y, side))
        draw_qr(ctx, code, x, y, side, (0, 0, 0))
    surface.finish()

    def build(objects):
        content = [b"q %s cm\n" % b" ".join(b"%r" % v for v in badge)]
        names = {}
        for i, ((payload, version, per), (x, y, side)) in enumerate(zip(CODES, squares, strict=True)):
            code, _ = _code(payload, version, per)
            content.append(b"q 1 1 1 rg %r %r %r %r re f 0 g q " % (x, y, side, side))
            if inline:
                content.append(qr_placement(code, x, y, side) + b" %s Q Q\n" % qr_inline(code))
                continue
            names[f"Q{i}"] = objects.add_stream(*qr_image(code))
            content.append(qr_placement(code, x, y, side) + b" /Q%d Do Q Q\n" % i)
        return b"".join(content) + b"Q\n", names

    ours = write_page(tmp_path / f"ours-{turned}-{inline}.pdf", width, height, build)
    return reference, ours, squares


def _decoded(png_size: tuple[int, int], samples: bytes, squares, turned: bool, tmp_path: Path) -> list[str]:
    """zbarimg's reading of each code's square (cut out of the 150 dpi page, with a margin), in order."""
    from PIL import Image

    page = Image.frombytes("L", png_size, samples)
    files = []
    for i, (x, y, side) in enumerate(squares):
        if turned:  # user (u, v) -> device (W - v, u)
            x, y = PAGE[0] - y - side, x
        k = 150 / 72
        crop = page.crop((math.floor(x * k) - 8, math.floor(y * k) - 8, math.ceil((x + side) * k) + 8,
                          math.ceil((y + side) * k) + 8))  # fmt: skip
        files.append(tmp_path / f"code{i}-{turned}.png")
        crop.save(files[-1])
    run = subprocess.run([tool("zbarimg"), "-q", "--xml", *map(str, files)], capture_output=True, check=False)
    # read as bytes, not with an XML parser: it would turn the vCards' CRLF into LF
    found: dict[int, str] = {}
    for href, body in re.findall(rb"<source href='([^']*)'>(.*?)</source>", run.stdout, re.S):
        data = re.findall(rb"<data[^>]*><!\[CDATA\[(.*?)\]\]></data>", body, re.S)
        found[files.index(Path(href.decode()))] = b"".join(data).decode("utf-8")
    return [found.get(i, "") for i in range(len(files))]


@pytest.mark.parametrize("inline", [False, True], ids=["xobject", "inline"])
@pytest.mark.parametrize("turned", [False, True], ids=["upright", "turned-90"])
def test_codes_decode_and_render_as_the_cairo_path_does(turned: bool, inline: bool, tmp_path: Path) -> None:
    """Inline: the page writer's form, raw bits (and hex for the code whose bits hold "EI")."""
    reference, ours, squares = _pages(tmp_path, turned, inline)
    assert "No syntax or stream encoding errors" in qpdf_check(ours)
    for dpi in (150, 300):
        size, mine = pixels(ours, dpi, gray=True)
        assert (size, mine) == pixels(reference, dpi, gray=True), f"{dpi} dpi differs"
        if dpi == 150:
            decoded = _decoded(size, mine, squares, turned, tmp_path)
            assert decoded == [payload for payload, _, _ in CODES]


def test_inline_bits_are_raw_unless_they_hold_the_end_of_image_operator() -> None:
    """A reader finds the end of inline data by looking for "EI": bits that hold it go hex (/AHx), all others as
    they are, exactly the rows qr_image writes."""
    plain = encode_qr(VCARD, version=11)
    rows = _mask_rows(plain)[1]
    assert b"EI" not in rows
    assert qr_inline(plain) == b"BI /W 64 /H 69 /IM true /BPC 1 /D [1 0] /I false ID\n%s\nEI" % rows
    assert zlib.decompress(qr_image(plain)[1]) == rows
    holding = encode_qr(_holding_ei(), version=2)
    hex_rows = _mask_rows(holding)[1].hex().encode()
    assert qr_inline(holding).endswith(b"/F /AHx ID\n%s>\nEI" % hex_rows) and b"EI" not in hex_rows


def test_the_square_before_a_code_is_its_white_square_and_image_matrix_whatever_was_asked_before() -> None:
    """qr_square remembers its operators per square and symbol shape: asked again, or for another code of the
    same shape, it answers the same bytes; another square or shape gets its own."""
    small, vcard = encode_qr(TEXT, version=1), encode_qr(VCARD, version=11)
    for code, (x, y, side) in [(small, (10.0, 20.5, 30.0)), (vcard, (10.0, 20.5, 30.0)), (vcard, (3.25, 4.0, 50.0))]:
        expected = b"1 1 1 rg %.3f %.3f %.3f %.3f re f 0 0 0 rg q %s " % (
            x,
            y,
            side,
            side,
            qr_placement(code, x, y, side),
        )
        assert qr_square(code, x, y, side) == expected
        assert qr_square(code, x, y, side) == expected
    assert qr_square(encode_qr("other", version=11), 3.25, 4.0, 50.0) == qr_square(vcard, 3.25, 4.0, 50.0)


@pytest.mark.parametrize(("payload", "pixels"), [(VCARD, 149), (TEXT, 100), ("x" * 300, 300)])
def test_a_code_encoded_in_the_pdfs_bit_order_writes_the_same_image(payload: str, pixels: int) -> None:
    """fit_qr(msb=True), which the composer asks for on the own writer's pages, skips the per-code bit reversal:
    same modules, same inline image and image XObject bytes as cairo's A1 order."""
    a1, msb = fit_qr(payload, pixels, MIN_VCARD_SYMBOL_MM), fit_qr(payload, pixels, MIN_VCARD_SYMBOL_MM, msb=True)
    assert a1 is not None and msb is not None and a1[1] == msb[1] and msb[0].msb and not a1[0].msb
    code, ours = a1[0], msb[0]
    assert all(code.is_dark(r, c) == ours.is_dark(r, c) for r in range(code.size) for c in range(code.size))
    assert qr_inline(ours) == qr_inline(code) and qr_image(ours) == qr_image(code)
