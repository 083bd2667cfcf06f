"""Where a both-cores render's time goes: per process wall timeline and CPU seconds, from one fresh process.

Why: on the shared machine wall time says little; what decides the wall on a free pair of cores is the critical
path: what the parent does before the fork (imports, composer, static layers), how long each process draws, and
what the parent still does after the last worker is done (copying parts, closing the file). This wraps the
renderer's steps (nothing in badge_renderer changes) and prints, per process, the wall offset since render_pdf
started and the process's own CPU seconds at each step.

--instructions runs the same render under valgrind's callgrind (it follows the fork: one output per process) and
prints, per process, the instructions executed since its previous step instead: CPU seconds on the shared machine
move by 10-30 %, these repeat. Counting is on from render_pdf's call; each step dumps and zeroes the counters
(a client request from a small C helper, see callgrind.py). Slow (~50x): use ~2,000 badges.

Usage: .venv/bin/python bench/render_timeline.py [--badges 10000] [--workers N] [--parent-share 0.96]
       [--parent-head 1250] [--profile FILE]
       .venv/bin/python bench/render_timeline.py --instructions [--badges 2000]
Run it with PYTHONPATH set to the checkout to measure (else the venv's editable install decides which one runs).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

_LOG: list[str] = []  # this process's events, as JSON lines
_T0 = [0.0]
_LOG_PATH: list[Path] = []
_MARKS: list[Any] = []  # under callgrind: the helper library whose cg_mark dumps and zeroes the counters
MARK_HELPER = r"""
#include <valgrind/callgrind.h>
void cg_start(void) { CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; }
void cg_mark(const char *event) { CALLGRIND_DUMP_STATS_AT(event); }
"""


def mark(event: str) -> None:
    """One event of this process: wall seconds since render_pdf started (shared clock) and own CPU seconds."""
    if _MARKS:
        _MARKS[0].cg_mark(f"{os.getpid()} {event}".encode())
    entry = {"pid": os.getpid(), "event": event, "wall": time.time() - _T0[0], "cpu": time.process_time()}
    with open(_LOG_PATH[0], "a") as fh:  # appends of one short line: whole lines from every process
        fh.write(json.dumps(entry) + "\n")


def instrument() -> None:
    """Wrap the steps of a render; forked workers inherit the wrappers and write to the same log."""
    from badge_renderer import output, parallel, pdf_stream

    original_part = output.write_pdf_part

    def write_pdf_part(attendees, options, out, progress=None, **kw):
        mark(f"draw start ({len(attendees)} badges)")
        first = [True]

        def advance(n):
            if first[0]:
                first[0] = False
                mark("first sheet drawn")
            if progress:
                progress(n)

        result = original_part(attendees, options, out, advance, **kw)
        mark(f"part finished ({out.stat().st_size / 1e6:.1f} MB)")
        return result

    output.write_pdf_part = write_pdf_part

    original_warm = parallel._warm_composer

    def warm(*args):
        mark("composer: start")
        composer = original_warm(*args)
        mark("composer: static layers ready")
        return composer

    parallel._warm_composer = warm
    original_fork = parallel._fork

    def fork(*args):
        mark("fork")
        return original_fork(*args)

    parallel._fork = fork
    finished = pdf_stream.FinishedFile
    original_add, original_close = finished.add, finished.close

    def add(self, part, *args):
        mark(f"copy start {part.name}")
        original_add(self, part, *args)
        mark(f"copy end {part.name}")

    def close(self):
        mark("close start")
        original_close(self)
        mark("file closed")

    finished.add, finished.close = add, close
    from badge_renderer import design_checks

    original_warnings = design_checks.design_warnings

    def design_warnings(*args, **kw):
        mark("design warnings: start")
        issues = original_warnings(*args, **kw)
        mark("design warnings: done")
        return issues

    design_checks.design_warnings = design_warnings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--badges", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--repeating-names", dest="distinct", action="store_false")
    parser.add_argument("--profile", default="", help="write a cProfile of the parent to this file")
    parser.add_argument("--parent-share", type=float, default=None, help="try another parallel.*PARENT_SHARE")
    parser.add_argument("--parent-head", type=float, default=None, help="try another parallel.PARENT_HEAD")
    parser.add_argument("--instructions", action="store_true", help="callgrind instructions per step, not seconds")
    parser.add_argument("--helper", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.instructions:
        instructions(args)
        return
    if args.helper:
        _MARKS.append(ctypes.CDLL(args.helper))
    if args.parent_share is not None:
        from badge_renderer import parallel

        parallel.PARENT_SHARE = parallel.DIRECT_PARENT_SHARE = args.parent_share
    if args.parent_head is not None:
        from badge_renderer import parallel

        parallel.PARENT_HEAD = args.parent_head
    from render_speed import _options
    from sample_data import attendees

    cpu_at_start = time.process_time()
    from badge_renderer.render import render_pdf

    people = attendees(args.badges, distinct=args.distinct)
    options = _options(workers=args.workers)
    with tempfile.TemporaryDirectory() as tmp:
        _LOG_PATH.append(Path(tmp) / "timeline.jsonl")
        instrument()
        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
        _T0[0] = time.time()
        if _MARKS:
            _MARKS[0].cg_start()
        mark("render_pdf called")
        if profiler:
            profiler.enable()
        result = render_pdf(people, options, Path(tmp) / "out.pdf")
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        mark("render_pdf returned")
        size = result.pdf_path.stat().st_size
        events = [json.loads(line) for line in _LOG_PATH[0].read_text().splitlines()]
    parent = os.getpid()
    print(f"{args.badges:,} badges, {result.pages:,} pages, {size / 1e6:.2f} MB; before render_pdf: imports etc. "
          f"{cpu_at_start:.2f} CPU-s")  # fmt: skip
    print(f"{'wall s':>7} {'CPU s':>6}  process  event")
    for entry in sorted(events, key=lambda e: e["wall"]):
        who = "parent" if entry["pid"] == parent else f"w{entry['pid']}"
        print(f"{entry['wall']:7.3f} {entry['cpu']:6.2f}  {who:<8} {entry['event']}")
    summary(events, parent)


def summary(events: list[dict], parent: int) -> None:
    """The critical path in one line: setup before the fork, drawing per process (CPU ms per badge, so a busy
    neighbour shows as wall > CPU), and what the parent did after the last worker finished."""
    mine = [e for e in events if e["pid"] == parent]
    first = {e["event"]: e for e in reversed(mine)}
    start = first["render_pdf called"]
    fork = next((e for e in mine if e["event"] == "fork"), None)
    draws = [e for e in events if e["event"].startswith("draw start")]
    ends = [e for e in events if e["event"].startswith("part finished")]
    parts = []
    for begin in draws:
        end = next(e for e in ends if e["pid"] == begin["pid"] and e["wall"] >= begin["wall"])
        badges = int(begin["event"].split("(")[1].split()[0])
        who = "parent" if begin["pid"] == parent else "worker"
        cpu = end["cpu"] - begin["cpu"]
        parts.append(f"{who} {badges} badges {cpu:.2f} CPU-s ({1000 * cpu / badges:.3f} ms each)")
    last_draw = max(e["wall"] for e in ends)
    done = first["render_pdf returned"]
    after = [e for e in mine if e["wall"] >= last_draw]
    setup = (fork or draws[0])["cpu"] - start["cpu"]
    print(f"setup before drawing {setup:.2f} CPU-s; " + "; ".join(parts))
    print(
        f"after the last part was drawn: {done['wall'] - last_draw:.3f} s wall, "
        f"{done['cpu'] - after[0]['cpu'] if after else 0:.3f} CPU-s (copies, close, finishing); "
        f"total {done['wall']:.2f} s wall, parent {done['cpu'] - start['cpu']:.2f} CPU-s"
    )


def instructions(args: argparse.Namespace) -> None:
    """This script's render under callgrind; per process, the instructions from each step to the next."""
    with tempfile.TemporaryDirectory() as tmp_name:
        folder = Path(tmp_name)
        (folder / "cg.c").write_text(MARK_HELPER)
        helper = folder / "cg.so"
        subprocess.run(["gcc", "-O1", "-shared", "-fPIC", "-o", str(helper), str(folder / "cg.c")], check=True)
        command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={folder}/tl.%p"]
        command += [sys.executable, __file__, "--badges", str(args.badges), "--helper", str(helper)]
        command += [] if args.distinct else ["--repeating-names"]
        command += ["--workers", str(args.workers)] if args.workers else []
        command += ["--parent-share", str(args.parent_share)] if args.parent_share is not None else []
        command += ["--parent-head", str(args.parent_head)] if args.parent_head is not None else []
        run = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
        if run.returncode:
            raise SystemExit(run.stderr[-2000:])
        steps: dict[int, list[tuple[int, str, int]]] = {}
        for dump in folder.glob("tl.*.*"):
            text = dump.read_text(errors="replace")
            trigger = re.search(r"^desc: Trigger: Client Request: (\d+) (.*)$", text, re.MULTILINE)
            total = re.search(r"^(?:summary|totals):\s+(\d+)", text, re.MULTILINE)
            if trigger and total:
                pid = int(trigger[1])
                steps.setdefault(pid, []).append((int(dump.suffix[1:]), trigger[2], int(total[1])))
    print(run.stdout.splitlines()[0] if run.stdout else "")
    print(f"instructions (M) since the process's previous step, {args.badges:,} badges:")
    parent = next(pid for pid, found in steps.items() if any(e == "render_pdf called" for _, e, _ in found))
    for pid in sorted(steps, key=lambda p: p != parent):
        who = "parent" if pid == parent else "worker"
        for _, event, count in sorted(steps[pid]):
            print(f"  {who:7} {count / 1e6:9.1f}  -> {event}")


if __name__ == "__main__":
    main()
