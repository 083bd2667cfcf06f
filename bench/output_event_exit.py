"""What an event for one of render_badges' own outputs costs: the trigger filters by bucket only, so every PDF/ZIP
it writes (and every job.json or image) starts an invocation that must exit at once.

Measures in fresh interpreters: importing main.py (a cold start), one output event through the real decorated
function (cold and warm), and, as the peer, the imports an upload event needs before it can render. Prints ms.
Usage: .venv/bin/python bench/output_event_exit.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, time
start = time.perf_counter()
import main
imported = time.perf_counter()
sys.path.insert(0, sys.argv[1])
from tests.fixtures.events import BADGES_OUTPUT, load_event
event = load_event(BADGES_OUTPUT)
t0 = time.perf_counter(); main.render_badges(event); first = time.perf_counter() - t0
t0 = time.perf_counter()
for _ in range(1000):
    main.render_badges(event)
warm = (time.perf_counter() - t0) / 1000
rendered = "badgeforge.services.render_job" in sys.modules or "badge_renderer.render" in sys.modules
t0 = time.perf_counter()
import badgeforge.services.render_job, badge_renderer.render, badge_renderer.compose  # what an upload loads next
render_imports = time.perf_counter() - t0
print("RESULT " + json.dumps({"import_main": imported - start, "first_event": first, "warm_event": warm,
                             "render_imports": render_imports, "rendered": rendered}))
"""


def run_once() -> dict:
    env = dict(os.environ)
    env["FIREBASE_CONFIG"] = json.dumps(
        {
            "projectId": "demo-x",
            "storageBucket": "demo-x.firebasestorage.app",
            "databaseURL": "https://demo-x-default-rtdb.firebaseio.com",
        }
    )
    env["PYTHONPATH"] = f"{ROOT / 'functions'}:{ROOT}"
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT)], capture_output=True, text=True, env=env, check=False
    )
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(proc.stderr[-3000:])
    return json.loads(line.removeprefix("RESULT "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    runs = [run_once() for _ in range(parser.parse_args().repeat)]
    for key in ("import_main", "first_event", "warm_event", "render_imports"):
        print(f"{key:>15}: median {statistics.median(r[key] for r in runs) * 1000:8.3f} ms over {len(runs)} runs")
    median = {k: statistics.median(r[k] for r in runs) for k in ("import_main", "first_event", "render_imports")}
    print(f"an output event loads the renderer: {any(r['rendered'] for r in runs)} (it must not)")
    print(
        f"cold output event (import + exit) vs the imports an upload needs on top: "
        f"x{(median['import_main'] + median['first_event']) / median['render_imports']:.2f}"
    )


if __name__ == "__main__":
    main()
