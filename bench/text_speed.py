"""How many names per second fit_text lays out (printed, never asserted: speed is machine-dependent).

Usage: .venv/bin/python bench/text_speed.py [count]
Prints fits/s for `count` distinct names (cold: every name shaped for the first time), then for the same names
again (warm: shaped lines come from the LRU), and the per-script cost of a cold fit.
"""

from __future__ import annotations

import io
import random
import sys
import time

from badge_renderer.text import FontLibrary, draw_text, fit_text
from badge_renderer.text.shaping import shape_cached

FIRST = ["Ada", "Émile", "Zoë", "Nguyễn", "Γιώργος", "Дмитрий", "Maximilian", "Anna-Lena", "João", "Søren", "Łucja"]
LAST = ["Lovelace", "Jäger", "Thị Minh Khai", "Παπαδόπουλος", "Иванов", "Fitzgerald-Worthington", "Ørsted", "da Silva"]
OTHER = ["山田 太郎", "王小明", "김민준", "محمد عبد الله", "דוד לוי", "अर्जुन शर्मा", "สมชาย ใจดี", "محمد J. Smith"]


def names(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for index in range(count):
        if index % 10 == 9:
            out.append(f"{rng.choice(OTHER)} {index}")
        else:
            out.append(f"{rng.choice(FIRST)} {rng.choice(LAST)} {index}")  # the number keeps every name new
    return out


def run(batch: list[str]) -> float:
    start = time.perf_counter()
    for name in batch:
        fit_text(name, box_width=220, box_height=60, max_size=40, min_size=12)
    return len(batch) / (time.perf_counter() - start)


def draw_rate(batch: list[str]) -> float:
    """fit + draw, 10 names per A4 page, into a PDF in memory: what one badge's name costs the renderer."""
    import cairocffi

    out = io.BytesIO()
    surface = cairocffi.PDFSurface(out, 595, 842)
    context = cairocffi.Context(surface)
    start = time.perf_counter()
    for index, name in enumerate(batch):
        fitted = fit_text(name, box_width=220, box_height=60, max_size=40, min_size=12)
        draw_text(context, fitted, 40, 40 + (index % 10) * 75, 220, 60)
        if index % 10 == 9:
            context.show_page()
    surface.finish()
    rate = len(batch) / (time.perf_counter() - start)
    print(f"  PDF for {len(batch)} names: {len(out.getvalue()) / 1e6:.2f} MB")
    return rate


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    library = FontLibrary.default()
    run(OTHER + FIRST)  # warm-up: open the fonts, read their cmaps
    batch = names(count)
    shape_cached.cache_clear()
    cold = run(batch)
    warm = run(batch[:2000] * (count // 2000 or 1))  # names seen again (a preview, then the PDF)
    print(f"fit_text, {count} distinct names, 220x60 pt box, {len(library.families)} families bundled")
    print(f"  cold (first time each name): {cold:10,.0f} fits/s  ({1e3 / cold:.3f} ms/fit)")
    print(f"  warm (same names again):     {warm:10,.0f} fits/s  ({1e3 / warm:.3f} ms/fit)")
    print(f"  draw_text onto a PDF surface:  {draw_rate(batch):8,.0f} draws/s (fit included)")
    for sample in ["Ada Lovelace", "Nguyễn Thị Minh Khai", "محمد J. Smith", "अर्जुन शर्मा", "山田 太郎"]:
        shape_cached.cache_clear()
        rate = run([f"{sample} {i}" for i in range(2000)])
        print(f"  cold {sample!r:26} {rate:10,.0f} fits/s")


if __name__ == "__main__":
    main()
