"""Cost follows the work: `badgeforge sweep`, the admin console's first page, an organizer's /api/jobs first page and
the CLI's `jobs EMAIL` / `users list` first page with 10,000 users × 10 past jobs against 100 users, in database reads,
bytes and wall time, beside the full scans they replaced (peer: what the old code downloaded, `get("jobs")`,
`get("badgeMails")`, `get("users")`, measured in the same run).

Prints ratios only (target: big/small <= 2 for the sweep and the first page). Run from the repo root:
    PYTHONPATH=$PWD:$PWD/functions .venv/bin/python bench/queries_scale.py [--users 10000]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from badgeforge.cli.jobs_cmd import job_rows
from badgeforge.services import job_pages, user_pages
from badgeforge.services.sweep import run_sweep
from tests.scale.test_cost_follows_work import _world


def measure(base: Path, users: int) -> dict[str, tuple[int, int, float]]:
    _, counted, counting = _world(base, users)
    found = {}

    def timed(name, step):
        before = dataclasses.replace(counting.reads)
        start = time.perf_counter()
        step()
        found[name] = (
            counting.reads.calls - before.calls,
            counting.reads.bytes - before.bytes,
            time.perf_counter() - start,
        )

    timed("sweep", lambda: run_sweep(counted))
    timed(
        "first page", lambda: [user_pages.last_job(counted, uid) for uid, _ in user_pages.page_of_users(counted).users]
    )
    timed("/api/jobs first page", lambda: job_pages.page_of_jobs(counted, "u000050"))
    timed("cli jobs EMAIL", lambda: job_rows(counted, "u000050"))
    timed("cli users list first page", lambda: user_pages.page_of_users(counted, limit=200))
    timed("old sweep (full scan)", lambda: [counted.db.get(p) for p in ("badgeMails", "jobs", "users")])
    timed(
        "old first page (full scan)",
        lambda: [counted.db.get(f"jobs/{uid}") for uid in list(counted.db.get("users"))[:200]],
    )
    timed("old cli jobs EMAIL (full scan)", lambda: [counted.db.get(p) for p in ("users", "badgeMails", "jobs")])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small = measure(Path(tmp) / "small", 100)
        big = measure(Path(tmp) / "big", args.users)
    print(f"{'step':28} {'reads':>12} {'bytes':>22} {'time':>18}   ({args.users} users vs 100, 10 jobs each)")
    for name in small:
        (c1, b1, t1), (c2, b2, t2) = small[name], big[name]
        print(
            f"{name:28} {c2:5d}/{c1:<5d}={c2 / c1:4.1f}x {b2:9d}/{b1:<8d}={b2 / b1:6.1f}x "
            f"{t2 * 1000:7.1f}/{t1 * 1000:.1f} ms={t2 / t1:6.1f}x"
        )


if __name__ == "__main__":
    main()
