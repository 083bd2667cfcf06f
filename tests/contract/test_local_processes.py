"""The local adapters stay correct when several processes share BADGEFORGE_HOME (CLI + `serve` at once)."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from badgeforge.adapters.local.blobs import FolderBlobStore
from badgeforge.adapters.local.tree_db import SqliteTreeDatabase


def _bump(path: str, times: int) -> None:
    db = SqliteTreeDatabase(Path(path))
    for _ in range(times):
        db.transaction("users/u1", lambda v: {**(v or {}), "n": (v or {}).get("n", 0) + 1})


def _write_blob(root: str, index: int) -> None:
    blobs = FolderBlobStore(Path(root), "b")
    for _ in range(20):
        blobs.write_bytes("shared/object.bin", bytes([index]) * 50_000, content_type="application/octet-stream")


def test_transactions_from_several_processes_lose_nothing(tmp_path):
    path = tmp_path / "tree.sqlite"
    SqliteTreeDatabase(path)  # create the schema once
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_bump, args=(str(path), 25)) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
    assert all(w.exitcode == 0 for w in workers)
    assert SqliteTreeDatabase(path).get("users/u1/n") == 100


def test_concurrent_writers_never_leave_a_torn_object(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_write_blob, args=(str(tmp_path), i)) for i in (1, 2, 3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
    data = FolderBlobStore(tmp_path, "b").read_bytes("shared/object.bin")
    assert len(data) == 50_000 and len(set(data)) == 1
