"""A text stamp's glyph runs as PDF text operators, made once per stamp and reused on every badge that prints it.

Codes are 2-byte glyph ids (the fonts are embedded Identity-H with CIDToGIDMap /Identity, see fonts.py), placed with
TJ adjustments from the same /W widths a viewer uses, so every glyph lands where HarfBuzz put it (to 1/1000 of the
font size, without drift along the line). Font resources are named /F<key>, one key per font file per process, so
operators made for one part stay valid in the next.
"""

from __future__ import annotations

import array
import operator
import struct
import sys
from collections.abc import Callable, Sequence
from typing import Any

from badge_renderer.pdf_write.objects import DirectWriterError, pdf_number
from badge_renderer.text.fonts import FontFile

_BACKWARD = 1  # CAIRO_TEXT_CLUSTER_FLAG_BACKWARD
_SAME_LINE = 1e-6  # points: glyphs with this little vertical difference share one TJ
# FreeType's synthetic bold (FT_GlyphSlot_Embolden, what cairo_ft applies) widens an outline by 1/24 em: stroking it
# with a line as wide and the fill colour draws the same weight.
SYNTHETIC_BOLD_EM = 1 / 24


class StampOps:
    """What a stamp puts on a page: operators (fonts named /F<key>), and the glyphs each font needs."""

    __slots__ = ("generation", "glyphs", "ops")

    def __init__(self, ops: bytes, glyphs: tuple[tuple[int, dict[int, str], bool], ...]) -> None:
        self.ops = ops
        # (font key, {glyph id: the text it stands for}, whether every glyph has its text: no "" to fill in later)
        self.glyphs = glyphs
        self.generation = -1  # the part whose fonts already hold these glyphs (see part.DirectPart.stamp)


class FontKeys:
    """A stable small number per font file (and synthetic-bold flag) for this process, and its /W widths."""

    def __init__(self, widths_of: Callable[[FontFile], Sequence[float]]) -> None:
        self.fonts: list[FontFile] = []
        self.widths: list[Sequence[float]] = []
        self._widths_of = widths_of
        self._faces: dict[Any, tuple[FontFile, int]] = {}  # cairo_font_face_t* (hashes by address) -> (font, key)
        self._keys: dict[FontFile, int] = {}

    def key(self, font: FontFile) -> int:
        found = self._keys.get(font)
        if found is None:
            widths = self._widths_of(font)  # first: a font it cannot read gets no key
            found = self._keys[font] = len(self.fonts)
            self.fonts.append(font)
            self.widths.append(widths)
        return found

    def of_face(self, face: Any) -> tuple[FontFile, int]:
        """(font, key) of a stamp's cairo font face (text.cairo_fonts makes one face per font and keeps it)."""
        found = self._faces.get(face)
        if found is None:
            from badge_renderer.text.cairo_fonts import font_of_face

            font = font_of_face(face)
            found = self._faces[face] = (font, self.key(font))
        return found


def stamp_ops(stamp: Any, keys: FontKeys) -> StampOps:
    """The stamp's runs (cairo glyph arrays, as TextStamp keeps them, or a quick stamp's plain run) as
    `BT ... ET` operators."""
    plain = stamp.plain
    if plain is not None and not plain.font.synthetic_bold:
        return _plain_ops(stamp._color, plain, keys)
    ffi = _FFI or _ffi()
    color = stamp._color
    out: list[bytes] = [_FILLS.get(color) or _fill(color)]
    used: dict[int, tuple[int, dict[int, str], bool]] = {}
    bold_width = None
    for face, size, text, glyphs, glyph_count, clusters, cluster_count, flags in stamp.runs:
        if not glyph_count:
            continue
        font, key = keys.of_face(face)
        layout = _LAYOUTS.get(glyph_count) or _layout(glyph_count)
        raw = layout.unpack(ffi.buffer(glyphs, layout.size))
        gids = raw[0::3]
        if cluster_count == glyph_count == len(text) and not flags:  # one byte, one glyph each: ASCII, in order
            mapped = dict(zip(gids, text.decode("ascii", "replace"), strict=True))
            plain, spans = True, None
        else:
            mapped = {}
            values = [(clusters[i].num_bytes, clusters[i].num_glyphs) for i in range(cluster_count)]
            spans = _map_glyphs(mapped, text, gids, values, bool(flags & _BACKWARD))
            plain = "" not in mapped.values()
        known = used.get(key)
        if known is None:
            used[key] = (key, mapped, plain)
        else:
            for gid, chars in mapped.items():
                if chars or gid not in known[1]:
                    known[1][gid] = chars
            used[key] = (key, known[1], known[2] and plain)
        if font.synthetic_bold:
            width = size * SYNTHETIC_BOLD_EM
            if bold_width != width:
                out.append(b"%.3f %.3f %.3f RG %.3f w 2 Tr" % (*color[:3], width))
                bold_width = width
        elif bold_width is not None:
            out.append(b"0 Tr")
            bold_width = None
        out.append(b"BT /F%d %.3f Tf" % (key, size))
        xs, ys = raw[1::3], raw[2::3]
        if spans:
            out.append(_spanned(gids, xs, ys, keys.widths[key], size, spans))
        else:
            out.append(_runs(gids, xs, ys, keys.widths[key], size))
        out.append(b"ET")
    if bold_width is not None:
        out.append(b"0 Tr")
    if len(out) == 1:
        return StampOps(b"", ())
    return StampOps(b" ".join(out), tuple(used.values()))


def _plain_ops(color: tuple[float, ...], plain: Any, keys: FontKeys) -> StampOps:
    """A quick stamp's one run (text.stamps.PlainRun): no C arrays to read back, one font, left to right."""
    key = keys.key(plain.font)
    gids, text = plain.glyphs, plain.text
    spans = None
    if plain.clusters is None:  # one character per glyph, in order
        mapped = dict(zip(gids, text, strict=True))
        plain_map = True
    else:
        mapped, spans = _cluster_map(gids, text, plain.clusters)
        plain_map = "" not in mapped.values()
    fill = _FILLS.get(color) or _fill(color)
    size = plain.size
    if spans:
        body = _spanned(gids, plain.xs, plain.ys, keys.widths[key], size, spans)
    elif plain.advances is not None and plain.font.upem == 1000:
        body = _kerned_line(gids, plain.xs[0], plain.ys[0], keys.widths[key], plain.advances)
    else:
        body = _runs(gids, plain.xs, plain.ys, keys.widths[key], size)
    return StampOps(b"%s BT /F%d %.3f Tf %s ET" % (fill, key, size, body), ((key, mapped, plain_map),))


def _cluster_map(
    gids: Sequence[int], text: str, clusters: Sequence[int]
) -> tuple[dict[int, str], dict[int, tuple[int, str]]]:
    """glyph id -> text, and the /ActualText spans, of a left-to-right run whose glyph i starts at character
    clusters[i] (HarfBuzz's clusters: a ligature's glyph covers several characters, an accent may take two glyphs)."""
    mapped: dict[int, str] = {}
    spans: dict[int, tuple[int, str]] = {}
    count = len(gids)
    i = 0
    while i < count:
        j = i
        while j + 1 < count and clusters[j + 1] == clusters[i]:
            j += 1
        end = clusters[j + 1] if j + 1 < count else len(text)
        chars = text[clusters[i] : end]
        if chars and not mapped.get(gids[i]):
            mapped[gids[i]] = chars
        for k in range(i + 1, j + 1):
            mapped.setdefault(gids[k], "")
        if j > i or len(chars) > 1:
            spans[i] = (j, chars)
        i = j + 1
    return mapped, spans


def _runs(gids: Sequence[int], xs: Sequence[float], ys: Sequence[float], widths: Sequence[float], size: float) -> bytes:
    """`Tm [<...>adj<...>] TJ`: one line for a run on one baseline (nearly every run), else a Tm per baseline."""
    if ys.count(ys[0]) == len(gids):
        return _line(gids, xs, ys[0], widths, size)
    return _spanned(gids, xs, ys, widths, size, {})


def _line(gids: Sequence[int], xs: Sequence[float], y: float, widths: Sequence[float], size: float) -> bytes:
    """One baseline's glyphs: the codes in one string, with a TJ adjustment (1/1000 em) wherever the next glyph is
    not where the previous one's width leaves the pen (kerning, marks), the rounding carried along, not summed."""
    per_unit = size / 1000.0
    k = 1000.0 / size
    ends = [x + widths[gid] * per_unit for gid, x in zip(gids, xs, strict=True)]  # the pen after each glyph
    if not any(round((end - x) * k) for end, x in zip(ends, xs[1:], strict=False)):  # no kerning: one string
        codes = struct.pack(f">{len(gids)}H", *gids).hex().encode()
        return b"1 0 0 -1 %.3f %.3f Tm [<%s>] TJ" % (xs[0], y, codes)
    pen = xs[0]
    items: list[bytes] = [b"<"]
    for gid, x in zip(gids, xs, strict=True):
        shift = round((pen - x) * k)
        if shift:
            items.append(b">%d<" % shift)
            pen -= shift * per_unit
        items.append(_HEXES[4 * gid : 4 * gid + 4])
        pen += widths[gid] * per_unit
    items.append(b">")
    return b"1 0 0 -1 %.3f %.3f Tm [%s] TJ" % (xs[0], y, b"".join(items))


def _kerned_line(gids: Sequence[int], x: float, y: float, widths: Sequence[float], advances: Sequence[int]) -> bytes:
    """_line's operators for a run without offsets in a font of 1000 units per em, from whole numbers: there a
    glyph's /W width is its advance in font units, so the adjustment after each glyph is its width minus
    HarfBuzz's advance (the kerning), exactly what _line finds by rounding the pen difference, without the floats."""
    shifts = list(map(operator.sub, map(widths.__getitem__, gids), advances))
    shifts.pop()  # the last glyph's advance moves nothing that is drawn
    if not any(shifts):  # no kerning: one string
        return b"1 0 0 -1 %.3f %.3f Tm [<%s>] TJ" % (x, y, struct.pack(f">{len(gids)}H", *gids).hex().encode())
    items: list[bytes] = [b"<", _HEXES[4 * gids[0] : 4 * gids[0] + 4]]
    for gid, shift in zip(gids[1:], shifts, strict=True):
        if shift:
            items.append(b">%d<" % shift)
        items.append(_HEXES[4 * gid : 4 * gid + 4])
    items.append(b">")
    return b"1 0 0 -1 %.3f %.3f Tm [%s] TJ" % (x, y, b"".join(items))


def _map_glyphs(
    found: dict[int, str], text: bytes, gids: Sequence[int], clusters: Sequence[tuple[int, int]], backward: bool
) -> dict[int, tuple[int, str]]:
    """Fill `found` with glyph id -> the text of its cluster (a cluster's first glyph carries it, the others map
    to nothing), and return the clusters that need /ActualText as {first glyph index: (last index, text)} in the
    run's visual order: several glyphs for one character (Indic vowel signs), or one glyph for several (ligatures),
    which a ToUnicode entry per glyph cannot say (cairo marks the same clusters so)."""
    spans: dict[int, tuple[int, str]] = {}
    if not clusters:
        for gid in gids:
            found.setdefault(gid, "")
        return spans
    count = len(gids)
    order = list(reversed(gids)) if backward else list(gids)
    at_byte = at_glyph = 0
    for num_bytes, num_glyphs in clusters:
        chars = text[at_byte : at_byte + num_bytes].decode("utf-8", "replace")
        members = order[at_glyph : at_glyph + num_glyphs]
        for index, gid in enumerate(members):
            if index == 0 and chars:
                if not found.get(gid):
                    found[gid] = chars
            else:
                found.setdefault(gid, "")
        if members and (num_glyphs > 1 or len(chars) > 1):
            first, last = at_glyph, at_glyph + num_glyphs - 1
            if backward:
                first, last = count - 1 - last, count - 1 - first
            spans[first] = (last, chars)
        at_byte += num_bytes
        at_glyph += num_glyphs
    return spans


def _spanned(
    gids: Sequence[int],
    xs: Sequence[float],
    ys: Sequence[float],
    widths: Sequence[float],
    size: float,
    spans: dict[int, tuple[int, str]],
) -> bytes:
    """A run with clusters that need /ActualText: the codes of each such cluster in its own marked span, and a new
    Tm wherever a glyph leaves the baseline (marks), the pen tracked as in _line."""
    per_unit = size / 1000.0
    k = 1000.0 / size
    out: list[bytes] = []
    items: list[bytes] = []

    def flush() -> None:
        if items:
            out.append(b"[<%s>] TJ" % b"".join(items))
            items.clear()

    y: float | None = None
    pen = 0.0
    span_end = -1
    for i, gid in enumerate(gids):
        x = xs[i]
        if i in spans:
            flush()
            span_end, chars = spans[i]
            out.append(b"/Span << /ActualText <feff%s> >> BDC" % chars.encode("utf-16-be").hex().encode())
        if y is None or abs(ys[i] - y) > _SAME_LINE:
            flush()
            y, pen = ys[i], x
            out.append(b"1 0 0 -1 %.3f %.3f Tm" % (x, y))
        shift = round((pen - x) * k)
        if shift:
            items.append(b">%d<" % shift)
            pen -= shift * per_unit
        items.append(_HEXES[4 * gid : 4 * gid + 4])
        pen += widths[gid] * per_unit
        if i == span_end:
            flush()
            out.append(b"EMC")
            span_end = -1
    flush()
    return b" ".join(out)


# Every glyph id's 2-byte Identity-H code in hex, glyph g at [4 g, 4 g + 4) (ids are < 65536): made in C at import,
# where a list of 65,536 formatted codes took ~30 ms, on the critical path of every job before the fork.
_CODES = array.array("H", range(65536))
if sys.byteorder == "little":
    _CODES.byteswap()  # big-endian, as the codes are written
_HEXES = _CODES.tobytes().hex().encode()
_FFI: Any = None
_LAYOUTS: dict[int, struct.Struct] = {}  # glyph count -> cairo_glyph_t[] as {unsigned long index; double x, y}
_FILLS: dict[tuple[float, ...], bytes] = {}


def _layout(count: int) -> struct.Struct:
    _LAYOUTS[count] = struct.Struct("@" + "Ldd" * count)
    return _LAYOUTS[count]


def _fill(color: tuple[float, ...]) -> bytes:
    if len(color) > 3 and color[3] < 1:  # no bundled design has see-through text; cairo draws it if one ever does
        raise DirectWriterError("text with an alpha below 1 needs a graphics state the writer does not write")
    _FILLS[color] = b"%s %s %s rg" % (pdf_number(color[0]), pdf_number(color[1]), pdf_number(color[2]))
    return _FILLS[color]


def _ffi() -> Any:
    global _FFI
    from badge_renderer.text.stamps import cairocffi_ffi

    _FFI = cairocffi_ffi()
    return _FFI
