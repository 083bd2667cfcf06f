"""The QR codes of one sheet in one 1-bit stencil image: each badge paints its own code through a clip.

Why: cairo writes every image into the PDF as its own Flate stream (a fresh zlib state per stream, ~260 KB set up
and torn down) plus its own XObject and resource entries; for a version-11 code that was ~40 % of what a code cost.
A sheet's codes stacked in one A1 image are one stream and one XObject per sheet. Only that sheet's codes: a page
cut out of the PDF (one attendee's badge mailed on its own) carries no other sheet's contact data.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from badge_renderer.qr import QrCode, mask_matrix


@dataclass(frozen=True)
class _Placed:
    code: QrCode
    pixels: int  # 150 dpi pixels per module
    image: int  # index into QrSheet._images
    row: int  # first bitmap row of the code in that image


class QrSheet:
    """Codes keyed by what the composer asks for (payload, box pixels, minimum size), as (code, pixels per module);
    `draw` paints one of them from the sheet's image. Codes of different sizes go to different images (one per size,
    a sheet usually has one)."""

    def __init__(self, entries: Iterable[tuple[Hashable, QrCode, int]], ctx: Any) -> None:
        import cairocffi

        # Only for the surface the sheet is drawn on: a composer reused for a preview or the next job draws its
        # codes on their own, never from an image that holds this job's other attendees.
        self._target = cairocffi.cairo.cairo_get_target(ctx._pointer)
        by_shape: dict[tuple[int, int, int], list[tuple[Hashable, QrCode, int]]] = {}
        for key, code, pixels in entries:
            by_shape.setdefault((code.size, code.stride, code.width or code.size), []).append((key, code, pixels))
        self._placed: dict[Hashable, _Placed] = {}
        self._images: list[tuple[Any, Any, bytearray]] = []  # (surface, pattern, data): freed with this sheet
        for (size, stride, width), group in by_shape.items():
            seen: dict[int, int] = {}  # id(code) -> row: a duplex back or a repeated value reuses its rows
            parts: list[bytes] = []
            for key, code, pixels in group:
                if id(code) not in seen:
                    seen[id(code)] = len(parts) * size
                    parts.append(code.bits)
                self._placed[key] = _Placed(code, pixels, len(self._images), seen[id(code)])
            data = bytearray(b"".join(parts))
            surface = cairocffi.ImageSurface.create_for_data(
                data, cairocffi.FORMAT_A1, width, size * len(parts), stride
            )
            pattern = cairocffi.SurfacePattern(surface)
            pattern.set_filter(cairocffi.FILTER_NEAREST)
            self._images.append((surface, pattern, data))  # data: cairo reads it until the surface goes

    def get(self, key: Hashable, ctx: Any) -> tuple[QrCode, int] | None:
        """(code, pixels per module) of `key` when this sheet holds it and `ctx` draws on the sheet's surface."""
        import cairocffi

        placed = self._placed.get(key)
        if placed is None or cairocffi.cairo.cairo_get_target(ctx._pointer) != self._target:
            return None
        return placed.code, placed.pixels

    def draw(self, ctx: Any, key: Hashable, x: float, y: float, side: float, color: tuple[float, float, float]) -> None:
        """Paint the code of `key` (`get` found it) into the square (x, y, side) on a light square, as qr.draw_qr
        does."""
        import cairocffi

        placed = self._placed[key]
        lib, ffi, pointer = cairocffi.cairo, cairocffi.ffi, ctx._pointer
        pattern = self._images[placed.image][1]._pointer
        lib.cairo_pattern_set_matrix(pattern, mask_matrix(ffi, placed.code, x, y, side, placed.row))
        lib.cairo_save(pointer)
        lib.cairo_set_source_rgb(pointer, 1, 1, 1)
        lib.cairo_rectangle(pointer, x, y, side, side)
        lib.cairo_fill_preserve(pointer)
        lib.cairo_clip(pointer)  # the square: the sheet's other codes stay hidden
        lib.cairo_set_source_rgb(pointer, *color)
        lib.cairo_mask(pointer, pattern)
        lib.cairo_restore(pointer)
        ctx._check_status()
