"""ZPL output: the ^GFA encoder against committed goldens and an independent reader, and badges at label size.

Regenerate the goldens after an intended change: BADGEFORGE_UPDATE_GOLDEN=1 pytest tests/unit/render/test_zpl.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from badge_renderer.errors import OptionsError
from badge_renderer.model import Attendee
from badge_renderer.options import RenderOptions
from badge_renderer.zpl import Bitmap, bitmap_from_gray, compress_row, graphic_field, label_zpl, render_zpl
from tests.zpl_decode import labels

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "zpl"
ADA = Attendee(row=2, first_name="Ada", last_name="Lovelace", organization="Analytical Engines", ticket_type="Speaker")
MAX_DOT_DIFF = 0.01  # of all dots: hinting and antialiasing noise passes, a moved or missing line of text does not


def _golden(name: str, text: str) -> str:
    path = GOLDEN / name
    if os.environ.get("BADGEFORGE_UPDATE_GOLDEN") == "1" or not path.exists():
        path.write_text(text)
        if os.environ.get("BADGEFORGE_UPDATE_GOLDEN") != "1":
            pytest.fail(f"no golden {name}: wrote {path}, check it and commit it")
    return path.read_text()


def _pattern() -> Image.Image:
    """A test card without fonts (so it is byte-stable): frame, bars, a diagonal, a grey ramp, odd width."""
    image = Image.new("L", (203, 120), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 202, 119), outline=0)
    draw.rectangle((10, 10, 90, 40), fill=0)
    draw.line((0, 119, 202, 0), fill=0, width=3)
    for x in range(100, 200):
        draw.line((x, 60, x, 110), fill=int((x - 100) * 2.55))
    return image


def _bits(rows: list[bytes], width: int) -> list[int]:
    return [
        (byte >> (7 - bit)) & 1 for row in rows for i, byte in enumerate(row) for bit in range(8) if i * 8 + bit < width
    ]


@pytest.mark.parametrize("compress", [True, False], ids=["compressed", "plain"])
def test_pattern_matches_the_golden_zpl_and_reads_back_dot_for_dot(compress: bool) -> None:
    bitmap = bitmap_from_gray(_pattern())
    zpl = label_zpl(bitmap, compress)
    assert zpl == _golden(f"pattern-{'compressed' if compress else 'plain'}.zpl", zpl)
    [(width, length, rows)] = labels(zpl)
    assert (width, length) == (203, 120)
    assert rows == list(bitmap.rows)
    assert zpl.startswith("^XA\n^PW203\n^LL120\n") and "^FO0,0^GFA,3120,3120,26," in zpl and zpl.endswith("^XZ\n")


def test_black_pixels_become_one_bits_and_the_row_padding_stays_white() -> None:
    image = Image.new("L", (10, 2), 255)
    image.putpixel((0, 0), 0)
    image.putpixel((9, 1), 0)
    bitmap = bitmap_from_gray(image)
    assert bitmap.rows == (bytes([0x80, 0x00]), bytes([0x00, 0x40]))


def test_compressed_rows_use_repeat_letters_and_row_ends() -> None:
    assert compress_row("0" * 20) == ","
    assert compress_row("F" * 20) == "!"
    assert compress_row("FFFFFFF000") == "MF,"  # 7 F's, then zeros to the end
    assert compress_row("A" * 45 + "1") == "hKA1"  # 40 + 5
    assert compress_row("3" * 819) == "zzY3"  # 400 + 400 + 19
    rows = (bytes(4), bytes(4), b"\xff\x00\x00\x01")
    assert graphic_field(Bitmap(32, 3, rows)) == "^GFA,12,12,4,,:HFK01"


def test_dithering_keeps_grey_as_a_dot_pattern_where_a_threshold_makes_it_solid() -> None:
    grey = Image.new("L", (64, 64), 100)
    solid = bitmap_from_gray(grey, "threshold")
    dithered = bitmap_from_gray(grey, "dither")
    assert set(b"".join(solid.rows)) == {0xFF}
    share = sum(_bits(list(dithered.rows), 64)) / (64 * 64)
    assert 0.5 < share < 0.7  # grey 100 of 255 is ~61 % black


def test_a_badge_on_zebra_4x3_at_203_dpi_matches_its_golden() -> None:
    options = RenderOptions(design="classic", preset="zebra-4x3in", event_name="PyCon 2026")
    zpl, _ = render_zpl([ADA], options, dpi=203)
    expected = _golden("classic-zebra-4x3in-203.zpl", zpl)
    [(width, length, rows)] = labels(zpl)
    [(g_width, g_length, g_rows)] = labels(expected)
    assert (width, length) == (g_width, g_length) == (812, 609)  # 4 x 3 in at 8 dots/mm
    ours, theirs = _bits(rows, width), _bits(g_rows, width)
    differ = sum(a != b for a, b in zip(ours, theirs, strict=True)) / len(ours)
    assert differ <= MAX_DOT_DIFF, f"{differ:.2%} of the dots differ from the golden"
    assert 0.05 < sum(ours) / len(ours) < 0.6  # really a badge: ink, not a blank or black label


def test_the_golden_check_notices_a_different_name() -> None:
    options = RenderOptions(design="classic", preset="zebra-4x3in", event_name="PyCon 2026")
    [(_, _, rows)] = labels(render_zpl([ADA], options)[0])
    other = Attendee(row=2, first_name="Grace", last_name="Hopper", organization="Analytical Engines")
    [(_, _, other_rows)] = labels(render_zpl([other], options)[0])
    differ = sum(a != b for a, b in zip(_bits(rows, 812), _bits(other_rows, 812), strict=True)) / (812 * 609)
    assert differ > MAX_DOT_DIFF


def test_one_label_per_badge_at_300_dpi_on_brother_62x100() -> None:
    options = RenderOptions(design="minimal", preset="brother-dk-11202")
    zpl, _ = render_zpl([ADA, ADA, ADA], options, dpi=300, compress=False)
    found = labels(zpl)
    assert len(found) == 3 and zpl.count("^XA") == 3 and zpl.count("^XZ") == 3
    assert {(w, h) for w, h, _ in found} == {(732, 1181)}  # 62 x 100 mm at 300 dpi (11.81 dots/mm)


def test_a_resolution_no_zebra_has_is_refused_with_the_ones_it_has() -> None:
    with pytest.raises(OptionsError, match="203"):
        render_zpl([ADA], RenderOptions(preset="zebra-4x3in"), dpi=150)
