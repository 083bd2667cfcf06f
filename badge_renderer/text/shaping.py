"""One line of text -> glyph runs in visual order, shaped by HarfBuzz, sized in em so any font size is a multiply.

A line is split into runs of one bidi level and one font; each run is shaped with the whole line as context
(Arabic joining survives a font change) and runs are then put in visual order. Shaping happens once per
(text, family, weight) at the font's own units, with no hinting, so widths scale linearly with the size.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from operator import add, sub
from typing import Any

import uharfbuzz as hb

from badge_renderer.text.direction import base_level, embedding_levels, visual_order
from badge_renderer.text.fonts import FontFile, FontLibrary


class _lazy:  # a decorator, like functools.cached_property
    """functools.cached_property without its lock (Python 3.11 takes an RLock on every first access): these objects
    are made and read by one thread, and a fitted name's first reads of its clusters and ink came to ~10 %."""

    def __init__(self, func: Any) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)  # later reads find it without a call
        return value


@dataclass(frozen=True, eq=False)
class ShapedRun:
    """Glyphs of one font and one direction, left to right as they appear on the page; positions in em."""

    font: FontFile
    text: str
    rtl: bool
    glyphs: tuple[int, ...]
    xs: tuple[float, ...]  # pen position + offset of each glyph from the run's left edge
    ys: tuple[float, ...]  # upward offset of each glyph (marks, Thai vowels)
    clusters: tuple[int, ...]  # index in `text` of the character each glyph came from
    advance: float

    @_lazy
    def text_clusters(self) -> list[tuple[int, int]]:
        """(UTF-8 bytes, glyphs) per cluster in text order, for cairo show_text_glyphs (selectable PDF text).

        RTL runs hold their glyphs in the reverse of text order: cairo's backward flag, set when drawing.
        """
        return cluster_bytes(self.text, self.clusters, self.rtl)


def cluster_bytes(text: str, clusters: tuple[int, ...], rtl: bool) -> list[tuple[int, int]]:
    """(UTF-8 bytes, glyphs) per cluster of a run whose glyph i came from text[clusters[i]] (see text_clusters)."""
    count = len(text)
    if not rtl and text.isascii() and clusters == _identity(count):
        return [(1, 1)] * count  # the usual Latin name: one byte, one glyph per character
    bounds = [*sorted(set(clusters)), len(text)]
    ends = {start: bounds[i + 1] for i, start in enumerate(bounds[:-1])}
    result: list[tuple[int, int]] = []
    previous = None
    for cluster in clusters:
        if cluster == previous:
            result[-1] = (result[-1][0], result[-1][1] + 1)
        else:
            result.append((len(text[cluster : ends[cluster]].encode("utf-8")), 1))
        previous = cluster
    return result[::-1] if rtl else result


@dataclass(frozen=True, eq=False)
class ShapedLine:
    """A line ready to draw: runs in visual order and the total advance in em; width(size) is what it occupies."""

    text: str
    runs: tuple[ShapedRun, ...]
    advance: float
    rtl: bool

    def width(self, size: float) -> float:
        """Room the line takes at `size`: its advance, widened where ink pokes out (a Devanagari matra)."""
        left, right = self.extent
        return (right - left) * size

    @_lazy
    def ink(self) -> tuple[float, float]:
        """How far the glyph outlines reach above and below the baseline, in em (reph, stacked accents, ...)."""
        box = self._ink_box
        return box[0], box[1]

    @_lazy
    def extent(self) -> tuple[float, float]:
        """Left and right edge of the line in em from its pen start: the advance box united with the ink."""
        box = self._ink_box
        return min(0.0, box[2]), max(self.advance, box[3])

    @_lazy
    def _ink_box(self) -> tuple[float, float, float, float]:
        """(top, bottom, left, right) of all glyph outlines: maxima and minima over maps, computed in C (a blank
        glyph's -inf/inf never wins; a line of blanks has left > right and no horizontal ink)."""
        top = bottom = 0.0
        left, right = math.inf, -math.inf
        pen = 0.0
        for run in self.runs:
            glyphs = run.glyphs
            if glyphs:
                tops, bottoms, lefts, rights = run.font.ink_parts
                if not tops.keys() >= set(glyphs):
                    for gid in glyphs:
                        run.font.glyph_ink(gid)
                xs = list(map(add, repeat(pen), run.xs))  # the pen position of each glyph, as drawn
                top = max(top, max(map(add, map(tops.__getitem__, glyphs), run.ys)))
                bottom = max(bottom, max(map(sub, map(bottoms.__getitem__, glyphs), run.ys)))
                left = min(left, min(map(add, xs, map(lefts.__getitem__, glyphs))))
                right = max(right, max(map(add, xs, map(rights.__getitem__, glyphs))))
            pen += run.advance
        return (top, bottom, left, right) if left <= right else (top, bottom, 0.0, 0.0)

    @property
    def glyph_count(self) -> int:
        return sum(len(run.glyphs) for run in self.runs)


@lru_cache(maxsize=256)
def _identity(count: int) -> tuple[int, ...]:
    return tuple(range(count))


def shape_line(text: str, chain: Sequence[FontFile], library: FontLibrary, base: int | None = None) -> ShapedLine:
    """Shape `text` as one line; `base` is the paragraph direction (0 LTR, 1 RTL), guessed from the text if None."""
    if base is None:
        base = base_level(text)
    levels = embedding_levels(text, base)
    picks = library.assign_fonts(text, chain)
    codepoints = [ord(ch) for ch in text]
    if text and levels.count(levels[0]) == len(levels) and picks.count(picks[0]) == len(picks):
        # One font, one direction (nearly every name): one run, no per-character scan for run boundaries.
        run = _shape_run(text, codepoints, 0, len(text), chain[picks[0]], levels[0] % 2 == 1)
        return ShapedLine(text=text, runs=(run,), advance=run.advance, rtl=base == 1)
    runs: list[ShapedRun] = []
    run_levels: list[int] = []
    start = 0
    for end in range(1, len(text) + 1):
        if end < len(text) and levels[end] == levels[start] and picks[end] == picks[start]:
            continue
        runs.append(_shape_run(text, codepoints, start, end, chain[picks[start]], levels[start] % 2 == 1))
        run_levels.append(levels[start])
        start = end
    ordered = tuple(visual_order(runs, run_levels))
    return ShapedLine(text=text, runs=ordered, advance=sum(run.advance for run in ordered), rtl=base == 1)


def _shape_run(text: str, codepoints: list[int], start: int, end: int, font: FontFile, rtl: bool) -> ShapedRun:
    buffer = hb.Buffer()
    buffer.add_codepoints(codepoints, start, end - start)  # the rest of the line is shaping context
    buffer.direction = "rtl" if rtl else "ltr"
    buffer.guess_segment_properties()
    hb.shape(font.hb_font, buffer)
    scale = 1.0 / font.upem
    infos, positions = buffer.glyph_infos, buffer.glyph_positions
    pen, xs, ys = 0, [], []
    for pos in positions:  # one pass (five generator passes took twice as long); integer pens as before
        xs.append((pen + pos.x_offset) * scale)
        ys.append(pos.y_offset * scale)
        pen += pos.x_advance
    return ShapedRun(
        font=font,
        text=text[start:end],
        rtl=rtl,
        glyphs=tuple([info.codepoint for info in infos]),
        xs=tuple(xs),
        ys=tuple(ys),
        clusters=tuple([info.cluster - start for info in infos]),
        advance=pen * scale,
    )


@lru_cache(maxsize=4096)  # ~10 MB at most; a re-render (preview, then PDF) finds its lines here
def shape_cached(library: FontLibrary, text: str, family: str, weight: str, base: int | None = None) -> ShapedLine:
    """shape_line with an LRU: fitting tries the same words and lines many times, and names repeat."""
    return shape_line(text, library.chain(family, weight), library, base)


def ink_bounds(lines: Sequence[ShapedLine], line_height: float) -> tuple[float, float]:
    """Ink of a block of lines `line_height` em apart, relative to the first baseline, in em (up is negative)."""
    if len(lines) == 1:  # one line (most names): the same sums without two generator passes
        ink = lines[0].ink
        return 0.0 - ink[0], 0.0 + ink[1]
    top = min(index * line_height - line.ink[0] for index, line in enumerate(lines))
    bottom = max(index * line_height + line.ink[1] for index, line in enumerate(lines))
    return top, bottom
