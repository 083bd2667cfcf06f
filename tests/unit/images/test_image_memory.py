"""Small files that decode to huge images: refused above the decode budget with one clear line, or decoded with no
more memory than the budget (palette images are converted strip by strip, JPEGs in draft mode)."""

from __future__ import annotations

import functools
import io
import struct
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image

import badge_renderer.images as images
from badge_renderer.errors import ImageError
from badge_renderer.images import prepare_image

BOX = {"box_width_pt": 288.0, "box_height_pt": 216.0}  # 4x3 in -> at most 1200x900 pixels at 300 dpi
SIDE = 6320  # the 116 KB PNG: 39.9 megapixels, just under the header cap
PALETTE_6320 = Path(__file__).resolve().parents[2] / "fixtures" / "images" / "palette-6320.png"  # 12 KB


@functools.cache
def png(mode: str, size: tuple[int, int], transparency: int | None = None) -> bytes:
    out = io.BytesIO()
    color = {"RGB": (30, 90, 200), "RGBA": (30, 90, 200, 128), "P": 3, "L": 90, "LA": (90, 128)}[mode]
    img = Image.new(mode, size, color)
    if mode == "P":
        img.putpalette([value for index in range(256) for value in (index, 90, 200)])
    img.save(out, "PNG", **({} if transparency is None else {"transparency": transparency}))
    return out.getvalue()


def png_header(width: int, height: int, color_type: int = 2) -> bytes:
    """A PNG that is only its header (8-bit RGB by default): enough to be refused, nothing to decode."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def test_a_huge_colour_png_is_refused_with_one_clear_line() -> None:
    with pytest.raises(ImageError) as caught:
        prepare_image(png_header(SIDE, SIDE), label="background_image", cover=True, **BOX)
    message = str(caught.value)
    assert "\n" not in message
    assert f"{SIDE}x{SIDE} pixels" in message and "megapixels" in message
    assert "1200x1200 pixels" in message  # what this badge needs (cover, square image), so the user can act
    assert caught.value.column == "background_image" and caught.value.code == "image_too_large"


def test_a_huge_palette_png_is_decoded_within_budget_and_reduced() -> None:
    prepared = prepare_image(PALETTE_6320.read_bytes(), cover=False, **BOX)
    assert (prepared.width, prepared.height) == (900, 900)
    with Image.open(io.BytesIO(prepared.data)) as img:
        pixel = img.convert("RGB").getpixel((450, 450))
    assert all(abs(a - b) <= 2 for a, b in zip(pixel, (3, 90, 200), strict=True)), pixel  # re-encoded as JPEG


@pytest.mark.parametrize("mode", ["L", "LA", "P"])
def test_strip_conversion_keeps_the_picture(mode: str) -> None:
    size = (2500, 1900)
    prepared = prepare_image(png(mode, size), **BOX)
    assert (prepared.width, prepared.height) == (1184, 900)
    target = "RGBA" if mode == "LA" else "RGB"
    expected = {"P": (3, 90, 200), "L": (90, 90, 90), "LA": (90, 90, 90, 128)}[mode]  # JPEG/premultiplied: +-2
    with Image.open(io.BytesIO(prepared.data)) as img:
        got = img.convert(target).getpixel((600, 450))
    assert all(abs(a - b) <= 2 for a, b in zip(got, expected, strict=True)), got


def test_decoding_a_huge_palette_png_stays_within_budget_in_a_fresh_process() -> None:
    """Peak RSS of a process that prepares the 6320x6320 palette PNG as background and logo (the old code
    converted it to full-size RGB: +160 MB, then resized it whole). Measured in a subprocess, generous bound."""
    path = PALETTE_6320
    script = (
        "import resource, sys\n"
        "from badge_renderer.images import prepare_image\n"
        "data = open(sys.argv[1], 'rb').read()\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "prepare_image(data, box_width_pt=298, box_height_pt=420, cover=True)\n"
        "prepare_image(data, box_width_pt=120, box_height_pt=60)\n"
        "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) // 1024)\n"
    )
    grown_mb = int(
        subprocess.run([sys.executable, "-c", script, str(path)], check=True, capture_output=True, text=True).stdout
    )
    assert grown_mb < 100, f"decoding grew the process by {grown_mb} MB"


def test_at_most_two_images_are_decoded_at_once(monkeypatch) -> None:
    inside, most = [0], [0]
    lock = threading.Lock()
    real = images._decode

    def counting(img, target):
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.05)  # hold the slot so the other threads pile up behind it
        with lock:
            inside[0] -= 1
        return real(img, target)

    monkeypatch.setattr(images, "_decode", counting)
    data = png("RGB", (300, 200))
    threads = [threading.Thread(target=prepare_image, args=(data,), kwargs=BOX) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == images.MAX_CONCURRENT_DECODES


def test_a_big_jpeg_on_a_big_badge_is_drafted_within_budget_not_refused() -> None:
    """6320 x 6320 at full scale is 160 MB; half scale (3160 px, ~285 dpi of 280 mm) fits the budget."""
    out = io.BytesIO()
    Image.new("RGB", (SIDE, SIDE), (200, 90, 30)).save(out, "JPEG", quality=60)
    prepared = prepare_image(out.getvalue(), box_width_pt=567, box_height_pt=794, cover=True)
    assert (prepared.width, prepared.height) == (3160, 3160)


def test_a_huge_palette_png_on_a_big_badge_is_reduced_so_its_colour_copy_fits_the_budget() -> None:
    """At 300 dpi of a 200 x 280 mm badge the 6320 px palette image needs no reduction, but in colour it would be
    160 MB: it is halved (3160 px, ~285 dpi) instead."""
    prepared = prepare_image(PALETTE_6320.read_bytes(), box_width_pt=567, box_height_pt=794, cover=True)
    assert (prepared.width, prepared.height) == (3160, 3160)
