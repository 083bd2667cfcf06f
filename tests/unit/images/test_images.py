"""Uploaded images: allowed formats only, bombs refused from the header, EXIF orientation, downscaling, re-encoding."""

from __future__ import annotations

import io
import resource
from pathlib import Path

import pytest
from PIL import Image

from badge_renderer.errors import ImageError
from badge_renderer.images import cairo_surface, prepare_image

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "images"
BOX = {"box_width_pt": 288.0, "box_height_pt": 216.0}  # 4x3 in -> at most 1200x900 pixels at 300 dpi


def encoded(fmt: str, size: tuple[int, int] = (64, 48), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30, 128) if mode == "RGBA" else (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def test_bomb_png_is_refused_from_its_header_quickly_and_without_memory() -> None:
    data = (FIXTURES / "bomb-12000.png").read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ImageError, match="too large") as caught:
        prepare_image(data, label="background_image", **BOX)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 50, "decoded pixels before refusing"
    assert caught.value.column == "background_image"


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "ICO"])
def test_disallowed_formats_are_refused(fmt: str) -> None:
    with pytest.raises(ImageError, match="PNG, JPEG, WebP"):
        prepare_image(encoded(fmt), **BOX)


def test_svg_and_garbage_are_refused() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>'
    for data in (svg, b"not an image at all", b""):
        with pytest.raises(ImageError):
            prepare_image(data, **BOX)


def test_exif_orientation_is_applied() -> None:
    prepared = prepare_image((FIXTURES / "exif-rotate-90.jpg").read_bytes(), **BOX)
    assert (prepared.width, prepared.height) == (30, 60)  # stored 60x30, EXIF says rotate 90 degrees
    with Image.open(io.BytesIO(prepared.data)) as img:
        assert img.getexif().get(0x0112, 1) == 1  # no second rotation by a viewer
        top, bottom = img.convert("RGB").getpixel((15, 5)), img.convert("RGB").getpixel((15, 55))
    assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0]  # the red left half turned to the top


@pytest.mark.parametrize(
    ("fmt", "mode", "mime"),
    [
        ("JPEG", "RGB", "image/jpeg"),
        ("WEBP", "RGB", "image/jpeg"),
        ("PNG", "RGBA", "image/png"),
        ("GIF", "P", "image/jpeg"),
    ],
)
def test_reencoded_as_jpeg_when_opaque_and_png_with_alpha(fmt: str, mode: str, mime: str) -> None:
    prepared = prepare_image(encoded(fmt, mode=mode), **BOX)
    assert prepared.mime == mime


def test_downscaled_to_300_dpi_of_the_box() -> None:
    prepared = prepare_image(encoded("PNG", (4000, 3000)), **BOX)
    assert (prepared.width, prepared.height) == (1200, 900)
    small = prepare_image(encoded("PNG", (100, 75)), **BOX)
    assert (small.width, small.height) == (100, 75)  # never upscaled


def test_cover_keeps_enough_pixels_to_fill_the_box() -> None:
    prepared = prepare_image(encoded("JPEG", (4000, 1000)), cover=True, **BOX)
    assert prepared.height == 900 and prepared.width == 3600


def test_cairo_surface_is_shared_and_carries_the_jpeg() -> None:
    prepared = prepare_image(encoded("JPEG"), **BOX)
    surface = cairo_surface(prepared)
    assert surface is cairo_surface(prepared)
    assert surface.get_mime_data("image/jpeg") == prepared.data
    assert (surface.get_width(), surface.get_height()) == (64, 48)


def test_big_jpeg_photo_is_reduced_to_print_size() -> None:
    prepared = prepare_image(encoded("JPEG", (6000, 4000)), **BOX)
    assert (prepared.width, prepared.height) == (1200, 800)
