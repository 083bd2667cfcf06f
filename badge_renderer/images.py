"""Uploaded images (background, logo): checked, oriented and shrunk by Pillow, then handed to cairo ONCE.

Every byte a user uploads passes through here before cairo or cairosvg sees it: cairosvg would decode a data: PNG
straight into cairo without any size check, so a 32 KB PNG could claim gigabytes.
"""

from __future__ import annotations

import io
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from badge_renderer import limits
from badge_renderer.errors import ImageError

ALLOWED_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "WEBP": "WebP", "GIF": "GIF"}
MAX_PIXELS = limits.IMAGE_MAX_PIXELS  # anything larger is refused before decoding
MAX_BYTES = limits.IMAGE_MAX_BYTES
PRINT_DPI = 300
# What one decode may hold in memory. Only JPEG can be decoded at a reduced scale (draft mode); PNG, WebP and GIF
# are decoded whole, so a 116 KB 6,320 x 6,320 PNG claims 160 MB before it can be shrunk. 64 MB is 16 megapixels
# of colour (Pillow keeps 4 bytes per pixel) or 64 of palette/grey: nearly twice 300 dpi of an A4 page. Shrinking
# may briefly hold about as much again, so one decode stays near 150 MB at worst (bench/image_memory.py).
MAX_DECODED_BYTES = 64_000_000
# Decodes at once in one process (the web server's threads): each may hold MAX_DECODED_BYTES.
MAX_CONCURRENT_DECODES = 2
_decode_slots = threading.BoundedSemaphore(MAX_CONCURRENT_DECODES)
_STRIP_BYTES = 4_000_000  # converting a palette/grey image to RGB happens this many bytes at a time


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
    from PIL import ImageOps

    with _opened(data, label) as img:
        target = _pixel_box_any_orientation(box_width_pt, box_height_pt, img.size, cover=cover)
        if img.format == "JPEG":
            # Decode big photos at a reduced scale (1/2..1/8) straight from the DCT: far less memory and time.
            img.draft("RGB", _jpeg_draft_size(img.size, target))
        _check_decoded_size(img, label, target)
        with _decode_slots:  # held until the full-size pixels are gone
            img = _decode(img, target)
            # Orientation last and in place: transposing costs a copy, and without in_place even an upright
            # image is copied whole.
            ImageOps.exif_transpose(img, in_place=True)
            img = _downscale(img, box_width_pt, box_height_pt, cover=cover)
    return _encode(img.convert("RGBA") if img.mode == "RGBa" else img)


def check_image(data: bytes, *, label: str = "image") -> tuple[int, int]:
    """The image's (width, height) after the checks prepare_image makes before decoding (bytes, format, pixel cap),
    or ImageError; reads only the header, so an upload can be refused when it is chosen, not at its first use."""
    with _opened(data, label) as img:
        return img.size


@contextmanager
def _opened(data: bytes, label: str) -> Iterator[Any]:
    """The image opened lazily after the checks that need no decoding (bytes, format, header pixel cap); every
    Pillow failure inside the block, decoding included, becomes one ImageError naming `label`."""
    from PIL import Image

    _check_bytes(data, label)
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS))
            _check_header(img, label)
            yield img
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


_prepared: dict[tuple[bytes, float, float, bool], PreparedImage] = {}
_prepared_lock = threading.Lock()
PREPARED_CACHE = 8  # (image, box) pairs a process keeps: a job's background + logo, its design checks, previews


def prepare_image_cached(
    data: bytes, *, box_width_pt: float, box_height_pt: float, label: str = "image", cover: bool = False
) -> PreparedImage:
    """prepare_image, remembered per (image bytes, box, cover): a job's design checks, its forked workers' parent,
    a warm preview and the next job of the same event decode and shrink the same photo once (~0.1 s each time).
    If prepare_in_background is already working on it, this waits for that result instead of starting again."""
    key = _cache_key(data, box_width_pt, box_height_pt, cover)
    with _prepared_lock:
        found = _prepared.get(key)
        pending = _early.get(key) if found is None else None
    if pending is not None:
        pending.join()
        with _prepared_lock:
            found = _prepared.get(key)
    if found is not None:
        return found
    image = prepare_image(data, box_width_pt=box_width_pt, box_height_pt=box_height_pt, label=label, cover=cover)
    _remember(key, image)
    return image


def _cache_key(data: bytes, box_width_pt: float, box_height_pt: float, cover: bool) -> tuple[bytes, float, float, bool]:
    import hashlib

    return (hashlib.blake2b(data or b"", digest_size=16).digest(), box_width_pt, box_height_pt, cover)


def _remember(key: tuple[bytes, float, float, bool], image: PreparedImage) -> None:
    with _prepared_lock:
        _prepared[key] = image
        while len(_prepared) > PREPARED_CACHE:
            del _prepared[next(iter(_prepared))]


EARLY_THREAD = "badgeforge-image"
_early: dict[tuple[bytes, float, float, bool], threading.Thread] = {}  # images being prepared ahead, by cache key
_started: list[threading.Thread] = []  # every such thread not yet joined by join_background


def prepare_in_background(
    data: bytes | None, *, box_width_pt: float, box_height_pt: float, label: str = "image", cover: bool = False
) -> threading.Thread | None:
    """Start prepare_image_cached and the image's cairo surface on another thread; returns it (None: nothing to do).

    Why: a fresh job decodes, shrinks and re-encodes its background photo (~0.09 s for an 1800 x 1350 JPEG, in
    Pillow's C code, which lets go of the GIL) before its first badge, while the second core waits for the fork.
    Started as the job begins, it runs beside the option checks, imports and sheet plan. A failure is not kept:
    the caller's own prepare_image_cached call then meets it and raises it as always. The caller joins the thread
    before forking (join_background)."""
    if not data:
        return None
    key = _cache_key(data, box_width_pt, box_height_pt, cover)

    def run() -> None:
        try:
            image = prepare_image(
                data, box_width_pt=box_width_pt, box_height_pt=box_height_pt, label=label, cover=cover
            )
            cairo_surface(image)
            _remember(key, image)
        except Exception:  # raised again, with its message, by the caller's own call
            pass
        finally:
            _give_back_thread_memory()  # before it is no longer waited for
            with _prepared_lock:
                _early.pop(key, None)

    with _prepared_lock:
        if key in _prepared or key in _early:
            return None
        thread = _early[key] = threading.Thread(target=run, name=EARLY_THREAD, daemon=True)
        _started.append(thread)
    thread.start()
    return thread


def _give_back_thread_memory() -> None:
    """glibc gives each thread its own malloc arena and keeps what was freed in it: the ~15 MB of pixels this thread
    decoded and shrank stayed in the job's RSS (2,000 rows through the service: peak 78 -> 97 MB, and every forked
    worker shared them). malloc_trim returns them (peak 82 MB). Elsewhere (no glibc) nothing is done."""
    import contextlib
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def join_background() -> None:
    """Wait for every prepare_in_background thread to end: a process forks only with its main thread running."""
    with _prepared_lock:
        pending = list(_started)
    for thread in pending:
        thread.join()
    with _prepared_lock:
        _started[:] = [t for t in _started if t.is_alive()]


def _check_bytes(data: bytes, label: str) -> None:
    if not data:
        raise ImageError(f"The {label} is empty", hint="Upload a PNG, JPEG, WebP or GIF file.", column=label)
    if len(data) > MAX_BYTES:
        raise ImageError(
            f"The {label} is {len(data) / 1e6:.1f} MB, more than {MAX_BYTES / 1e6:.0f} MB",
            hint="Use a smaller PNG or JPEG (300 dpi of the badge is plenty).",
            column=label,
        )


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


def _check_decoded_size(img: Any, label: str, target: tuple[int, int]) -> None:
    """Refuse, before decoding, an image whose decoded pixels (after JPEG's draft scaling) exceed the budget."""
    width, height = img.size
    if width * height * _bytes_per_pixel(img.mode) <= MAX_DECODED_BYTES:
        return
    limit = MAX_DECODED_BYTES // _bytes_per_pixel(img.mode) / 1e6
    raise ImageError(
        f"The {label} is {width}x{height} pixels ({width * height / 1e6:.1f} megapixels); a {img.format} this size "
        f"is decoded whole, so at most {limit:.0f} megapixels are accepted",
        hint=f"This badge needs at most {target[0]}x{target[1]} pixels (300 dpi): scale the image down to that "
        "and upload it again, or use a JPEG.",
        column=label,
        code="image_too_large",
    )


def _jpeg_draft_size(size: tuple[int, int], target: tuple[int, int]) -> tuple[int, int]:
    """The JPEG scale (1, 1/2, 1/4, 1/8) to decode at: the smallest that still gives `target` pixels, or a smaller
    one when that would not fit the decode budget (a little under 300 dpi beats refusing a photo)."""
    width, height = size
    scales = [(-(-width // d), -(-height // d)) for d in (1, 2, 4, 8)]
    chosen = next((s for s in reversed(scales) if s[0] >= target[0] and s[1] >= target[1]), scales[0])
    for scaled in scales[scales.index(chosen) :]:
        chosen = scaled
        if scaled[0] * scaled[1] * 4 <= MAX_DECODED_BYTES:
            break
    return chosen


def _bytes_per_pixel(mode: str) -> int:
    """What Pillow stores per pixel: one byte for palette/grey/bilevel, two for 16-bit grey, else four."""
    if mode in ("1", "L", "P"):
        return 1
    return 2 if mode.startswith("I;16") else 4


def _decode(img: Any, target: tuple[int, int]) -> Any:
    """Load the first frame only (animated GIF/WebP), reduced by the largest whole factor that keeps at least
    `target` pixels, in RGB or premultiplied RGBa (what resizing needs; Pillow would otherwise premultiply a
    full-size copy). The mode change runs strip by strip, so no full-size copy is made."""
    img.seek(0)
    img.load()
    has_alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
    mode = "RGBa" if has_alpha else "RGB"
    width, height = img.size
    factor = max(1, min(width // max(target[0], 1), height // max(target[1], 1)))
    if img.mode == mode:
        return img.reduce(factor) if factor > 1 else img
    # A palette image of 64 MP is within the budget but four times that in colour: reduce a step further
    # (a little under 300 dpi) rather than hold the full-size colour copy.
    while -(-width // factor) * -(-height // factor) * 4 > MAX_DECODED_BYTES:
        factor += 1
    return _convert_in_strips(img, mode, factor)


def _convert_in_strips(img: Any, mode: str, factor: int) -> Any:
    from PIL import Image

    width, height = img.size
    rows = max(factor, _STRIP_BYTES // (4 * width) // factor * factor)  # a multiple of the factor
    out = Image.new(mode, (-(-width // factor), -(-height // factor)))
    for top in range(0, height, rows):
        strip = img.crop((0, top, width, min(top + rows, height)))
        strip = strip.convert("RGBA").convert(mode) if mode == "RGBa" and strip.mode != "RGBA" else strip.convert(mode)
        out.paste(strip.reduce(factor) if factor > 1 else strip, (0, top // factor))
    return out


def _pixel_box(box_width_pt: float, box_height_pt: float, size: tuple[int, int], *, cover: bool) -> tuple[int, int]:
    """The largest pixel size worth keeping: 300 dpi of the box (covering it, or fitting inside it)."""
    width, height = size
    max_w = max(1, round(box_width_pt / 72 * PRINT_DPI))
    max_h = max(1, round(box_height_pt / 72 * PRINT_DPI))
    ratio_w, ratio_h = max_w / width, max_h / height
    ratio = min(1.0, max(ratio_w, ratio_h) if cover else min(ratio_w, ratio_h))
    return max(1, round(width * ratio)), max(1, round(height * ratio))


def _pixel_box_any_orientation(
    box_width_pt: float, box_height_pt: float, size: tuple[int, int], *, cover: bool
) -> tuple[int, int]:
    """_pixel_box, large enough whichever way EXIF turns the image (known only once it is decoded)."""
    upright = _pixel_box(box_width_pt, box_height_pt, size, cover=cover)
    turned = _pixel_box(box_height_pt, box_width_pt, size, cover=cover)
    return max(upright[0], turned[0]), max(upright[1], turned[1])


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

    # cairo's ARGB32 is premultiplied BGRA in native (little-endian) order: Pillow packs that directly ("BGRa"),
    # with one copy of the pixels instead of a split, a multiply per channel and a merge.
    with Image.open(io.BytesIO(image.data)) as img:
        if image.has_alpha:
            raw = bytearray(img.convert("RGBA").tobytes("raw", "BGRa"))
            fmt = cairo.FORMAT_ARGB32
        else:
            raw = bytearray(img.convert("RGB").tobytes("raw", "BGRX"))
            fmt = cairo.FORMAT_RGB24
    stride = cairo.ImageSurface.format_stride_for_width(fmt, image.width)
    assert stride == image.width * 4
    surface = cairo.ImageSurface(fmt, image.width, image.height, data=raw, stride=stride)
    surface.set_mime_data(image.mime, image.data)
    surface.set_mime_data("application/x-cairo.uuid", hashlib.sha1(image.data).hexdigest().encode())
    return surface
