"""Render speed, printed as ratios against peers measured in the same run (interleaved, medians of --repeat runs).

Sections (classic design, A4, background image + logo, distinct names unless --repeating-names; with distinct
names every repeat of a timed run gets names no earlier run in the process has drawn):
  one core   BadgeForge (workers=1) vs reportlab + Form XObject and vs the cairo floor (bench/peers.py)
             targets: <= 0.8x reportlab, <= 1.5x the floor
  both cores the default (the server picks the workers from its CPUs) at --badges and --big badges: wall, speed-up
             over one core, peak RSS of a fresh process (targets: 10,000 <= 1.0 s, 50,000 <= 4 s, <= 200 MB), and
             CPU seconds per process (the critical path on a loaded machine), and one timeline run's summary
             (setup before the fork, CPU ms per badge per process, what follows the last part drawn); sources
             precompiled unless --no-precompile
  duplex     duplex / single-sided (target <= 1.3x)
  PNG zip    per badge, the old loop (cairo write_to_png, one process) vs render_png_zip (target >= 4x)
  preview    a warm render_preview_png in ms (target <= 10 ms)
  Badgeyay   its own method (page SVG + str.replace + cairosvg per page + merge; text only, and with the background
             referenced as one file) and the worst case this bench used to print (images inlined per badge)
Usage: .venv/bin/python bench/render_speed.py [--badges 10000] [--big 50000] [--repeat 3] [--badgeyay 300]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sample_data import attendees, background_jpeg, logo_png


def _options(**changes):
    from badge_renderer.options import RenderOptions

    base = RenderOptions(
        design="classic",
        paper="A4",
        event_name="BenchConf 2026",
        background_image=background_jpeg(),
        logo_image=logo_png(),
    )
    return base.with_changes(**changes) if changes else base


def interleaved(runs: dict[str, Callable[[int], None]], repeat: int) -> dict[str, float]:
    """Median wall seconds of each callable, run in turn `repeat` times (a busy neighbour slows them alike); each
    gets the repeat's index, so it can draw that repeat's own attendees (see fresh_batches)."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for index in range(repeat):
        for name, run in runs.items():
            start = time.perf_counter()
            run(index)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def fresh_batches(people: list, repeat: int, distinct: bool) -> list[list]:
    """One list of attendees per repeat. With distinct names, every repeat gets names no earlier run has seen:
    rendering the same 10,000 again in one process would find the composer's and the shaper's caches warm from the
    run before (a fair job meets each name once). Repeating names stay the same list: repeats are their point."""
    if not distinct:
        return [people] * repeat
    pool = attendees(len(people) * repeat, distinct=True)
    return [people] + [pool[i * len(people) : (i + 1) * len(people)] for i in range(1, repeat)]


def one_core(people, tmp: Path, repeat: int, distinct: bool = True) -> float:
    from peers import prepare_cairo_floor, render_cairo_floor, render_reportlab

    from badge_renderer.render import render_pdf

    options = _options(workers=1)
    batches = fresh_batches(people, repeat, distinct)
    floors = [prepare_cairo_floor(batch, options) for batch in batches]  # shaped before the clock, as it is a floor
    warm = attendees(len(people) * repeat + 300, distinct=True)[-300:]  # fonts, caches, imports; names not reused
    render_pdf(warm, options, tmp / "warm.pdf")
    render_reportlab(warm, options, tmp / "warm-rl.pdf")
    medians = interleaved(
        {
            "badgeforge": lambda i: render_pdf(batches[i], options, tmp / "bf.pdf"),
            "reportlab": lambda i: render_reportlab(batches[i], options, tmp / "rl.pdf"),
            "floor": lambda i: render_cairo_floor(floors[i], tmp / "floor.pdf"),
            "c floor": lambda i: render_cairo_floor(floors[i], tmp / "c-floor.pdf", direct=True),
        },
        repeat,
    )
    bf, rl, fl, cf = medians["badgeforge"], medians["reportlab"], medians["floor"], medians["c floor"]
    names = "new names every repeat" if distinct else "repeating names"
    print(f"one core, {len(people):,} badges (medians of {repeat}, interleaved, {names}):")
    print(
        f"  BadgeForge {bf:.2f} s ({(tmp / 'bf.pdf').stat().st_size / 1e6:.1f} MB)  reportlab+Form {rl:.2f} s  "
        f"cairo floor {fl:.2f} s  C-array floor {cf:.2f} s"
    )
    print(
        f"  BadgeForge / reportlab = {bf / rl:.2f}x (target <= 0.8)   BadgeForge / floor = {bf / fl:.2f}x "
        f"(target <= 1.5)   BadgeForge / C-array floor = {bf / cf:.2f}x"
    )
    return bf


def _peak_kb_since_exec() -> int:
    """This process's peak RSS (VmHWM). Not getrusage's ru_maxrss: Linux carries that across execve, so a child
    started by this bench reported the bench's own peak (360 MB after the one-core section) as its own."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child_render(count: int, distinct: bool, workers: int | None, sides: str) -> None:
    """Run in a fresh process: one render, then its wall time and peak RSS (self or any worker) as JSON."""
    from badge_renderer.render import render_pdf

    people = attendees(count, distinct=distinct)
    options = _options(workers=workers, sides=sides)

    def cpu(who: int) -> float:
        usage = resource.getrusage(who)
        return usage.ru_utime + usage.ru_stime

    with tempfile.TemporaryDirectory() as tmp:
        own_cpu, kids_cpu = cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        result = render_pdf(people, options, Path(tmp) / "out.pdf")
        wall = time.perf_counter() - start
        own_cpu, kids_cpu = cpu(resource.RUSAGE_SELF) - own_cpu, cpu(resource.RUSAGE_CHILDREN) - kids_cpu
    own = _peak_kb_since_exec()
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    figures = {"wall": wall, "cpu": own_cpu, "worker_cpu": kids_cpu, "rss_mb": max(own, kids) / 1024}
    print(json.dumps({**figures, "pages": result.pages, "mb": result.pdf_bytes / 1e6}))


ROOT = Path(__file__).resolve().parents[1]
_CHILD_ENV: dict[str, str] = {}


def precompile() -> None:
    """Byte-compile BadgeForge's sources (__pycache__, git-ignored; checked-hash, so an edited file is never run
    stale) so fresh processes load .pyc files as an installed package or a precompiled deploy does, instead of
    compiling ~60 modules from source each time (~0.13 CPU-s where PYTHONDONTWRITEBYTECODE is set, as here).
    Not PYTHONPYCACHEPREFIX: with it Python looks for every module's .pyc there, site-packages' too."""
    folders = [str(ROOT / "badge_renderer"), str(ROOT / "functions" / "badgeforge")]
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "--invalidation-mode", "checked-hash", *folders],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    _CHILD_ENV["precompiled"] = "1"


def fresh(count: int, distinct: bool, workers: int | None = None, sides: str = "single") -> dict:
    args = [sys.executable, __file__, "--child", str(count), "--sides", sides]
    args += ["--child-workers", str(workers)] if workers else []
    args += [] if distinct else ["--repeating-names"]
    run = subprocess.run(args, check=True, capture_output=True, text=True)
    return json.loads(run.stdout.strip().splitlines()[-1])


def both_cores(sizes: list[int], distinct: bool, repeat: int, timeline: bool = True) -> None:
    from badge_renderer.output import choose_workers

    compiled = "sources precompiled (.pyc)" if _CHILD_ENV else "sources compiled in each process (--no-precompile)"
    print(f"both cores, fresh processes, {compiled}:")
    for count in sizes:
        times: dict[str, list[dict]] = {"default": [], "one": []}
        for _ in range(repeat):
            times["default"].append(fresh(count, distinct))
            times["one"].append(fresh(count, distinct, workers=1))
        default = statistics.median(r["wall"] for r in times["default"])
        one = statistics.median(r["wall"] for r in times["one"])
        rss = max(r["rss_mb"] for r in times["default"])
        # On a shared machine wall time depends on the neighbours; CPU seconds show the split: this process's
        # (its own range + the merge) is the critical path when the worker has a core of its own.
        parent = statistics.median(r["cpu"] for r in times["default"])
        worker = statistics.median(r["worker_cpu"] for r in times["default"])
        one_cpu = statistics.median(r["cpu"] for r in times["one"])
        print(
            f"default ({choose_workers(count, None)} workers on {os.cpu_count()} CPUs), {count:,} badges: "
            f"{default:.2f} s wall, one core {one:.2f} s -> {one / default:.2f}x; peak RSS {rss:.0f} MB, "
            f"PDF {times['default'][0]['mb']:.1f} MB"
        )
        print(
            f"  CPU s: one core {one_cpu:.2f}; default: this process {parent:.2f} (its range + merge), worker(s) "
            f"{worker:.2f} -> {one_cpu / max(parent, worker, 1e-9):.2f}x with a free core per worker"
        )
        if timeline:
            print("  critical path (bench/render_timeline.py, one more fresh process):")
            for line in _timeline_summary(count, distinct):
                print(f"    {line}")


def _timeline_summary(count: int, distinct: bool) -> list[str]:
    """The last two lines of bench/render_timeline.py: setup, CPU per badge per process, what follows the last part."""
    args = [sys.executable, str(ROOT / "bench" / "render_timeline.py"), "--badges", str(count)]
    args += [] if distinct else ["--repeating-names"]
    run = subprocess.run(args, check=True, capture_output=True, text=True)
    return run.stdout.strip().splitlines()[-2:]


def duplex(people, tmp: Path, repeat: int, distinct: bool = True) -> None:
    """Wall and CPU seconds (this process: one core, so CPU is what a busy neighbour does not inflate much)."""
    from badge_renderer.render import render_pdf

    single, both = _options(workers=1), _options(workers=1, sides="duplex")
    # separate fresh names for each side's runs: the duplex run must not find the single run's names warm
    batches = fresh_batches(people, 2 * repeat, distinct)
    warm = attendees(len(people) * 2 * repeat + 300, distinct=True)[-300:]
    render_pdf(warm, both, tmp / "warm.pdf")  # imports, fonts, layers: not the first timed run's
    cpu: dict[str, list[float]] = {"single": [], "duplex": []}

    def timed(name: str, run: Callable[[], Any]) -> None:
        start = time.process_time()
        run()
        cpu[name].append(time.process_time() - start)

    medians = interleaved(
        {
            "single": lambda i: timed("single", lambda: render_pdf(batches[2 * i], single, tmp / "single.pdf")),
            "duplex": lambda i: timed("duplex", lambda: render_pdf(batches[2 * i + 1], both, tmp / "duplex.pdf")),
        },
        repeat,
    )
    one, two = statistics.median(cpu["single"]), statistics.median(cpu["duplex"])
    print(
        f"duplex / single-sided, {len(people):,} badges, one core: {medians['duplex'] / medians['single']:.2f}x "
        f"wall ({medians['single']:.2f} s / {medians['duplex']:.2f} s), {two / one:.2f}x CPU ({one:.2f} s / "
        f"{two:.2f} s) (target <= 1.3)"
    )


def old_png_zip(people, options, out: Path) -> None:
    """The loop render_png_zip used to run: one process, cairo's own PNG writer per badge."""
    import io

    import cairocffi as cairo

    from badge_renderer.output import make_composer

    composer = make_composer(options)
    scale = 300 / 72
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for index, person in enumerate(people, start=1):
            surface = cairo.ImageSurface(
                cairo.FORMAT_RGB24, round(composer.width * scale), round(composer.height * scale)
            )
            ctx = cairo.Context(surface)
            ctx.set_source_rgb(1, 1, 1)
            ctx.paint()
            ctx.scale(scale, scale)
            composer.draw(ctx, person, 0, 0)
            buffer = io.BytesIO()
            surface.write_to_png(buffer)
            archive.writestr(f"{index:05d}.png", buffer.getvalue())


def png_zip(people, tmp: Path, repeat: int) -> None:
    from badge_renderer.render import render_png_zip

    options = _options()
    medians = interleaved(
        {
            "old": lambda _: old_png_zip(people, options, tmp / "old.zip"),
            "new": lambda _: render_png_zip(people, options, tmp / "new.zip"),
        },
        repeat,
    )
    per = {k: v / len(people) * 1000 for k, v in medians.items()}
    print(
        f"PNG zip (300 dpi), {len(people)} badges: before {per['old']:.1f} ms/badge, now {per['new']:.1f} ms/badge "
        f"-> {per['old'] / per['new']:.1f}x (target >= 4)"
    )


def preview() -> None:
    from badge_renderer.previews import SAMPLE
    from badge_renderer.render import render_preview_png

    options = _options(qr_field="ticket_id")
    start = time.perf_counter()
    render_preview_png(SAMPLE, options)
    cold = time.perf_counter() - start
    warm = []
    for _ in range(20):
        start = time.perf_counter()
        render_preview_png(SAMPLE, options)
        warm.append(time.perf_counter() - start)
    print(
        f"preview (150 dpi PNG): cold {cold * 1000:.0f} ms, warm median {statistics.median(warm) * 1000:.1f} ms "
        "(target <= 10 ms)"
    )


def badgeyay(count: int, tmp: Path, bf_one_core: float, bf_count: int) -> None:
    from naive_badgeyay import render_badgeyay, render_naive

    people = attendees(count, distinct=True)
    bf_per = bf_one_core / bf_count
    for label, run in (
        ("Badgeyay's method, text only", lambda: render_badgeyay(people, None, tmp / "by.pdf", tmp)),
        (
            "Badgeyay's method, background by file",
            lambda: render_badgeyay(people, background_jpeg(), tmp / "bg.pdf", tmp),
        ),
        (
            "worst case: images inlined as base64 per badge",
            lambda: render_naive(people, background_jpeg(), logo_png(), tmp / "inline.pdf"),
        ),
    ):
        start = time.perf_counter()
        run()
        per = (time.perf_counter() - start) / count
        print(
            f"{label}: {per * 1000:.1f} ms/badge ({per * 10_000:.0f} s per 10,000) -> BadgeForge one core is "
            f"{per / bf_per:,.0f}x faster"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--badges", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=50_000, help="second size for the both-cores section (0 skips)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--png", type=int, default=60, help="badges for the PNG zip section (0 skips)")
    parser.add_argument("--badgeyay", type=int, default=120, help="rows for the Badgeyay section (0 skips)")
    parser.add_argument("--repeating-names", dest="distinct", action="store_false")
    parser.add_argument("--only", default="", help="comma list of: one,both,duplex,png,preview,badgeyay")
    parser.add_argument(
        "--no-precompile", dest="precompile", action="store_false", help="fresh processes compile the sources"
    )
    parser.add_argument(
        "--no-timeline", dest="timeline", action="store_false", help="both cores: skip the critical-path lines"
    )
    parser.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--child-workers", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--sides", default="single", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_render(args.child, args.distinct, args.child_workers, args.sides)
        return
    only = set(filter(None, args.only.split(","))) or {"one", "both", "duplex", "png", "preview", "badgeyay"}
    people = attendees(args.badges, distinct=args.distinct)
    bf = None
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if "one" in only or "badgeyay" in only:
            bf = one_core(people, tmp, args.repeat, args.distinct)
        if "both" in only:
            if args.precompile:
                precompile()
            both_cores([n for n in (args.badges, args.big) if n], args.distinct, args.repeat, args.timeline)
        if "duplex" in only:
            duplex(people, tmp, args.repeat, args.distinct)
        if "png" in only and args.png:
            png_zip(people[: args.png], tmp, args.repeat)
        if "preview" in only:
            preview()
        if "badgeyay" in only and args.badgeyay and bf:
            badgeyay(args.badgeyay, tmp, bf, args.badges)


if __name__ == "__main__":
    main()
