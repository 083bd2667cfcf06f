"""Render speed and memory: 10,000 badges (background image, logo, 3 text lines, A4) on all cores, then the naive
Badgeyay method (SVG page template, images re-embedded per badge, cairosvg per page, pypdf merge) on 1,000 rows.

Prints figures only. Targets: <= 15 s wall on 2 cores, <= 300 MB peak RSS, PDF <= 5 MB, ratio >= 30x.
Also prints the same job through the 2-process pool, which is why the default is one process.
Usage: .venv/bin/python bench/render_speed.py [--badges 10000] [--naive 1000] [--workers N]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from naive_badgeyay import render_naive
from sample_data import attendees, background_jpeg, logo_png


def peak_rss_mb() -> float:
    """Peak resident memory of this process and of its (waited-for) children, in MB (Linux: ru_maxrss is KB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def import_seconds() -> float:
    """Wall time of `python -c "import badge_renderer"` in a fresh interpreter (target < 1 s), best of three."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import badge_renderer"], check=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--badges", type=int, default=10_000)
    parser.add_argument("--naive", type=int, default=1_000, help="rows for the naive method (0 skips it)")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--design", default="classic")
    parser.add_argument("--no-pool-compare", dest="pool_compare", action="store_false")
    args = parser.parse_args()

    print(f"start-up: python -c 'import badge_renderer' {import_seconds():.3f} s (target < 1 s)")
    from badge_renderer.render import RenderOptions, render_pdf

    people = attendees(args.badges)
    background, logo = background_jpeg(), logo_png()
    options = RenderOptions(
        design=args.design,
        paper="A4",
        event_name="BenchConf 2026",
        background_image=background,
        logo_image=logo,
        workers=args.workers,
    )
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "fast.pdf"
        start = time.perf_counter()
        result = render_pdf(people, options, out)
        wall = time.perf_counter() - start
        fast_rate = result.badges / wall
        print(
            f"fast   : {result.badges} badges, {result.pages} pages, {wall:.2f} s wall, {fast_rate:,.0f} badges/s, "
            f"PDF {result.pdf_bytes / 1e6:.2f} MB, workers {args.workers or 1} (cores: {os.cpu_count()})"
        )
        print(f"peak RSS (self or children): {peak_rss_mb():.0f} MB")
        if args.pool_compare and (args.workers or 1) == 1:
            start = time.perf_counter()
            pooled = render_pdf(people, options.with_changes(workers=2), Path(tmp) / "pool.pdf")
            pool_wall = time.perf_counter() - start
            print(
                f"same with a 2-process pool + pypdf merge: {pool_wall:.2f} s ({pooled.badges / pool_wall:,.0f} "
                "badges/s) - the default stays one process while the pool is not faster"
            )
        if args.naive:
            naive_people = people[: args.naive]
            start = time.perf_counter()
            naive_out = Path(tmp) / "naive.pdf"
            render_naive(naive_people, background, logo, naive_out)
            naive_wall = time.perf_counter() - start
            naive_rate = len(naive_people) / naive_wall
            print(
                f"naive  : {len(naive_people)} badges, {naive_wall:.2f} s, {naive_rate:,.1f} badges/s, "
                f"PDF {naive_out.stat().st_size / 1e6:.1f} MB"
            )
            # Same-run comparison on the same rows: the fast method on the naive method's input.
            start = time.perf_counter()
            same = render_pdf(naive_people, options, Path(tmp) / "fast-1000.pdf")
            same_rate = same.badges / (time.perf_counter() - start)
            print(f"fast on the same {len(naive_people)} rows: {same_rate:,.0f} badges/s")
            print(
                f"speed ratio fast/naive: {same_rate / naive_rate:,.0f}x (at {args.badges}: "
                f"{fast_rate / naive_rate:,.0f}x)"
            )
        print(f"peak RSS after all: {peak_rss_mb():.0f} MB")
    targets = f"targets: wall <= 15 s ({'ok' if wall <= 15 else 'MISSED'}), PDF <= 5 MB "
    targets += f"({'ok' if result.pdf_bytes <= 5e6 else 'MISSED'})"
    print(targets)


if __name__ == "__main__":
    main()
