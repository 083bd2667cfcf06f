"""The desk's first search in a fresh process (a cold instance, a restarted `badgeforge serve`) at 50,000 rows.

Each case starts its own `badgeforge serve` on the same home and times its first GET /api/desk/{job}/search and
then its first /roster (what the desk page loads):
  before  (--before /work/main): the code without the stored index, reading and indexing the CSV
  build   this code with no stored index yet: the same CSV read, plus writing the index
  stored  this code in the next fresh process: the stored index, no CSV
Printed as ratios against the CSV read measured in the same run.

    PYTHONPATH=.:functions .venv/bin/python bench/desk_cold_search.py [--attendees 50000] [--before /work/main]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sample_data import attendees

from badgeforge.config import Settings, build_services
from badgeforge.services import desk_roster_store

ROOT = Path(__file__).resolve().parents[1]
BADGEFORGE = Path(sys.executable).parent / "badgeforge"
EMAIL, PASSWORD = "desk@example.com", "bench password 1"


def _home(home: Path, count: int) -> str:
    services = build_services(Settings(mode="local", home=home))
    services.users.create(EMAIL, password=PASSWORD)
    uid = services.users.find_by_email(EMAIL).uid
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["First Name", "Last Name", "Company", "Email", "Ticket Type", "Ticket Code"])
    for p in attendees(count, distinct=True):
        writer.writerow(
            [p.first_name, p.last_name, p.organization, f"{p.last_name}@example.org", "Attendee", p.ticket_id]
        )
    source = f"uploads/{uid}/big/attendees.csv"
    services.blobs.write_bytes(source, out.getvalue().encode(), content_type="text/csv")
    services.db.set(f"jobs/{uid}/big", {"status": "done", "source": source})
    return uid


def _call(url: str, token: str | None = None, body: dict | None = None) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode() if body else None)
    if body:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=300) as response:
        return json.loads(response.read())


@contextlib.contextmanager
def _serve(home: Path, root: Path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "BADGEFORGE_HOME": str(home), "BADGEFORGE_MODE": "local"}
    env["PYTHONPATH"] = f"{root}:{root / 'functions'}"
    process = subprocess.Popen(
        [str(BADGEFORGE), "serve", "--port", str(port), "--quiet"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/api/auth/config", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _cold(home: Path, root: Path) -> tuple[float, float]:
    """(first search, then first roster) in seconds, in a fresh server process."""
    with _serve(home, root) as url:
        token = _call(url + "/api/auth/signin", body={"email": EMAIL, "password": PASSWORD})["token"]
        start = time.perf_counter()
        _call(url + "/api/desk/big/search?q=katherine", token)
        search = time.perf_counter() - start
        start = time.perf_counter()
        rows = len(_call(url + "/api/desk/big/roster", token)["rows"])
        roster = time.perf_counter() - start
    assert rows > 0
    return search, roster


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attendees", type=int, default=50_000)
    parser.add_argument("--before", type=Path, help="A checkout of the code before the stored index (e.g. /work/main).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        uid = _home(home, args.attendees)
        index = home / "storage"
        results = {}
        if args.before:
            results["before"] = _cold(home, args.before)
        results["build"] = _cold(home, ROOT)
        stored = next(index.rglob(Path(desk_roster_store.roster_path(uid, "big")).name), None)
        assert stored is not None, "the first build did not store the index"
        results["stored"] = _cold(home, ROOT)
        peer = results.get("before", results["build"])[0]
        for name, (search, roster) in results.items():
            print(
                f"{name:>6}: first search {search * 1000:7.0f} ms, then roster {roster * 1000:5.0f} ms; "
                f"ratio to the CSV read {peer / search:5.1f}x"
            )
        print(f"index file: {stored.stat().st_size / 1e6:.1f} MB for {args.attendees:,} attendees")


if __name__ == "__main__":
    main()
