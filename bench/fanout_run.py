"""`badgeforge run` end to end with a huge event (fan-out) against today's biggest single-function job, same run.

Target (issue 10): 100,000 attendees end done -- one PDF, one email, one use -- within 55 s on a 2-core machine.
Printed: wall seconds of each run, badges per second, and the fan-out run's per-badge cost as a ratio of the
single-function run's (the peer measured in the same run, so machine load shows in both).
Usage: .venv/bin/python bench/fanout_run.py [--badges 100000] [--peer 50000]
"""

from __future__ import annotations

import argparse
import json
import os
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


def run(rows: int, work: Path) -> tuple[float, dict]:
    csv = work / f"attendees-{rows}.csv"
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
    start = time.perf_counter()
    done = subprocess.run(cli, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    out = done.stdout.strip()
    result = json.loads(out) if out.startswith("{") else {"error": f"exit {done.returncode}: {done.stderr[-2000:]}"}
    result["mails"] = len(list((home / "outbox").glob("*.eml")))
    return wall, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--badges", type=int, default=100_000)
    parser.add_argument("--peer", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows = [("single function", args.peer), ("fan-out", args.badges)]
        figures = {}
        for label, count in rows:
            wall, result = run(count, work)
            used = result.get("allowed_usage_before", 0) - result.get("allowed_usage_after", 0)
            figures[label] = (wall, count)
            print(
                f"{label:16} {count:>8,} badges  {wall:7.1f} s  {count / wall:8.0f} badges/s  "
                f"status={result.get('status')} mails={result['mails']} uses={used} error={result.get('error')}"
            )
        (peer_wall, peer_n), (wall, n) = figures["single function"], figures["fan-out"]
        print(f"fan-out per badge / single function per badge: {(wall / n) / (peer_wall / peer_n):.2f}x")
        print(f"target: {args.badges:,} badges within 55 s -> {'met' if wall <= 55 else 'NOT met'} ({wall:.1f} s)")
        print(f"load average during the run: {os.getloadavg()}")


if __name__ == "__main__":
    main()
