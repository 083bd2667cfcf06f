"""The common case in one function: a one-line, one-font, left-to-right ASCII text from its string to a TextStamp.

A fresh surname on every badge used to pass ~15 Python layers (clean_text, _Fitter, shape_cached, shape_line,
ShapedRun, ShapedLine, _Layout, FittedText, place_text, PlacedRun, ...) for what is, in nearly every name, one
HarfBuzz call and a few multiplications. This does the same arithmetic in the same order (so the glyph arrays are
bit-identical to fit_text + make_stamp: tests/unit/text/test_quick_stamps.py compares them on many names) and
returns None for anything else — non-ASCII, a font fallback, a ligature, a text that wraps or needs an ellipsis —
which then takes the general path.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from operator import add, sub
from typing import Any

import uharfbuzz as hb

from badge_renderer.text.cairo_fonts import cairo_font_face
from badge_renderer.text.drawing import _SIDES, ALIGNS, VALIGNS
from badge_renderer.text.fitting import _SMALLEST
from badge_renderer.text.fonts import FontLibrary
from badge_renderer.text.shaping import _identity
from badge_renderer.text.stamps import TextStamp

_ONE_TO_ONE: dict[int, Any] = {}  # glyph count -> a shared read-only cairo_text_cluster_t[] of (1 byte, 1 glyph)


def quick_stamp(
    text: str,
    library: FontLibrary,
    family: str,
    weight: str,
    box: tuple[float, float, float, float],
    *,
    max_size: float,
    min_size: float,
    max_lines: int,
    wrap_gain: float,
    color: Sequence[float],
    align: str,
    valign: str,
    line_height: float = 1.15,
) -> TextStamp | None:
    """make_stamp(fit_text(text, ...), *box, ...) when `text` is the common case, else None (use those)."""
    x, y, box_width, box_height = box
    if not text or not (text.isascii() and text.isprintable()) or "  " in text or text[:1] == " " or text[-1:] == " ":
        return None  # empty, or clean_text would change it (controls, runs of spaces), or not plain ASCII
    if not (box_width > 0 and box_height > 0 and max_size > 0 and line_height > 0):
        return None
    if align not in ALIGNS or valign not in VALIGNS:
        return None  # place_text says why
    font = library.chain(family, weight)[0]
    if not font.chars.issuperset(text):
        return None  # a character from a fallback font: more than one run
    # shaping.py's _shape_run, for one run over the whole text
    buffer = hb.Buffer()
    buffer.add_codepoints(list(text.encode("ascii")), 0, len(text))
    buffer.direction = "ltr"
    buffer.guess_segment_properties()
    hb.shape(font.hb_font, buffer)
    infos = buffer.glyph_infos
    count = len(text)
    if len(infos) != count or tuple([info.cluster for info in infos]) != _identity(count):
        return None  # a ligature or a reordering: clusters are not one glyph per character
    scale = 1.0 / font.upem
    glyphs = [info.codepoint for info in infos]
    pen, xs, ys = 0, [], []
    for pos in buffer.glyph_positions:
        xs.append((pen + pos.x_offset) * scale)
        ys.append(pos.y_offset * scale)
        pen += pos.x_advance
    advance = pen * scale
    # ShapedLine._ink_box, extent and ink
    tops, bottoms, lefts, rights = font.ink_parts
    if not tops.keys() >= set(glyphs):
        for gid in glyphs:
            font.glyph_ink(gid)
    pens = [0.0 + gx for gx in xs]
    ink_top = max(0.0, max(map(add, map(tops.__getitem__, glyphs), ys)))
    ink_bottom = max(0.0, max(map(sub, map(bottoms.__getitem__, glyphs), ys)))
    left = min(math.inf, min(map(add, pens, map(lefts.__getitem__, glyphs))))
    right = max(-math.inf, max(map(add, pens, map(rights.__getitem__, glyphs))))
    if not left <= right:
        left = right = 0.0
    extent_left, extent_right = min(0.0, left), max(advance, right)
    widest = extent_right - extent_left
    # fit_text's bounds and _Fitter.layout for the one line
    min_size = min(max(min_size, _SMALLEST), max_size)
    by_width = box_width / widest if widest > 0 else math.inf
    ink = (0.0 + ink_bottom) - (0.0 - ink_top)
    by_height = min(box_height / (line_height * 1), box_height / ink if ink > 0 else math.inf)
    size = min(max_size, by_width, by_height)
    size = math.floor(size * 100) / 100 if size >= 1 else size * (1 - 1e-9)  # _safe_size
    while size > 0 and (widest * size > box_width or line_height * size * 1 > box_height):
        size *= 1 - 1e-6
    width_bound = by_width < min(max_size, by_height)
    # _best_layout keeps this one line: acceptable, and (with room for more lines) no wrap could win
    if not (size >= min_size or not width_bound):
        return None  # an ellipsis or a wrap
    if max(1, max_lines) >= 2 and size < max_size:
        ceiling = min(max_size, box_height / (line_height * 2))
        if not (ceiling <= size or ceiling < size * wrap_gain):
            return None  # two lines might be bigger: the general search decides
    if size <= 0:
        return None
    # place_text and _place_line for one line of one run
    height = line_height * size * 1
    pitch = height / 1
    middle = valign == "middle"
    top = y + (box_height - height) / 2 if middle else (y if valign == "top" else y + box_height - height)
    ascent, descent = font.ink_extent
    baseline = top + pitch / 2 + (ascent - descent) / 2 * size
    ink_top_pt, ink_bottom_pt = baseline + (0.0 - ink_top) * size, baseline + (0.0 + ink_bottom) * size
    if ink_bottom_pt - ink_top_pt > box_height:
        baseline += y + (box_height - (ink_bottom_pt - ink_top_pt)) / 2 - ink_top_pt
    elif ink_top_pt < y:
        baseline += y - ink_top_pt
    elif ink_bottom_pt > y + box_height:
        baseline += y + box_height - ink_bottom_pt
    else:
        baseline += 0.0
    line_width = widest * size
    side = _SIDES[align][False] if align in _SIDES else align
    if side == "center":
        start = x + (box_width - line_width) / 2
    else:
        start = x if side == "left" else x + box_width - line_width
    start = start - extent_left * size
    baseline = baseline + 0 * pitch
    import cairocffi

    ffi = cairocffi.ffi
    placed = ffi.new(
        "cairo_glyph_t[]",
        [(gid, start + gx * size, baseline - gy * size) for gid, gx, gy in zip(glyphs, xs, ys, strict=True)],
    )
    clusters = _ONE_TO_ONE.get(count)
    if clusters is None:
        clusters = _ONE_TO_ONE[count] = ffi.new("cairo_text_cluster_t[]", [(1, 1)] * count)
    face = cairo_font_face(font)._pointer
    run = (face, size, text.encode("ascii"), placed, count, clusters, count, 0)
    return TextStamp([run], color, text=text, size=size, truncated=False)
