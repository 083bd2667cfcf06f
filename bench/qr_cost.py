"""What vCard QR codes cost a job: the same badges rendered without a code, with a ticket-id code and with a vCard
code, in one process, in the same run. Prints ratios (time with / without) and the extra PDF kilobytes per badge.

Targets (issue 9): vCard job <= 1.5x the time of the job without codes, <= ~1 KB more per badge.
2026-12-02 (later), `--instructions --badges 300`: without codes 386 K a badge; vCard +150 K = 1.39x (was +251 K,
1.63x), text +70 K = 1.18x (was +144 K, 1.36x). Steps: codes nothing covers stored uncompressed after the page's
other operators (-44 K vCard: isal spent ~140 instructions a byte on the bits), the own writer's per-(slot,
element) QR glue made once (-25 K), the codes of ~32 badges encoded together through one set of numpy calls with
their payloads made once (-57 K), and no segno import (~38 ms a process) or probe symbol per plan (~5 ms).
CPU time (`--badges 10000 --rounds 2`, quiet machine): vCard 1.32-1.34x, text 1.20x, +0.75 KB a vCard badge.
Measured 2026-12-02 with the own PDF writer (classic, distinct names, version-11 vCards of 20.7 mm as inline image
masks, 300 badges, `.venv/bin/python bench/qr_cost.py --instructions --badges 300`): without codes 0.483 M per
badge; vCard +0.347 M = 1.72x (the same day before: +0.547 M, 2.13x); text codes +0.163 M = 1.34x (was +0.179 M,
1.37x). Steps: raw inline bits instead of hex -18 K (vCard); the numpy encoder -0.18 M; the white square and image
matrix remembered per square -16 K. `--badges 1000 --rounds 1`: +0.54 KB per badge (text +0.10 KB).
Where a vCard code's instructions go now (callgrind, parts switched off one at a time, and the parts alone):
encoding ~0.14 M (numpy: the pixel take ~44 K, parity gather + reduce ~25 K, unpack/pack ~21 K, the rest call
overhead; data codewords 15 K), the page's deflate of the code's ~560 bytes of bits ~0.11 M (zlib level 1,
memLevel 5: ~200 instructions a byte on random bits, and Huffman-only or a bigger hash is no cheaper), payload
16 K, the composer's glue (request, grid window) ~38 K, the inline image's bytes ~16 K.
numpy's import (284 M instructions, ~0.17 s CPU) comes with the first code of a process: outside
these counts (the warm-up render), ~28 K a badge of a fresh 10,000-badge job.
Tried and dropped (in instructions per badge): each code an image XObject with a stored-flate stream (no page
deflate of its bits): vCard +0.371 M, text +0.282 M (pdf_stream's per-object work costs more than the deflate);
the code's bits as a stored block inside the page's deflate stream (a full flush before each): vCard +0.319 M
but text +0.228 M (each flush ends a Huffman block), and it needs part.py; in the numpy encoder, fancy indexing
(table[pos, bytes]: 56 K against 25 K for two takes), the reduce over the middle axis (36 K against 13 K over the
first), a take with mode="raise" or int32 indices (51-68 K against 44 K with "wrap").
Before the own writer (2026-12-01, cairo, one A1 image per sheet): vCard +0.739 M = 1.81x; then the pure-Python
encoder tried and dropped an unshuffle by byte tables (+32 K), a row gather through array('Q') (+10 K) and a
per-block-shape parity cache (+4 K).
Also prints segno's own cost per code with mask scoring and with the fixed mask, the two ways to encode.
Names: distinct by default (every badge has its own text, as in a real list); --repeating uses a few dozen
combinations, a best case for the text caches that makes the job without codes ~2x cheaper and so the ratio worse.
Every job runs in this one process (workers=1): forked workers' CPU time is not counted by process_time.
--instructions counts instructions instead (valgrind callgrind, render only, one process per kind): on a machine
shared with other work CPU seconds still move by ~10 %, instruction counts repeat to a fraction of a per cent.
Usage: .venv/bin/python bench/qr_cost.py [--badges 10000] [--design classic] [--rounds 2] [--repeating]
       .venv/bin/python bench/qr_cost.py --instructions [--badges 500] [--annotate]
"""

from __future__ import annotations

import argparse
import ctypes
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

# this checkout's renderer, not the one the venv was installed from (an editable install of the main repo)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sample_data import attendees


def _with_emails(people: list) -> list:
    return [
        replace(p, email=f"{p.first_name}.{p.last_name}{p.row}@example.org".lower().replace(" ", "")) for p in people
    ]


def _render(people: list, design: str, qr: str | None, out: Path) -> tuple[float, float, int]:
    """(CPU seconds, wall seconds, PDF bytes). CPU time is the fair figure on a shared machine: it does not count
    the time this process waited for a core."""
    from badge_renderer.render import render_pdf

    options = _options(design, qr)
    cpu, wall = time.process_time(), time.perf_counter()
    result = render_pdf(people, options, out)
    return time.process_time() - cpu, time.perf_counter() - wall, result.pdf_bytes


def _options(design: str, qr: str | None):
    from badge_renderer.render import RenderOptions

    return RenderOptions(
        design=design,
        event_name="BenchConf 2026",
        qr_field="ticket_id" if qr == "text" else None,
        qr_kind="vcard" if qr == "vcard" else "text",
        workers=1,
    )


def _child(kind: str | None, count: int, design: str, helper: str, distinct: bool) -> None:
    """Inside callgrind: warm up on other names, then count only the render of `count` badges."""
    from badge_renderer.render import render_pdf

    marks = ctypes.CDLL(helper)
    people = _with_emails(attendees(count, distinct=distinct))
    warm = _with_emails(attendees(count + 300, distinct=True)[-300:])
    with tempfile.TemporaryDirectory() as tmp:
        render_pdf(warm, _options(design, kind), Path(tmp) / "warm.pdf")
        marks.cg_start()
        render_pdf(people, _options(design, kind), Path(tmp) / "out.pdf")
        marks.cg_stop()


def _instructions(args: argparse.Namespace) -> None:
    """Instructions per badge of each kind, and the ratios to the job without codes."""
    import callgrind

    counts: dict[str | None, int] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        folder = Path(tmp_name)
        helper = callgrind.build_helper(folder)
        for kind in (None, "text", "vcard"):
            child = ["--child", kind or "none", "--badges", str(args.badges), "--design", args.design]
            child += ["--helper", str(helper)] + (["--repeating"] if args.repeating else [])
            annotate = 45 if args.annotate else 0
            counts[kind] = callgrind.count(__file__, child, folder, kind or "no QR", annotate=annotate)
    names = "repeating" if args.repeating else "distinct"
    print(f"instructions per badge, {args.badges:,} badges ({names} names), design {args.design}, one process")
    base = counts[None]
    for kind, total in counts.items():
        extra = (total - base) / args.badges
        print(
            f"  {kind or 'no QR':>6}: {total / args.badges:12,.0f}  {total / base:5.2f}x without  "
            f"{extra:+12,.0f} per badge"
        )


def _segno_per_code(payloads: list[str]) -> tuple[float, float]:
    import segno

    timings = []
    for mask in (None, 0):
        start = time.perf_counter()
        for text in payloads:
            segno.make(text, error="m", micro=False, mask=mask)
        timings.append((time.perf_counter() - start) / len(payloads) * 1000)
    return timings[0], timings[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--badges", type=int, default=10_000)
    parser.add_argument("--design", default="classic")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--repeating", action="store_true", help="names from a few dozen combinations")
    parser.add_argument("--instructions", action="store_true", help="callgrind instruction counts, not CPU time")
    parser.add_argument("--annotate", action="store_true", help="with --instructions: the top functions per kind")
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    parser.add_argument("--helper", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind = None if args.child == "none" else args.child
        _child(kind, args.badges, args.design, args.helper, not args.repeating)
        return
    if args.instructions:
        _instructions(args)
        return

    from badge_renderer.qr import qr_payload

    people = _with_emails(attendees(args.badges, distinct=not args.repeating))
    _render(people[:50], args.design, "vcard", Path(tempfile.gettempdir()) / "qr-warmup.pdf")  # fonts, layers
    kinds = (None, "text", "vcard")
    runs: dict[str | None, list[tuple[float, float, int]]] = {kind: [] for kind in kinds}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):  # interleaved, so a busy spell on the machine hits every kind alike
            for kind in kinds:
                runs[kind].append(_render(people, args.design, kind, Path(tmp) / f"{kind}.pdf"))
    best = {kind: min(results) for kind, results in runs.items()}  # least CPU time of the rounds
    base_cpu, _, base_bytes = best[None]
    names = "repeating" if args.repeating else "distinct"
    print(f"{args.badges} badges ({names} names), design {args.design}, one process, best CPU of {args.rounds} rounds")
    for kind, (cpu, wall, size) in best.items():
        label = kind or "no QR"
        extra_kb = (size - base_bytes) / args.badges / 1024
        print(
            f"  {label:>6}: {cpu:6.2f} s CPU ({wall:6.2f} s wall)  {cpu / base_cpu:5.2f}x the CPU time without  "
            f"PDF {size / 1e6:6.2f} MB  {extra_kb:+.2f} KB per badge"
        )
    sample = [qr_payload(p, "", "vcard") for p in people[:300]]
    scored, fixed = _segno_per_code(sample)
    print(f"  segno per vCard code: {scored:.2f} ms scoring 8 masks, {fixed:.2f} ms with the fixed mask")


if __name__ == "__main__":
    main()
