"""How fast the form's text dry run (badge_renderer.dry_run) checks every row, against its peer measured in the
same run: drawing each badge's text for real on an empty clip (what the dry run does only for borderline rows).

Usage: .venv/bin/python bench/dry_run_speed.py [rows]    (default 50,000; the peer runs on a tenth of them)
Prints seconds for all rows per design, the rows that needed an exact fit, and the speed ratio to the peer.
"""

from __future__ import annotations

import sys
import time

from badge_renderer.designs import list_designs
from badge_renderer.dry_run import TextDryRun
from badge_renderer.options import RenderOptions
from bench.sample_data import attendees


def main(rows: int) -> None:
    people = attendees(rows, distinct=True)
    sample = people[: max(1, rows // 10)]
    for design in list_designs():
        options = RenderOptions(design=design.name)
        start = time.perf_counter()
        run = TextDryRun(options)
        issues = run.issues(people)
        dry = time.perf_counter() - start
        peer = TextDryRun(options)
        start = time.perf_counter()
        for person in sample:
            peer._exact(person)
        exact = (time.perf_counter() - start) * len(people) / len(sample)
        print(
            f"{design.name:<11} {rows:,} rows in {dry:5.2f} s ({len(issues)} warnings, {run.exact_rows} exact fits); "
            f"drawing every row: ~{exact:5.1f} s, {exact / dry:4.1f}x slower"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
