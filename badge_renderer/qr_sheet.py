"""The QR codes of one sheet in one 1-bit stencil image: each badge paints its own code through a clip.

Why: cairo writes every image into the PDF as its own Flate stream (a fresh zlib state per stream, ~260 KB set up
and torn down) plus its own XObject and resource entries; for a version-11 code that was ~40 % of what a code cost.
A sheet's codes stacked in one A1 image are one stream and one XObject per sheet. Only that sheet's codes: a page
cut out of the PDF (one attendee's badge mailed on its own) carries no other sheet's contact data.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from badge_renderer.qr import QrCode, libcairo, mask_values

# (code, 150 dpi pixels per module, index into QrSheet._images, first bitmap row of the code in that image): a plain
# tuple, because a frozen dataclass costs ~8 K instructions to make, a tenth of a sheet's bookkeeping.
_Placed = tuple[QrCode, int, int, int]


class QrSheet:
    """Codes keyed by what the composer asks for (payload, box pixels, minimum size), as (code, pixels per module);
    `draw` paints one of them from the sheet's image. Codes of different sizes go to different images (one per size,
    a sheet usually has one)."""

    def __init__(self, entries: Iterable[tuple[Hashable, QrCode, int]], ctx: Any) -> None:
        c = self._cairo = libcairo()
        # Only for the surface the sheet is drawn on: a composer reused for a preview or the next job draws its
        # codes on their own, never from an image that holds this job's other attendees.
        self._context = ctx  # held, so no other context can reuse its address while this sheet lives
        self._target = c.get_target(ctx._pointer)
        self._matrix = c.ffi.new(c.matrix_type)  # the pattern matrix, set per code (cairo copies it)
        by_shape: dict[tuple[int, int, int], list[tuple[Hashable, QrCode, int]]] = {}
        for key, code, pixels in entries:
            by_shape.setdefault((code.size, code.stride, code.width or code.size), []).append((key, code, pixels))
        self._placed: dict[Hashable, _Placed] = {}
        # (surface, pattern, data) as libcairo pointers, released by close(): direct calls, as draw_qr makes, because
        # cairocffi's wrapper objects (status checks, gc hooks, a user-data keep-alive) cost more than cairo's work.
        self._images: list[tuple[Any, Any, bytes]] = []
        for (size, stride, width), group in by_shape.items():
            seen: dict[int, int] = {}  # id(code) -> row: a duplex back or a repeated value reuses its rows
            parts: list[bytes] = []
            for key, code, pixels in group:
                if id(code) not in seen:
                    seen[id(code)] = len(parts) * size
                    parts.append(code.bits)
                self._placed[key] = (code, pixels, len(self._images), seen[id(code)])
            data = b"".join(parts)  # cairo only reads it; close() detaches the PDF's snapshot before it goes
            surface = c.image_surface_create_for_data(c.ffi.from_buffer(data), c.A1, width, size * len(parts), stride)
            pattern = c.pattern_create_for_surface(surface)
            self._images.append((surface, pattern, data))
            status = c.surface_status(surface)
            if status:
                self.close()
                raise c.CairoError("QR sheet surface", status)
            c.pattern_set_filter(pattern, c.NEAREST)

    def close(self) -> None:
        """Free the images (idempotent). Finishing a surface makes cairo copy what the PDF still needs of it."""
        c = libcairo()
        images, self._images = self._images, []
        for surface, pattern, _ in images:
            c.pattern_destroy(pattern)
            c.surface_finish(surface)
            c.surface_destroy(surface)

    def __del__(self) -> None:  # a sheet dropped without close() (a failed job) still frees its images
        if getattr(self, "_images", None):
            self.close()

    def get(self, key: Hashable, ctx: Any) -> tuple[QrCode, int] | None:
        """(code, pixels per module) of `key` when this sheet holds it and `ctx` draws on the sheet's surface."""
        placed = self._placed.get(key)
        if placed is None:
            return None
        if ctx is not self._context and self._cairo.get_target(ctx._pointer) != self._target:
            return None
        return placed[0], placed[1]

    def draw(self, ctx: Any, key: Hashable, x: float, y: float, side: float, color: tuple[float, float, float]) -> None:
        """Paint the code of `key` (`get` found it) into the square (x, y, side) on a light square, as qr.draw_qr
        does."""
        code, _, image, row = self._placed[key]
        c, pointer, matrix = self._cairo, ctx._pointer, self._matrix
        pattern = self._images[image][1]
        c.matrix_init(matrix, *mask_values(code, x, y, side, row))
        c.pattern_set_matrix(pattern, matrix)
        c.save(pointer)
        c.set_source_rgb(pointer, 1, 1, 1)
        c.rectangle(pointer, x, y, side, side)
        c.fill_preserve(pointer)
        c.clip(pointer)  # the square: the sheet's other codes stay hidden
        c.set_source_rgb(pointer, *color)
        c.mask(pointer, pattern)
        c.restore(pointer)  # cairo's status: checked once per badge, at the end of BadgeComposer.draw
