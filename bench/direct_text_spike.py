"""Spike for issue 13: would writing the badges' text operators ourselves (instead of cairo_show_text_glyphs, which
cairo's paginated PDF surface records, analyses and replays per page) cut the per-badge CPU by >= 30 %?

Three ways to draw the same 10,000-badge job (classic, A4, background + logo, distinct names, one core):
  cairo   today's path: TextStamp.draw -> cairo_show_text_glyphs
  direct  TextStamp.draw appends `r g b rg BT /Fn size Tf 1 0 0 -1 x y Tm [<gids>adj<gids>...] TJ ET` (glyph ids
          as 4-hex codes for Identity-H, TJ adjustments from the font's advances, 2-decimal numbers, made once per
          stamp and cached on it) inside `q 1 0 0 1 tx ty cm ... Q` into a buffer, zlib-compressed per ~30 badges
          (a page's worth): the work the real path would do per badge, WITHOUT the parts it would add on top
          (embedding one font subset per font, merging the buffer into each page in pdf_stream, the ToUnicode
          CMap); nothing is put on the page, so the PDF shows no names (the bench output is not a badge sheet)
  none    TextStamp.draw does nothing: the ceiling of any saving from the text side
and the one-time cost of subsetting a font with fontTools (retain_gids, what option (a) of the brief embeds).

Measured 2026-12-01 on the 2-core bench machine (other engineers' jobs on the other core; load 1-2.7):
  callgrind, 1,000 badges after a 300-badge warm-up (--callgrind 1000; counts do not move with the load):
      cairo 861 K instructions per badge, direct 610 K (-29.2 %; 591 K = -31.4 % with BF_SPIKE_ZLIB_LEVEL=1),
      none 470 K (-45.5 %): of direct's 140 K over `none`, zlib of our own operators is ~46 K at level 6 and the
      Python writer (a TJ per new stamp, the cm and appends per draw) the rest
  CPU seconds, 10,000 badges, medians of 3, interleaved: cairo 2.87 s, direct 2.17 s (-25 %), none 1.66 s (-42 %);
      with zlib level 1 (a louder run): cairo 3.38 s, direct 2.40 s (-29 %), none 2.00 s (-41 %)
  fontTools subset of NotoSans-Bold (119 glyphs, retain_gids, no hinting): 0.31-0.47 CPU-s per font, once per job
      (or per part): the classic badge's two fonts cost ~80 us per badge at 10,000 badges, as much as the saving
Verdict: the writer alone lands at the brief's 30 % bar (-25..-29 % CPU, -29..-31 % instructions), and that is
before the real path's own costs: font embedding (fontTools as above, or an own glyf/loca slicer), the ToUnicode
CMap, merging the buffer into each page in pdf_stream, the stacking-order gate. Net it would not clear 30 %. Nor
would it reach the wall targets: even `none` (no text drawn at all, 0.17 ms per badge) puts 10,000 badges on two
cores at ~0.83 s of drawing + the 0.30-0.36 CPU-s set-up, over 1.0 s; the set-up is the other half of that target.
Not built; see the report of h13-direct.

Usage: .venv/bin/python bench/direct_text_spike.py [--badges 10000] [--repeat 3] [--callgrind 1000]
"""

from __future__ import annotations

import argparse
import ctypes
import io
import os
import statistics
import struct
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from render_speed import _options
from sample_data import attendees

MODES = ("cairo", "direct", "none")
LEVEL = int(os.environ.get("BF_SPIKE_ZLIB_LEVEL", "6"))  # zlib level of our operators (6: zlib's default)
FONTS = Path(__file__).resolve().parents[1] / "templates" / "fonts"


class DirectWriter:
    """Text operators of every stamp drawn, in drawing order, compressed a page's worth at a time."""

    def __init__(self) -> None:
        import cairocffi

        self.ffi, self.lib = cairocffi.ffi, cairocffi.cairo
        self.matrix = self.ffi.new("cairo_matrix_t*")
        self.ops: dict[int, bytes] = {}  # id(stamp) -> its operators (stamps live in the composer's caches)
        self.fonts: dict[int, tuple[int, dict[int, int], Any]] = {}  # face pointer -> (/F number, widths, hb font)
        self.buffer: list[bytes] = []
        self.compressed = 0

    def font(self, face: Any) -> tuple[int, dict[int, int], Any]:
        key = int(self.ffi.cast("uintptr_t", face))
        found = self.fonts.get(key)
        if found is None:
            from badge_renderer.text import quick
            from badge_renderer.text.fonts import FontLibrary

            by_face = {int(self.ffi.cast("uintptr_t", f)): font for font, f in quick._FACES.items()}
            font = by_face.get(key) or FontLibrary.default().chain("sans", "bold")[0]
            found = self.fonts[key] = (len(self.fonts), {}, font.hb_font)
        return found

    def stamp_ops(self, stamp: Any) -> bytes:
        color = stamp._color
        out = [b"%.3f %.3f %.3f rg BT" % tuple(color[:3])]
        for face, size, _text, glyphs, count, _clusters, _ccount, _flags in stamp._runs:
            number, widths, hb_font = self.font(face)
            raw = struct.unpack("@" + "Ldd" * count, bytes(self.ffi.buffer(glyphs)))
            gids, xs = raw[0::3], raw[1::3]
            per_unit = size / hb_font.face.upem
            k = 1000.0 / size
            parts = []
            expected = xs[0]
            for gid, x in zip(gids, xs, strict=True):
                shift = round((expected - x) * k)
                if shift:
                    parts.append(b">%d<" % shift)
                parts.append(b"%04x" % gid)
                width = widths.get(gid)
                if width is None:
                    width = widths[gid] = hb_font.get_glyph_h_advance(gid)
                expected = x + width * per_unit
            out.append(b"/F%d %.2f Tf 1 0 0 -1 %.2f %.2f Tm [<%s>] TJ" % (number, size, xs[0], raw[2], b"".join(parts)))
        out.append(b"ET")
        return b" ".join(out)

    def draw(self, stamp: Any, ctx: Any) -> None:
        ops = self.ops.get(id(stamp))
        if ops is None:
            ops = self.ops[id(stamp)] = self.stamp_ops(stamp)
        self.lib.cairo_get_matrix(ctx._pointer, self.matrix)
        buffer = self.buffer
        buffer.append(b"q 1 0 0 1 %.2f %.2f cm " % (self.matrix.x0, self.matrix.y0))
        buffer.append(ops)
        buffer.append(b" Q\n")
        if len(buffer) >= 450:  # ~30 badges of 5 stamps: one page's content stream
            self.flush()

    def flush(self) -> None:
        self.compressed += len(zlib.compress(b"".join(self.buffer), LEVEL))
        self.buffer.clear()


def use(mode: str, writer: DirectWriter) -> None:
    """Point TextStamp.draw at the mode's drawing."""
    from badge_renderer.text import stamps

    if not hasattr(stamps.TextStamp, "_cairo_draw"):
        stamps.TextStamp._cairo_draw = stamps.TextStamp.draw
    if mode == "cairo":
        stamps.TextStamp.draw = stamps.TextStamp._cairo_draw
    elif mode == "none":
        stamps.TextStamp.draw = lambda self, ctx: None
    else:
        stamps.TextStamp.draw = lambda self, ctx: writer.draw(self, ctx)


_OPTIONS: list[Any] = []  # one RenderOptions for every run: a new one re-makes the images and the static layers


def render(mode: str, people: list, writer: DirectWriter, out: Path) -> None:
    from badge_renderer.render import render_pdf

    use(mode, writer)
    if not _OPTIONS:
        _OPTIONS.append(_options(workers=1))
    render_pdf(people, _OPTIONS[0], out)
    if mode == "direct":
        writer.flush()


def subset_seconds() -> float:
    """CPU seconds of one fontTools subset of NotoSans-Bold keeping glyph ids (what an own embedding would do)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    start = time.process_time()
    font = TTFont(str(FONTS / "NotoSans-Bold.ttf"))
    options = subset.Options()
    options.retain_gids, options.notdef_outline, options.hinting = True, True, False
    options.layout_features, options.name_IDs = [], ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=list(range(1, 120)))
    subsetter.subset(font)
    font.save(io.BytesIO())
    return time.process_time() - start


def timed(count: int, repeat: int) -> None:
    pool = attendees(count * len(MODES) * repeat + 300, distinct=True)
    writer = DirectWriter()
    seconds: dict[str, list[float]] = {mode: [] for mode in MODES}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for mode in MODES:
            render(mode, pool[-300:], writer, tmp / "warm.pdf")
        batch = 0
        for _ in range(repeat):
            for mode in MODES:
                people = pool[batch * count : (batch + 1) * count]  # names no earlier run has drawn
                batch += 1
                start = time.process_time()
                render(mode, people, writer, tmp / f"{mode}.pdf")
                seconds[mode].append(time.process_time() - start)
    cairo = statistics.median(seconds["cairo"])
    print(f"CPU seconds, {count:,} badges, one core, medians of {repeat} (interleaved, distinct names):")
    for mode in MODES:
        value = statistics.median(seconds[mode])
        print(f"  {mode:7} {value:6.2f} s  {value / count * 1e3:.3f} ms/badge  {value / cairo - 1:+.0%} vs cairo")
    print(f"  fontTools subset of one font (retain_gids): {subset_seconds():.2f} CPU-s, once per job or part")


def child(mode: str, count: int, helper: str) -> None:
    marks = ctypes.CDLL(helper)
    writer = DirectWriter()
    people = attendees(count + 300, distinct=True)
    with tempfile.TemporaryDirectory() as tmp_name:
        render(mode, people[-300:], writer, Path(tmp_name) / "warm.pdf")
        marks.cg_start()
        render(mode, people[:count], writer, Path(tmp_name) / "out.pdf")
        marks.cg_stop()


def callgrind(count: int) -> None:
    import callgrind

    with tempfile.TemporaryDirectory() as tmp_name:
        folder = Path(tmp_name)
        helper = callgrind.build_helper(folder)
        totals = {}
        for mode in MODES:
            child = ["--child", mode, "--badges", str(count), "--helper", str(helper)]
            totals[mode] = callgrind.count(__file__, child, folder, mode)
    print(f"instructions per badge, {count:,} badges (callgrind):")
    for mode in MODES:
        print(f"  {mode:7} {totals[mode] / count:10,.0f}  {totals[mode] / totals['cairo'] - 1:+.1%} vs cairo")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--badges", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--callgrind", type=int, default=0, help="also count instructions for this many badges")
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    parser.add_argument("--helper", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.badges, args.helper)
        return
    timed(args.badges, args.repeat)
    if args.callgrind:
        callgrind(args.callgrind)


if __name__ == "__main__":
    main()
