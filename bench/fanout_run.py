"""`badgeforge run` end to end with a huge event (fan-out) against plain renders measured in the same run.

Target (issue 10): 100,000 attendees end done -- one PDF, one email, one use -- within 55 s on a 2-core machine.
Peers: a plain render of the same rows (what `badgeforge render` does -- read the CSV, render_pdf on every core --
with its row limit raised; no storage, database, queue or mail) and today's biggest single-function job.
Printed per run: wall seconds, CPU seconds (user+sys of the process and its children) and badges per second; then
the fan-out run's wall and CPU as ratios of the plain render's. The machine is shared: the ratios carry the load.
Usage: .venv/bin/python bench/fanout_run.py [--badges 100000] [--peer 50000] [--skip-peer]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = "First Name,Last Name,Ticket Type,Company,Email,Pronouns,Order code\n"


def write_csv(path: Path, rows: int) -> None:
    with path.open("w") as out:
        out.write(HEADER)
        for i in range(rows):
            out.write(f"Person{i},Surname{i % 977},Attendee,Company {i % 311},p{i}@example.org,,C{i:06d}\n")


PLAIN_RENDER = """
import sys
from pathlib import Path
from badge_renderer.attendees import CsvLimits, read_attendees
from badge_renderer.render import RenderOptions, render_pdf
table = read_attendees(Path(sys.argv[1]).read_bytes(), limits=CsvLimits(max_bytes=50_000_000, max_rows=200_000))
result = render_pdf(table.attendees, RenderOptions(), Path(sys.argv[2]))
print(result.badges, result.pages, result.pdf_bytes)
"""


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def plain_render(rows: int, work: Path) -> tuple[float, float, str]:
    csv = work / f"attendees-{rows}.csv"
    if not csv.exists():
        write_csv(csv, rows)
    env = {**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'functions'}"}
    cpu, start = children_cpu(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PLAIN_RENDER, str(csv), str(work / "plain.pdf")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    return wall, children_cpu() - cpu, done.stdout.strip() or done.stderr[-500:]


def run(rows: int, work: Path) -> tuple[float, float, dict]:
    csv = work / f"attendees-{rows}.csv"
    if not csv.exists():
        write_csv(csv, rows)
    home = work / f"home-{rows}"
    env = {**os.environ, "BADGEFORGE_HOME": str(home), "PYTHONPATH": f"{ROOT}:{ROOT / 'functions'}"}
    cli = [
        sys.executable,
        "-c",
        "from badgeforge.cli.main import main; main()",
        "run",
        str(csv),
        "--user",
        "org@example.com",
        "--json",
    ]
    cpu, start = children_cpu(), time.perf_counter()
    done = subprocess.run(cli, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    cpu = children_cpu() - cpu
    out = done.stdout.strip()
    result = json.loads(out) if out.startswith("{") else {"error": f"exit {done.returncode}: {done.stderr[-2000:]}"}
    result["mails"] = len(list((home / "outbox").glob("*.eml")))
    return wall, cpu, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--badges", type=int, default=100_000)
    parser.add_argument("--peer", type=int, default=50_000, help="rows of the single-function job (0: skip it)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        plain_wall, plain_cpu, plain_out = plain_render(args.badges, work)
        n = args.badges
        print(
            f"{'plain render':16} {n:>8,} badges  {plain_wall:7.1f} s  {plain_cpu:7.1f} CPU-s  "
            f"{n / plain_wall:8.0f} badges/s  ({plain_out})"
        )
        runs = [("fan-out", args.badges)] + ([("single function", args.peer)] if args.peer else [])
        figures = {}
        for label, count in runs:
            wall, cpu, result = run(count, work)
            used = result.get("allowed_usage_before", 0) - result.get("allowed_usage_after", 0)
            figures[label] = (wall, cpu)
            print(
                f"{label:16} {count:>8,} badges  {wall:7.1f} s  {cpu:7.1f} CPU-s  {count / wall:8.0f} badges/s  "
                f"status={result.get('status')} mails={result['mails']} uses={used} error={result.get('error')}"
            )
        wall, cpu = figures["fan-out"]
        print(f"fan-out / plain render of the same {n:,}: wall {wall / plain_wall:.2f}x, CPU {cpu / plain_cpu:.2f}x")
        print(f"target: {n:,} badges within 55 s -> {'met' if wall <= 55 else 'NOT met'} ({wall:.1f} s)")
        print(f"load average after the runs: {os.getloadavg()}")


if __name__ == "__main__":
    main()
