"""Uploaded images (background, logo): checked, oriented and shrunk by Pillow, then handed to cairo ONCE.

Every byte a user uploads passes through here before cairo or cairosvg sees it: cairosvg would decode a data: PNG
straight into cairo without any size check, so a 32 KB PNG could claim gigabytes.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from badge_renderer import limits
from badge_renderer.errors import ImageError

ALLOWED_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "WEBP": "WebP", "GIF": "GIF"}
MAX_PIXELS = limits.IMAGE_MAX_PIXELS  # anything larger is refused before decoding
MAX_BYTES = limits.IMAGE_MAX_BYTES
PRINT_DPI = 300


@dataclass(frozen=True)
class PreparedImage:
    """A safe, re-encoded image: `data` is PNG (with alpha) or JPEG (opaque), never the user's original bytes."""

    data: bytes
    mime: str  # "image/png" | "image/jpeg"
    width: int
    height: int

    @property
    def has_alpha(self) -> bool:
        return self.mime == "image/png"


def prepare_image(
    data: bytes, *, box_width_pt: float, box_height_pt: float, label: str = "image", cover: bool = False
) -> PreparedImage:
    """Validate `data` and return it oriented and downscaled to at most 300 dpi of the box it fills.

    `cover=True` (backgrounds) keeps enough pixels to cover the box; otherwise (logos) to fit inside it.
    """
    from PIL import Image, ImageOps

    if not data:
        raise ImageError(f"The {label} is empty", hint="Upload a PNG, JPEG, WebP or GIF file.", column=label)
    if len(data) > MAX_BYTES:
        raise ImageError(
            f"The {label} is {len(data) / 1e6:.1f} MB, more than {MAX_BYTES / 1e6:.0f} MB",
            hint="Use a smaller PNG or JPEG (300 dpi of the badge is plenty).",
            column=label,
        )
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS))
            _check_header(img, label)
            if img.format == "JPEG":
                # Decode big photos at a reduced scale (1/2..1/8) straight from the DCT: far less memory and time.
                img.draft("RGB", _pixel_box(box_width_pt, box_height_pt, img.size, cover=cover))
            img = _decode(img)
            img = ImageOps.exif_transpose(img)
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        raise _too_big(label) from err
    except Image.UnidentifiedImageError as err:
        raise ImageError(
            f"The {label} is not a PNG, JPEG, WebP or GIF image",
            hint="Convert it to PNG or JPEG and upload it again.",
            column=label,
        ) from err
    except (OSError, ValueError, SyntaxError) as err:
        raise ImageError(
            f"The {label} could not be read ({err})", hint="Save it again as PNG or JPEG.", column=label
        ) from err
    img = _downscale(img, box_width_pt, box_height_pt, cover=cover)
    return _encode(img)


def _check_header(img: Any, label: str) -> None:
    """Refuse on the header's dimensions, before any pixel is decoded (quick and without memory)."""
    if img.format not in ALLOWED_FORMATS:
        raise ImageError(
            f"The {label} is a {img.format} image; only PNG, JPEG, WebP and GIF are allowed",
            hint="Convert it to PNG or JPEG.",
            column=label,
        )
    width, height = img.size
    if width <= 0 or height <= 0 or width * height > MAX_PIXELS:
        raise _too_big(label, width, height)


def _too_big(label: str, width: int | None = None, height: int | None = None) -> ImageError:
    size = f" ({width}x{height} pixels)" if width else ""
    return ImageError(
        f"The {label} is too large{size}; at most {MAX_PIXELS // 1_000_000} megapixels are allowed",
        hint="Scale it down to print size (about 300 dpi of the badge) and upload it again.",
        column=label,
    )


def _decode(img: Any) -> Any:
    """Load the first frame only (animated GIF/WebP) in a mode cairo can take."""
    img.seek(0)
    img.load()
    has_alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
    return img.convert("RGBA" if has_alpha else "RGB")


def _pixel_box(box_width_pt: float, box_height_pt: float, size: tuple[int, int], *, cover: bool) -> tuple[int, int]:
    """The largest pixel size worth keeping: 300 dpi of the box (covering it, or fitting inside it)."""
    width, height = size
    max_w = max(1, round(box_width_pt / 72 * PRINT_DPI))
    max_h = max(1, round(box_height_pt / 72 * PRINT_DPI))
    ratio_w, ratio_h = max_w / width, max_h / height
    ratio = min(1.0, max(ratio_w, ratio_h) if cover else min(ratio_w, ratio_h))
    return max(1, round(width * ratio)), max(1, round(height * ratio))


def _downscale(img: Any, box_width_pt: float, box_height_pt: float, *, cover: bool) -> Any:
    from PIL import Image

    size = _pixel_box(box_width_pt, box_height_pt, img.size, cover=cover)
    if size != img.size:
        img = img.resize(size, Image.Resampling.LANCZOS)
    return img


def _encode(img: Any) -> PreparedImage:
    out = io.BytesIO()
    if img.mode == "RGBA" and img.getchannel("A").getextrema()[0] < 255:
        img.save(out, "PNG", optimize=False, compress_level=6)
        return PreparedImage(out.getvalue(), "image/png", img.width, img.height)
    img.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    return PreparedImage(out.getvalue(), "image/jpeg", img.width, img.height)


def cairo_surface(image: PreparedImage) -> Any:
    """One cairo ImageSurface per prepared image, with its JPEG/PNG bytes and a unique id attached as mime data so
    the PDF embeds the compressed original ONCE however often it is painted."""
    return _cached_surface(image)


@lru_cache(maxsize=16)
def _cached_surface(image: PreparedImage) -> Any:
    import hashlib

    import cairocffi as cairo
    from PIL import Image

    with Image.open(io.BytesIO(image.data)) as img:
        rgba = img.convert("RGBA")
    # cairo's ARGB32 is premultiplied BGRA in native (little-endian) order.
    from PIL import ImageChops

    if image.has_alpha:
        alpha = rgba.getchannel("A")
        r, g, b = (ImageChops.multiply(ch, alpha) for ch in rgba.split()[:3])
        raw = Image.merge("RGBA", (b, g, r, alpha)).tobytes()
        fmt = cairo.FORMAT_ARGB32
    else:
        r, g, b, a = rgba.split()
        raw = Image.merge("RGBA", (b, g, r, a)).tobytes()
        fmt = cairo.FORMAT_RGB24
    stride = cairo.ImageSurface.format_stride_for_width(fmt, image.width)
    assert stride == image.width * 4
    surface = cairo.ImageSurface(fmt, image.width, image.height, data=bytearray(raw), stride=stride)
    surface.set_mime_data(image.mime, image.data)
    surface.set_mime_data("application/x-cairo.uuid", hashlib.sha1(image.data).hexdigest().encode())
    return surface
