"""The common case in one function: a one-line, one-font, left-to-right text from its string to a TextStamp.

A fresh surname on every badge used to pass ~15 Python layers (clean_text, _Fitter, shape_cached, shape_line,
ShapedRun, ShapedLine, _Layout, FittedText, place_text, PlacedRun, ...) for what is, in nearly every name, one
HarfBuzz call and a few multiplications. This does the same arithmetic in the same order (so the glyph arrays are
bit-identical to fit_text + make_stamp: tests/unit/text/test_quick_stamps.py compares them on many names) and
returns None for anything else — a combining mark, right-to-left or control characters, a font fallback, a text
that wraps or needs an ellipsis — which then takes the general path. Accented Latin, Greek and Cyrillic names in
NFC and ligatures ("ff", "fi") stay on the quick path.
"""

from __future__ import annotations

import functools
import math
import struct
import unicodedata
from collections.abc import Sequence
from typing import Any

import uharfbuzz as hb

from badge_renderer.text.cairo_fonts import cairo_font_face
from badge_renderer.text.direction import has_rtl
from badge_renderer.text.drawing import _SIDES, ALIGNS, VALIGNS
from badge_renderer.text.fitting import _SMALLEST
from badge_renderer.text.fonts import FontFile, FontLibrary
from badge_renderer.text.shaping import _identity, cluster_bytes
from badge_renderer.text.stamps import PlainRun, TextStamp

# glyph count -> (wrap bytes as cairo_glyph_t[], its struct, a shared read-only cairo_text_cluster_t[] of (1, 1),
# make a cairo_text_cluster_t[])
_PACKINGS: dict[int, tuple[Any, struct.Struct, Any, Any]] = {}
_PLAIN: dict[FontFile, frozenset[str]] = {}  # see _plain_chars
_FACES: dict[FontFile, Any] = {}  # the cairo_font_face_t* of each font (cairo_fonts keeps the faces alive)


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
    arrays: bool = True,
) -> TextStamp | None:
    """make_stamp(fit_text(text, ...), *box, ...) when `text` is the common case, else None (use those).
    arrays=False leaves out cairo's C arrays until cairo draws it (the own PDF writer reads `plain`)."""
    x, y, box_width, box_height = box
    if not text or "  " in text or text[0] == " " or text[-1] == " ":
        return None  # empty, or clean_text would change its spaces
    if not (box_width > 0 and box_height > 0 and max_size > 0 and line_height > 0):
        return None
    if align not in ALIGNS or valign not in VALIGNS:
        return None  # place_text says why
    font = library.chain(family, weight)[0]
    ascii = text.isascii()
    if ascii:
        if not (text.isprintable() and font.chars.issuperset(text)):
            return None  # controls (clean_text's), or a character from a fallback font: more than one run
    elif not (_plain_chars(font).issuperset(text) and unicodedata.is_normalized("NFC", text)):
        return None  # a mark, a control, right-to-left, another font, or NFC would change it
    # shaping.py's _shape_run, for one run over the whole text
    buffer = hb.Buffer()
    if ascii:  # UTF-8 is ASCII here: the clusters add_str gives are character offsets, and no list is made
        buffer.add_str(text)
    else:
        buffer.add_codepoints(list(map(ord, text)), 0, len(text))
    buffer.direction = "ltr"
    buffer.guess_segment_properties()
    hb.shape(font.hb_font, buffer)
    infos = buffer.glyph_infos
    count = len(infos)
    # _shape_run's pen arithmetic and ShapedLine._ink_box's maxima and minima, in one pass over the glyphs, for
    # glyphs on the baseline at their pens (nearly every name: gx = pen / upem, gy = 0); a glyph with an offset
    # sends the run through _offset_glyphs, which also keeps each glyph's position
    scale = 1.0 / font.upem
    boxes = font.ink_boxes
    glyphs: list[int] = []
    kept: list[int] = []  # HarfBuzz's advances, for the own writer's TJ while no glyph has an offset
    advances: list[int] | None = kept
    clusters = []
    pen = 0
    ink_top = ink_bottom = 0.0
    left, right = math.inf, -math.inf
    positions = buffer.glyph_positions
    xs: list[float] | None = None
    ys: list[float] | None = None
    for info, pos in zip(infos, positions, strict=True):
        x_offset, y_offset, x_advance, _ = pos.position  # one attribute read for three
        if x_offset or y_offset:
            advances = None
            break
        gid = info.codepoint
        glyphs.append(gid)
        clusters.append(info.cluster)
        kept.append(x_advance)
        found = boxes.get(gid)
        if found is None:
            font.glyph_ink(gid)
            found = boxes[gid]
        box = found
        if box[0] > ink_top:
            ink_top = box[0]
        if box[1] > ink_bottom:
            ink_bottom = box[1]
        at = pen * scale
        if at + box[2] < left:
            left = at + box[2]
        if at + box[3] > right:
            right = at + box[3]
        pen += x_advance
    if advances is None:
        glyphs = [info.codepoint for info in infos]
        clusters = [info.cluster for info in infos]
        xs, ys, pen, ink_top, ink_bottom, left, right = _offset_glyphs(font, glyphs, positions, scale)
    advance = pen * scale
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
    simple = ascii and count == len(text) and tuple(clusters) == _identity(count)  # one glyph per character
    plain = PlainRun(
        font,
        size,
        text,
        glyphs,
        None if xs is None else [start + gx * size for gx in xs],
        None if ys is None else [baseline - gy * size for gy in ys],
        None if simple else clusters,
        _arrays,
        advances,
        (start, baseline),
    )
    if not arrays:  # for the own PDF writer: cairo's arrays only if cairo ever draws it (TextStamp.runs)
        return TextStamp([], color, text=text, size=size, truncated=False, plain=plain)
    return TextStamp(_arrays(plain), color, text=text, size=size, truncated=False, plain=plain)


def _offset_glyphs(
    font: FontFile, glyphs: list[int], positions: Sequence[Any], scale: float
) -> tuple[list[float], list[float], int, float, float, float, float]:
    """quick_stamp's loop for a run where some glyph has an offset (a mark positioned by GPOS, a kerned pair moved
    vertically): each glyph's position in em kept, (xs, ys, the pen's end in font units, ink top, bottom, left,
    right)."""
    boxes = font.ink_boxes
    xs, ys = [], []
    pen = 0
    ink_top = ink_bottom = 0.0
    left, right = math.inf, -math.inf
    for gid, pos in zip(glyphs, positions, strict=True):
        x_offset, y_offset, x_advance, _ = pos.position
        gx, gy = (pen + x_offset) * scale, y_offset * scale
        pen += x_advance
        xs.append(gx)
        ys.append(gy)
        box = boxes.get(gid)
        if box is None:
            font.glyph_ink(gid)
            box = boxes[gid]
        if box[0] + gy > ink_top:
            ink_top = box[0] + gy
        if box[1] - gy > ink_bottom:
            ink_bottom = box[1] - gy
        at = 0.0 + gx
        if at + box[2] < left:
            left = at + box[2]
        if at + box[3] > right:
            right = at + box[3]
    return xs, ys, pen, ink_top, ink_bottom, left, right


def _arrays(plain: PlainRun) -> list[tuple[Any, ...]]:
    """The cairo run of a plain run: cairo_glyph_t[] packed by struct and wrapped, not converted from tuples by
    ffi.new (a third of the cost), and the clusters."""
    glyphs, text, count = plain.glyphs, plain.text, len(plain.glyphs)
    packing = _PACKINGS.get(count) or _packing(count)
    values: list[Any] = [0.0] * (3 * count)
    values[0::3] = glyphs
    values[1::3] = plain.xs
    values[2::3] = plain.ys
    placed = packing[0](packing[1].pack(*values))
    if plain.clusters is None:
        bytes_glyphs, cluster_count = packing[2], count  # one byte, one glyph per character: a shared array
    else:  # accents (UTF-8 bytes per character) or a ligature (glyphs per cluster)
        per_cluster = cluster_bytes(text, tuple(plain.clusters), False)
        bytes_glyphs, cluster_count = packing[3](per_cluster), len(per_cluster)
    face = _FACES.get(plain.font) or _face(plain.font)
    return [(face, plain.size, text.encode("utf-8"), placed, count, bytes_glyphs, cluster_count, 0)]


def _packing(count: int) -> tuple[Any, struct.Struct, Any, Any]:
    """How `count` glyphs become cairo's arrays: cairo_glyph_t is {unsigned long index; double x, y}, packed in
    the platform's own layout (checked against cffi's; where they differ, ffi.new converts the values)."""
    from badge_renderer.text.stamps import _cairo

    ffi = _cairo()[1]
    layout = struct.Struct("@" + "Ldd" * count)
    if layout.size == ffi.sizeof("cairo_glyph_t") * count:
        wrap = functools.partial(ffi.from_buffer, ffi.typeof("cairo_glyph_t[]"))
    else:
        wrap = functools.partial(_converted, ffi, count)
    clusters = ffi.new("cairo_text_cluster_t[]", [(1, 1)] * count)
    _PACKINGS[count] = (wrap, layout, clusters, functools.partial(ffi.new, "cairo_text_cluster_t[]"))
    return _PACKINGS[count]


def _plain_chars(font: FontFile) -> frozenset[str]:
    """The characters of `font` a text may hold and stay on the quick path: left-to-right letters, digits,
    punctuation and symbols, and the space — what printable() keeps whatever surrounds it, clean_text leaves alone
    (NFC aside, checked per text), and one font draws in one left-to-right run."""
    found = _PLAIN.get(font)
    if found is None:
        found = _PLAIN[font] = frozenset(
            ch for ch in font.chars if ch == " " or (unicodedata.category(ch)[0] in "LNPS" and not has_rtl(ch))
        )
    return found


def _converted(ffi: Any, count: int, packed: bytes) -> Any:
    values = struct.unpack("@" + "Ldd" * count, packed)
    return ffi.new("cairo_glyph_t[]", [values[i : i + 3] for i in range(0, 3 * count, 3)])


def _face(font: FontFile) -> Any:
    _FACES[font] = cairo_font_face(font)._pointer
    return _FACES[font]
