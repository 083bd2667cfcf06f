"""Peak memory of one whole render job (the render_badges path: CSV read, parse, render, store), by row count.

Why: render_badges runs one job per instance, so its memory option must hold the largest job the row limit allows
(BADGEFORGE_CSV_MAX_ROWS, 50,000) plus the runtime. Each size runs in a fresh interpreter through the real service
(`render_job.handle_upload`, local adapters, a background image and a logo from job.json, QR codes), and reports the
peak RSS of that process, the rise over an idle imported process, the peak of the whole process tree (the job
plus its forked render workers, the sum of their PSS sampled every 20 ms from /proc: forked workers share pages with
the job, which a sum of RSS would count twice), the PDF size and the wall time; the largest is also given as a
ratio to the smallest, measured in the same run.

Usage: .venv/bin/python bench/render_job_memory.py [--rows 2000 50000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from sample_data import background_jpeg, logo_png
from badgeforge import config
from badgeforge.services import render_job
from badgeforge.services.renderer import LibraryRenderer
import badge_renderer.render  # noqa: F401  (imported before the baseline, as on a warm instance)

rows = int(sys.argv[1])
def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

with tempfile.TemporaryDirectory() as home:
    services = config.build_services(config.Settings(home=Path(home), default_allowed_usage=10, link_secret="x"))
    user = services.users.create("bench@example.com")
    lines = ["First Name,Last Name,Company,Ticket Type,Order code"]
    lines += [f"Person{i},Surname{i % 977},Company {i % 313},Attendee,ORD-{i:07d}" for i in range(rows)]
    folder = f"uploads/{user.uid}/bench/"
    services.blobs.write_bytes(folder + "bg.jpg", background_jpeg(), content_type="image/jpeg")
    services.blobs.write_bytes(folder + "logo.png", logo_png(), content_type="image/png")
    options = {"event_name": "BenchConf 2026", "background_image": "bg.jpg", "logo_image": "logo.png",
               "qr_field": "Order code"}
    services.blobs.write_bytes(folder + "job.json", json.dumps(options).encode(), content_type="application/json")
    services.blobs.write_bytes(folder + "attendees.csv", ("\n".join(lines) + "\n").encode(), content_type="text/csv")
    baseline = rss_mb()
    start = time.perf_counter()
    outcome = render_job.handle_upload(services, folder + "attendees.csv", renderer=LibraryRenderer())
    seconds = time.perf_counter() - start
    job = services.db.get(f"jobs/{user.uid}/bench")
    print("RESULT " + json.dumps({"rows": rows, "status": outcome.status, "error": outcome.error,
        "badges": job.get("badges"), "pdf_bytes": job.get("pdf_bytes"), "baseline_mb": baseline,
        "peak_mb": rss_mb(), "seconds": seconds}))
"""


def _tree_rss_mb(pid: int) -> float:
    """Sum of PSS over `pid` and all its descendants (Linux /proc), in MB; 0 for a process that just went."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/smaps_rollup").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += next((int(x.split()[1]) for x in status.splitlines() if x.startswith("Pss:")), 0)
        stack.extend(int(c) for c in children)
    return total / 1024


def measure(rows: int) -> dict:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(rows), str(ROOT / "bench")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            peak[0] = max(peak[0], _tree_rss_mb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    done.set()
    sampler.join()
    line = next((x for x in stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(stderr[-3000:])
    return {**json.loads(line.removeprefix("RESULT ")), "tree_peak_mb": peak[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[2_000, 50_000])
    args = parser.parse_args()
    results = [measure(rows) for rows in args.rows]
    for r in results:
        print(
            f"{r['rows']:>7,} rows: {r['status']:<6} peak RSS {r['peak_mb']:7.1f} MB "
            f"(idle imported {r['baseline_mb']:.1f} MB, job +{r['peak_mb'] - r['baseline_mb']:.1f} MB), "
            f"tree PSS (job + workers) {r['tree_peak_mb']:7.1f} MB, "
            f"PDF {(r['pdf_bytes'] or 0) / 1e6:6.1f} MB, {r['seconds']:6.1f} s"
        )
    if len(results) > 1:
        small, big = results[0], results[-1]
        print(
            f"{big['rows']:,} vs {small['rows']:,} rows: peak RSS x{big['peak_mb'] / small['peak_mb']:.2f}, "
            f"tree x{big['tree_peak_mb'] / small['tree_peak_mb']:.2f}, "
            f"time x{big['seconds'] / small['seconds']:.1f}"
        )


if __name__ == "__main__":
    main()
