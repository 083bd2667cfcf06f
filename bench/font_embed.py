"""CPU cost of embedding a font subset in a PDF: badge_renderer.pdf_write.fonts (our glyph-keeping subsetter) against
fontTools' subsetter, the same glyphs of the same font, measured in the same run.

Glyph sets: NotoSans-Bold with the glyphs HarfBuzz gives for Latin, accented Latin, Greek and Cyrillic names (150
distinct glyphs), DroidSansFallback with 500 CJK ideographs spread over its cmap. "ours" is one EmbeddedFont.write
(the subset, its deflate, /W, the ToUnicode CMap, the four PDF objects) after the font was parsed once; "parse" is
that first parse (once per process); fontTools is TTFont load + Subsetter(retain_gids, hinting kept) + save (a
subset changes the TTFont in place, so each job part would load it again). CPU ms, medians.

Measured 2026-12-02 on the shared 2-core machine (load ~1.3-1.5), --repeat 50, two runs:
  NotoSans-Bold, 150 glyphs (174 kept with components): parse 3.2 ms once, write 2.8-3.0 ms, fontTools 395-430 ms
      (130-156x), 13.5 KB of PDF objects
  DroidSansFallback, 500 ideographs (1,250 kept: its CJK glyphs are composites): parse 11.6-12.0 ms once, write
      20.2-22.0 ms, fontTools 1.76-1.89 s (86x), 68 KB; of the write, deflating the 100 KB of kept outlines is
      ~6.5 ms at zlib level 6 (2.8 ms at level 1 for 10 % more bytes: not taken, the target is met)
  Cutting glyph ids above the highest kept one (maxp.numGlyphs): a 20-glyph ASCII set 0.75 -> 0.51 ms and
      4.6 -> 4.4 KB (hmtx/loca of 92 instead of 3,317 ids); no change for the sets above (their highest id is
      near the end of the font).

Usage: .venv/bin/python bench/font_embed.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from itertools import pairwise
from pathlib import Path

import uharfbuzz as hb
from fontTools import subset
from fontTools.ttLib import TTFont

from badge_renderer.pdf_write.fonts import EmbeddedFont
from badge_renderer.pdf_write.objects import PdfObjects

FONTS = Path(__file__).resolve().parents[1] / "templates" / "fonts"
LATIN = " ".join(
    [
        "Ada Lovelace Émile Zoë Jäger Nguyễn Thị Minh Khai Søren Ørsted Łucja João da Silva Maximilian",
        "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞß àáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ",
        "ĀāĂăĄąĆćČčĎďĐđĒēĘęĚěĞğĪīİıŁłŃńŇňŌōŐőŒœŘřŚśŞşŠšŢţŤťŪūŮůŰűŸŹźŻżŽž",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz 0123456789 -.,'&()",
        "Γιώργος Παπαδόπουλος ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ αβγδεζηθικλμνξοπρστυφχψω",
        "Дмитрий Иванов АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯ",
    ]
)


def shaped_glyphs(path: Path, text: str) -> dict[int, str]:
    """Glyph id -> the cluster's text (first glyph of a cluster) or "" (the others), as the page writer passes it."""
    font = hb.Font(hb.Face(hb.Blob.from_file_path(str(path))))
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(font, buffer)
    starts = [*sorted({info.cluster for info in buffer.glyph_infos}), len(text)]
    ends = dict(pairwise(starts))
    used: dict[int, str] = {}
    seen: set[int] = set()
    for info in buffer.glyph_infos:
        first = info.cluster not in seen
        seen.add(info.cluster)
        if info.codepoint not in used or first:
            used[info.codepoint] = text[info.cluster : ends[info.cluster]] if first else used.get(info.codepoint, "")
    return used


def latin_set(count: int) -> dict[int, str]:
    used = shaped_glyphs(FONTS / "NotoSans-Bold.ttf", LATIN)
    return dict(list(used.items())[:count])


def cjk_set(count: int) -> dict[int, str]:
    face = hb.Face(hb.Blob.from_file_path(str(FONTS / "DroidSansFallback.ttf")))
    ideographs = sorted(cp for cp in face.unicodes if 0x4E00 <= cp <= 0x9FFF)
    step = len(ideographs) // count
    return shaped_glyphs(FONTS / "DroidSansFallback.ttf", "".join(chr(cp) for cp in ideographs[::step][:count]))


def cpu_ms(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        action()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    print(f"{'font':24} {'glyphs':>6} {'parse':>8} {'ours':>8} {'fontTools':>10} {'ratio':>7} {'bytes':>8}")
    for name, used in (("NotoSans-Bold.ttf", latin_set(150)), ("DroidSansFallback.ttf", cjk_set(500))):
        path = FONTS / name
        start = time.process_time()
        font = EmbeddedFont(path)
        font.widths  # noqa: B018 (the one-time parse)
        parse = (time.process_time() - start) * 1000
        out = io.BytesIO()

        def ours(font: EmbeddedFont = font, used: dict[int, str] = used, out: io.BytesIO = out) -> None:
            out.seek(0)
            out.truncate()
            objects = PdfObjects(out)
            font.write(objects, objects.reserve(), used)

        def theirs(path: Path = path, used: dict[int, str] = used) -> None:
            loaded = TTFont(path)  # a subset changes the font in place: every job part loads it anew
            subsetter = subset.Subsetter(subset.Options(retain_gids=True, notdef_outline=True, hinting=True))
            subsetter.populate(gids=sorted(used))
            subsetter.subset(loaded)
            loaded.save(io.BytesIO())

        mine = cpu_ms(ours, args.repeat)
        size = len(out.getvalue())
        other = cpu_ms(theirs, max(3, args.repeat // 10))
        print(
            f"{name:24} {len(used):>6} {parse:>7.1f}ms {mine:>7.2f}ms {other:>9.1f}ms {other / mine:>6.0f}x {size:>8}"
        )


if __name__ == "__main__":
    main()
