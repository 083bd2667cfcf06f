"""What one charge (usage.settle_job) costs with 10 and with 50,000 past jobs, on the local SQLite tree.

Prints medians and the ratio 50,000 : 10 (the target: the same cost, <= 20 ms), and, measured in the same run as
the peer, one transaction that rewrites users/{uid} with all 50,000 markers in it (how every charge worked before
the markers moved to the charges/{uid} ledger).

    PYTHONPATH=.:functions .venv/bin/python bench/charge_cost.py [--past 50000] [--charges 30]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from badgeforge.config import Settings, build_services
from badgeforge.services import usage
from badgeforge.services.keys import iso

OLD_STAMP = "2026-01-01T00:00:00.000000Z"


def _account_with_history(services, email: str, past: int) -> str:
    """An account whose `past` charges are where history now lives: the ledger, plus the `used` counter."""
    record = services.users.create(email)
    usage.ensure_user(services, record, allowed_usage=past + 1000)
    services.db.set(f"charges/{record.uid}", {f"past{i:06d}": OLD_STAMP for i in range(past)})
    services.db.update(f"users/{record.uid}", {"used": past})
    return record.uid


def _settle_ms(services, uid: str, charges: int) -> list[float]:
    times = []
    for i in range(charges):
        job = f"new{i:04d}"
        services.db.set(f"users/{uid}/holds/{job}", "t")
        start = time.perf_counter()
        assert usage.settle_job(services, uid, job) is not None
        times.append((time.perf_counter() - start) * 1000)
    return times


def _old_layout_ms(services, past: int, charges: int) -> list[float]:
    """The peer: every marker inside users/{uid}, so each charge's transaction reads and rewrites all of them."""
    uid = "oldlayout"
    services.db.set(
        f"users/{uid}",
        {"allowed_usage": past + 1000, "charged": {f"past{i:06d}": OLD_STAMP for i in range(past)}},
    )
    times = []
    for i in range(charges):
        job, now = f"new{i:04d}", iso(services.clock.now())
        start = time.perf_counter()
        services.db.transaction(
            f"users/{uid}",
            lambda user, job=job, now=now: {
                **user,
                "allowed_usage": user["allowed_usage"] - 1,
                "charged": {**user["charged"], job: now},
            },
        )
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--past", type=int, default=50_000)
    parser.add_argument("--charges", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        services = build_services(Settings(mode="local", home=Path(home)))
        few = _account_with_history(services, "few@example.com", 10)
        many = _account_with_history(services, "many@example.com", args.past)
        few_ms = statistics.median(_settle_ms(services, few, args.charges))
        many_ms = statistics.median(_settle_ms(services, many, args.charges))
        old_ms = statistics.median(_old_layout_ms(services, args.past, max(3, args.charges // 10)))
    print(f"settle_job, 10 past jobs:            {few_ms:8.2f} ms (median of {args.charges})")
    print(f"settle_job, {args.past:,} past jobs:  {many_ms:8.2f} ms (median of {args.charges})")
    print(f"ratio {args.past:,} : 10 past jobs:      {many_ms / few_ms:8.2f}x")
    slower = old_ms / many_ms
    print(f"peer: markers in users/{{uid}}, {args.past:,}: {old_ms:8.2f} ms per charge ({slower:.0f}x slower)")


if __name__ == "__main__":
    main()
