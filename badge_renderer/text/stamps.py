"""Text stamps: a placed FittedText turned once into ready-made cairo glyph arrays, drawn with direct libcairo calls.

A 10,000-badge job spends most of its time in Python and cffi glue, not in cairo (a profile: ~80 % vs 7 %):
draw_text re-validates, re-places and re-converts every glyph list for every badge. A stamp does that work once
per (text, box, colour) and keeps the C arrays, so drawing it is three or four libcairo calls per run with
exactly the arguments draw_text would pass (same glyphs, clusters and font faces, so the page shows the same).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate
from typing import TYPE_CHECKING, Any, NamedTuple

from badge_renderer.text.cairo_fonts import cairo_font_face
from badge_renderer.text.drawing import _font_options, place_text

if TYPE_CHECKING:
    import cairocffi

    from badge_renderer.text.fitting import FittedText

_BACKWARD = 1  # CAIRO_TEXT_CLUSTER_FLAG_BACKWARD


class PlainRun(NamedTuple):
    """A one-font, left-to-right run as values: glyph ids, their pen positions in points (x along the baseline, y),
    the text, and which glyphs start which characters (None: one ASCII character per glyph, in order). `advances`:
    HarfBuzz's advances in font units when every glyph sits on the baseline at its pen (no offsets), else None.

    The positions are `given_xs`/`given_ys`, or (both None, with `advances`) derived on use from the advances and
    `origin` (the first glyph's pen, the baseline): the own PDF writer's kerned line needs only the origin, so a
    fresh name on the quick path does not make two lists per glyph it never reads."""

    font: Any  # text.fonts.FontFile
    size: float
    text: str
    glyphs: list[int]
    given_xs: list[float] | None
    given_ys: list[float] | None
    clusters: list[int] | None
    arrays: Any  # (PlainRun) -> the cairo runs, made by text.quick
    advances: list[int] | None = None
    origin: tuple[float, float] = (0.0, 0.0)

    @property
    def xs(self) -> list[float]:
        """Each glyph's x in points: start + (pen / upem) * size, the arithmetic text.quick's loop made."""
        if self.given_xs is not None:
            return self.given_xs
        start, scale, size = self.origin[0], 1.0 / self.font.upem, self.size
        return [start + pen * scale * size for pen in accumulate(self.advances or (), initial=0)][: len(self.glyphs)]

    @property
    def ys(self) -> list[float]:
        return self.given_ys if self.given_ys is not None else [self.origin[1]] * len(self.glyphs)


class TextStamp:
    """One text element's glyph runs at a fixed place in a badge's own coordinates, in one colour."""

    __slots__ = ("_color", "_fitted", "_runs", "_text", "pdf", "plain", "size", "truncated")

    def __init__(
        self,
        runs: list[tuple[Any, float, bytes, Any, int, Any, int, int]],
        color: Sequence[float],
        fitted: FittedText | None = None,
        *,
        text: str = "",
        size: float | None = None,
        truncated: bool | None = None,
        plain: PlainRun | None = None,
    ):
        self._runs = runs
        # The one run of a quick stamp as plain values, its C arrays made only when cairo draws it (see runs): the own
        # PDF writer writes its operators from these and never needs them.
        self.plain = plain
        self._color = tuple(color)
        self._fitted = fitted
        self._text = text
        self.pdf: Any = None  # its operators for BadgeForge's own page writer (pdf_write.text_ops), made once
        # the fit's size and ellipsis, so a caller holding only the stamp (compose's name plan) can judge it
        self.size = fitted.size if size is None and fitted is not None else (size or 0.0)
        self.truncated = bool(fitted.truncated) if truncated is None and fitted is not None else bool(truncated)

    @property
    def text(self) -> str:
        """What it prints, lines joined by newlines (for tests and debugging; joined only when asked)."""
        return self._fitted.text if self._fitted is not None else self._text

    @property
    def empty(self) -> bool:
        return not self._runs and self.plain is None

    @property
    def runs(self) -> list[tuple[Any, float, bytes, Any, int, Any, int, int]]:
        """cairo's arrays of each run (a quick stamp made for the own writer makes them on first use)."""
        if not self._runs and self.plain is not None:
            self._runs = self.plain.arrays(self.plain)
        return self._runs

    def parts(self) -> list[tuple[Any, ...]]:
        """The runs as plain values (font face, size, text, (glyph, x, y)..., (bytes, glyphs)..., flags): what two
        ways of making a stamp must agree on, read back from the C arrays."""
        return [
            (
                int(cairocffi_ffi().cast("uintptr_t", face)),
                size,
                text,
                [(glyphs[i].index, glyphs[i].x, glyphs[i].y) for i in range(glyph_count)],
                [(clusters[i].num_bytes, clusters[i].num_glyphs) for i in range(cluster_count)],
                flags,
            )
            for face, size, text, glyphs, glyph_count, clusters, cluster_count, flags in self.runs
        ]

    def draw(self, ctx: cairocffi.Context) -> None:
        """Show the runs on `ctx` (whose font options `prepare_context` set); the source colour is left changed.
        A page of the own PDF writer (its `_pointer` is None) writes the stamp's operators instead."""
        runs = self._runs
        pointer = ctx._pointer
        if pointer is None:  # a page of BadgeForge's own writer (pdf_write.page.DirectPage)
            if runs or self.plain is not None:
                ctx.write_stamp(self)
            return
        if not runs:
            if self.plain is None:
                return
            runs = self.runs
        if _LIB is None:
            _cairo()
        color = self._color
        if len(color) == 4:
            _set_source_rgba(pointer, *color)
        else:
            _set_source_rgb(pointer, *color)
        for face, size, text, glyphs, glyph_count, clusters, cluster_count, flags in runs:
            _set_font_face(pointer, face)
            _set_font_size(pointer, size)
            _show_text_glyphs(pointer, text, -1, glyphs, glyph_count, clusters, cluster_count, flags)


def make_stamp(
    fitted: FittedText,
    x: float,
    y: float,
    box_width: float,
    box_height: float,
    *,
    color: Sequence[float] = (0.0, 0.0, 0.0),
    align: str = "center",
    valign: str = "middle",
) -> TextStamp:
    """The stamp of `fitted` in the box at (x, y): the glyph placement of draw_text, converted to C once."""
    ffi = _cairo()[1]
    runs = []
    for run in place_text(fitted, x, y, box_width, box_height, align=align, valign=valign):
        glyphs = ffi.new("cairo_glyph_t[]", run.glyphs)
        clusters = ffi.new("cairo_text_cluster_t[]", run.clusters)
        face = cairo_font_face(run.font)._pointer
        flags = _BACKWARD if run.rtl else 0
        runs.append(
            (face, run.size, run.text.encode("utf-8"), glyphs, len(run.glyphs), clusters, len(run.clusters), flags)
        )
    return TextStamp(runs, color, fitted)


def prepare_context(ctx: cairocffi.Context) -> None:
    """Unhinted glyphs, as draw_text uses: set once per badge (inside its save/restore) before stamps draw."""
    if _LIB is None:
        _cairo()
    _set_font_options(ctx._pointer, _font_options()._pointer)  # checked by check_context


def check_context(ctx: cairocffi.Context) -> None:
    """Raise cairo's error, if any, once per badge (direct calls skip cairocffi's per-call check)."""
    if _LIB is None:
        _cairo()
    if _status(ctx._pointer):
        ctx._check_status()  # cairocffi's exception for it


_LIB: Any = None  # cairocffi's libcairo once a stamp draws (an import statement per call cost ~2 K instructions)


# libcairo's functions a stamp calls, bound once: `lib.cairo_x` on cffi's dlopen'ed library goes through a Python
# __getattr__ hook on every access (~330 instructions, 20 per badge)
_set_source_rgb: Any = None
_set_source_rgba: Any = None
_set_font_face: Any = None
_set_font_size: Any = None
_show_text_glyphs: Any = None
_set_font_options: Any = None
_status: Any = None


def _cairo() -> tuple[Any, Any]:
    """(libcairo, ffi) of cairocffi, imported on first use (the text package loads without cairo)."""
    global _LIB, _set_source_rgb, _set_source_rgba, _set_font_face, _set_font_size, _show_text_glyphs
    global _set_font_options, _status
    import cairocffi

    lib = cairocffi.cairo
    _set_font_options, _status = lib.cairo_set_font_options, lib.cairo_status
    _set_source_rgb, _set_source_rgba = lib.cairo_set_source_rgb, lib.cairo_set_source_rgba
    _set_font_face, _set_font_size = lib.cairo_set_font_face, lib.cairo_set_font_size
    _show_text_glyphs = lib.cairo_show_text_glyphs
    _LIB = lib
    return lib, cairocffi.ffi


def cairocffi_ffi() -> Any:
    return _cairo()[1]
