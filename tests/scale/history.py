"""A database with a long history (users × past jobs, all settled) and a counting wrapper, for the "cost follows
the work" checks: tests/scale and bench/queries_scale.py. Why counting instead of timing: reads and bytes are what
RTDB bills and what a 2-core test machine can measure without noise."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

STAMP = "2026-11-{day:02d}T10:00:00.000000Z"


def seed_history(db: Any, users: int, jobs_per_user: int = 10) -> None:
    """`users` accounts, each with `jobs_per_user` finished jobs (nothing left for the sweep: no open work)."""
    tree_users, tree_jobs = {}, {}
    for u in range(users):
        uid = f"u{u:06d}"
        tree_users[uid] = {"email": f"user{u:06d}@example.com", "allowed_usage": 100}
        tree_jobs[uid] = {
            f"j{j:02d}": {"status": "done", "created_at": STAMP.format(day=j + 1)} for j in range(jobs_per_user)
        }
    db.update("", {"users": tree_users, "jobs": tree_jobs})


@dataclass
class Reads:
    calls: int = 0
    bytes: int = 0


class CountingDatabase:
    """The real TreeDatabase, with every read (get, query, a transaction's read) counted in calls and JSON bytes."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.reads = Reads()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def _count(self, value: Any) -> Any:
        self.reads.calls += 1
        self.reads.bytes += len(json.dumps(value, separators=(",", ":")))
        return value

    def get(self, path: str) -> Any:
        return self._count(self.inner.get(path))

    def query(self, path: str, **kwargs: Any) -> dict[str, Any]:
        return self._count(self.inner.query(path, **kwargs))

    def transaction(self, path: str, fn: Callable[[Any], Any]) -> Any:
        return self.inner.transaction(path, lambda current: fn(self._count(current)))

    def set(self, path: str, value: Any) -> None:
        self.inner.set(path, value)

    def update(self, path: str, values: Mapping[str, Any]) -> None:
        self.inner.update(path, values)

    def delete(self, path: str) -> None:
        self.inner.delete(path)

    def push_key(self) -> str:
        return self.inner.push_key()
