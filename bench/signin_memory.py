"""Peak memory of 60 concurrent wrong sign-ins through the real app (throttle + bounded hashing), against the peer
measured in the same run: 60 concurrent scrypt checks with the same parameters and no bound (how sign-in was).

Each side runs in its own child process so its peak RSS (ru_maxrss) is its own.

    PYTHONPATH=.:functions .venv/bin/python bench/signin_memory.py [--attempts 60]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def _together(count: int, call) -> None:
    barrier = threading.Barrier(count)

    def run(i: int) -> None:
        barrier.wait()
        call(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _app_side(attempts: int) -> dict:
    from badgeforge.api import create_app
    from badgeforge.config import Settings, build_services

    with tempfile.TemporaryDirectory() as home:
        services = build_services(Settings(mode="local", home=Path(home)))
        services.users.create("organizer@example.com", password="correct horse battery")
        app = create_app(services)
        codes: list[int] = []
        start = time.perf_counter()
        _together(
            attempts,
            lambda i: codes.append(
                app.test_client()
                .post("/api/auth/signin", json={"email": "organizer@example.com", "password": f"guess {i}"})
                .status_code
            ),
        )
        seconds = time.perf_counter() - start
    return {"codes": {str(c): codes.count(c) for c in sorted(set(codes))}, "seconds": seconds}


def _unbounded_side(attempts: int) -> dict:
    from badgeforge.adapters.local.users import _SCRYPT

    salt = secrets.token_bytes(16)
    start = time.perf_counter()
    _together(attempts, lambda i: hashlib.scrypt(f"guess {i}".encode(), salt=salt, **_SCRYPT))
    return {"codes": {}, "seconds": time.perf_counter() - start}


def _child(side: str, attempts: int) -> None:
    result = (_app_side if side == "app" else _unbounded_side)(attempts)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def _run(side: str, attempts: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", side, "--attempts", str(attempts)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=60)
    parser.add_argument("--child", choices=("app", "unbounded"))
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.attempts)
        return
    app, peer = _run("app", args.attempts), _run("unbounded", args.attempts)
    answers = app["codes"]
    print(
        f"{args.attempts} concurrent wrong sign-ins through the app: {app['peak_mb']:7.1f} MB peak, answers {answers}"
    )
    print(f"peer, {args.attempts} unbounded scrypt checks:           {peer['peak_mb']:7.1f} MB peak")
    print(f"ratio peer : app                                  {peer['peak_mb'] / app['peak_mb']:7.1f}x")


if __name__ == "__main__":
    main()
