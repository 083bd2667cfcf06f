"""Instruction counts (valgrind callgrind) of BadgeForge, the reportlab + Form peer and the cairo floor, as ratios.

Wall time on a shared machine moves with the neighbours; the number of instructions a render executes does not, so
this prints ratios that repeat to a fraction of a per cent whatever the load (a cache-miss-heavy change can still
differ in wall time: read both). Only the render itself is counted: each peer runs in its own process under
callgrind with instrumentation off, warms up (imports, fonts, layers, 300 other names), then switches it on for the
render and off after it, through callgrind's client requests (a 3-line C helper compiled here with gcc).

Needs valgrind, its headers (Debian: valgrind) and gcc. Usage:
  .venv/bin/python bench/instructions.py [--badges 2000] [--only badgeforge,reportlab,floor,c-floor] [--annotate]
  .venv/bin/python bench/instructions.py --only badgeforge,duplex     (duplex / single-sided)
  .venv/bin/python bench/instructions.py --only badgeforge,cairo-writer  (the own page writer / cairo writing pages)
"""

from __future__ import annotations

import argparse
import ctypes
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import callgrind

PEERS = ("badgeforge", "reportlab", "floor", "c-floor")
EXTRA = ("duplex", "cairo-writer")  # BadgeForge duplex (backs on the next page): duplex / single-sided;
# cairo-writer: BadgeForge with every page drawn by cairo (BADGEFORGE_PDF_WRITER=cairo), what the own writer replaced


def child(peer: str, count: int, helper: str, distinct: bool) -> None:
    """Inside callgrind: warm up, then count only the render of `count` badges."""
    from peers import prepare_cairo_floor, render_cairo_floor, render_reportlab
    from render_speed import _options
    from sample_data import attendees

    from badge_renderer.render import render_pdf

    marks = ctypes.CDLL(helper)
    options = _options(workers=1)
    people = attendees(count, distinct=distinct)
    warm = attendees(count + 300, distinct=True)[-300:]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if peer == "cairo-writer":
            os.environ["BADGEFORGE_PDF_WRITER"] = "cairo"
        if peer in ("badgeforge", "duplex", "cairo-writer"):
            options = _options(workers=1, sides="duplex") if peer == "duplex" else options
            render_pdf(warm, options, tmp / "warm.pdf")
            run = lambda: render_pdf(people, options, tmp / "out.pdf")  # noqa: E731
        elif peer == "reportlab":
            render_reportlab(warm, options, tmp / "warm.pdf")
            run = lambda: render_reportlab(people, options, tmp / "out.pdf")  # noqa: E731
        else:
            prepared = prepare_cairo_floor(people, options)
            render_cairo_floor(prepare_cairo_floor(warm, options), tmp / "warm.pdf", direct=peer == "c-floor")
            run = lambda: render_cairo_floor(prepared, tmp / "out.pdf", direct=peer == "c-floor")  # noqa: E731
        marks.cg_start()
        run()
        marks.cg_stop()


def count_instructions(peer: str, count: int, helper: Path, folder: Path, distinct: bool, annotate: bool) -> int:
    args = ["--child", peer, "--badges", str(count), "--helper", str(helper)]
    args += [] if distinct else ["--repeating-names"]
    return callgrind.count(__file__, args, folder, peer, annotate=60 if annotate else 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--badges", type=int, default=2000)
    parser.add_argument("--only", default=",".join(PEERS))
    parser.add_argument("--annotate", action="store_true", help="print callgrind_annotate's top functions per peer")
    parser.add_argument("--repeating-names", dest="distinct", action="store_false")
    parser.add_argument("--keep", default="", help="folder to keep callgrind's output files in (callgrind_annotate)")
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    parser.add_argument("--helper", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.badges, args.helper, args.distinct)
        return
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        folder = Path(args.keep or tmp_name)
        folder.mkdir(parents=True, exist_ok=True)
        helper = callgrind.build_helper(folder)
        for peer in args.only.split(","):
            counts[peer] = count_instructions(peer, args.badges, helper, folder, args.distinct, args.annotate)
    names = "distinct" if args.distinct else "repeating"
    print(f"instructions per badge, {args.badges:,} badges ({names} names), classic A4 with background + logo:")
    for peer, total in counts.items():
        print(f"  {peer:11} {total / args.badges:12,.0f}")
    bf = counts.get("badgeforge")
    if bf and "cairo-writer" in counts:
        print(f"  BadgeForge / BadgeForge with cairo writing the pages = {bf / counts['cairo-writer']:.2f}x")
    if bf and "duplex" in counts:
        print(f"  BadgeForge duplex / single-sided = {counts['duplex'] / bf:.2f}x (target <= 1.3)")
    if bf:
        for peer, target in (("reportlab", "0.8"), ("floor", "1.5"), ("c-floor", "")):
            if peer in counts:
                goal = f" (target <= {target})" if target else ""
                print(f"  BadgeForge / {peer} = {bf / counts[peer]:.2f}x{goal}")


if __name__ == "__main__":
    main()
