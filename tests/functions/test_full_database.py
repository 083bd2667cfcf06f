"""A database that fills up while a job is recorded: the job ends failed with SQLite's own reason ("database or disk
is full"), its held use is released, nothing is mailed, and `badgeforge run --json` says so with a non-zero exit.

How the disk is filled, for real: a small tmpfs (the last test, where it can be mounted), and SQLite's
PRAGMA max_page_count (the local adapter's BADGEFORGE_DATABASE_MAX_BYTES)
caps the database file a few pages above its size, so the claim and the hold still fit but the job's results
(200 row warnings) do not; SQLite then answers SQLITE_FULL exactly as on a full disk. Nothing is mocked.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import time
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import pytest

from badgeforge import config
from badgeforge.adapters.local.tree_db import SqliteTreeDatabase
from badgeforge.runtime import LocalRuntime
from tests.functions.conftest import make_user, outbox

from .test_cli import BADGEFORGE, ROOT

FREE_PAGES = 4


def _csv_with_many_warnings() -> bytes:
    """One attendee and 300 rows without a name: each nameless row is a warning the job records (200 kept)."""
    return ("full_name,company\nAda Lovelace,Analytical\n" + ",nobody\n" * 300).encode()


def test_a_full_database_fails_the_job_with_the_reason_and_releases_the_use(services):
    user = make_user(services)
    cap = services.db.size_bytes() + FREE_PAGES * 4096
    capped = dataclasses.replace(services, db=SqliteTreeDatabase(services.db.path, max_bytes=cap))
    runtime = LocalRuntime(capped)
    try:
        runtime.upload(user.uid, "j1", {"attendees.csv": _csv_with_many_warnings()})
    finally:
        runtime.close()
        config.use_services(None)
    job = services.db.get(f"jobs/{user.uid}/j1")
    assert job["status"] == "failed" and job["error"]["code"] == "database_full"
    assert "database or disk is full" in job["error"]["message"]
    assert "rollback" not in job["error"]["message"] and job["error"].get("hint")
    account = services.db.get(f"users/{user.uid}")
    assert account["allowed_usage"] == 10 and not account.get("holds") and not account.get("charged")
    assert services.db.get("badgeMails") is None and outbox(services) == []


@pytest.mark.slow
def test_run_json_reports_a_full_database_with_a_nonzero_exit(tmp_path):
    csv = tmp_path / "attendees.csv"
    csv.write_bytes(_csv_with_many_warnings())
    env = {**os.environ, "BADGEFORGE_HOME": str(tmp_path / "home"), "BADGEFORGE_MODE": "local"}
    env.pop("FIREBASE_CONFIG", None)
    added = subprocess.run(
        [str(BADGEFORGE), "users", "add", "org@example.com"], env=env, capture_output=True, text=True, timeout=60
    )
    assert added.returncode == 0, added.stderr
    size = SqliteTreeDatabase(tmp_path / "home" / "database.sqlite").size_bytes()
    env["BADGEFORGE_DATABASE_MAX_BYTES"] = str(size + (FREE_PAGES + 1) * 4096)  # + the user node `run` writes
    done = subprocess.run(
        [str(BADGEFORGE), "run", str(csv), "--user", "org@example.com", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr  # not the organizer's input: the server's problem
    result = json.loads(done.stdout)
    assert result["status"] == "failed" and result["error"]["code"] == "database_full"
    assert "database or disk is full" in result["error"]["message"]
    assert result["allowed_usage_after"] == result["allowed_usage_before"] and result["email_file"] is None
    assert "Traceback" not in done.stderr and list(Path(tmp_path / "home" / "outbox").glob("*.eml")) == []


@contextmanager
def small_disk(path: Path, size_kb: int):
    """A tmpfs of size_kb mounted at path (needs root with CAP_SYS_ADMIN; skipped elsewhere), unmounted after."""
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(path)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


@pytest.mark.slow
def test_a_really_full_disk_fails_the_run_clearly_and_the_sweep_recovers_once_space_is_freed(tmp_path):
    """A real full file system (a 4 MB tmpfs holding BADGEFORGE_HOME, filled up to ~150 KB). Depending on where
    the space runs out (the claim, a progress write, the PDF itself) the job is not recorded, left 'rendering' or
    failed; in every case `run --json` says the disk is full and exits 1, nothing is charged or mailed, and once the
    space is freed one `badgeforge sweep` leaves nothing running or held."""
    with small_disk(tmp_path / "disk", 4096) as disk:
        env = {**os.environ, "BADGEFORGE_HOME": str(disk / "home"), "BADGEFORGE_MODE": "local"}
        env["BADGEFORGE_RENDER_LEASE_SECONDS"] = "1"
        env.pop("FIREBASE_CONFIG", None)
        cli = partial(subprocess.run, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert cli([str(BADGEFORGE), "users", "add", "org@example.com"]).returncode == 0
        filler = disk / "filler"
        filler.write_bytes(b"\0" * (shutil.disk_usage(disk).free - 150_000))
        done = cli(
            [str(BADGEFORGE), "run", str(ROOT / "examples" / "attendees.csv"), "--user", "org@example.com", "--json"]
        )
        assert done.returncode == 1, done.stdout + done.stderr
        result = json.loads(done.stdout)
        assert result["error"]["code"] in ("database_full", "storage_full"), result
        assert any(words in result["error"]["message"] for words in ("database or disk is full", "No space left"))
        assert result["allowed_usage_after"] == result["allowed_usage_before"] and result["email_file"] is None
        assert "Traceback" not in done.stderr

        filler.unlink()
        time.sleep(1.1)  # the 1 s lease of a render left 'rendering' runs out
        swept = cli([str(BADGEFORGE), "sweep", "--json"])
        assert swept.returncode == 0, swept.stderr
        db = SqliteTreeDatabase(disk / "home" / "database.sqlite")
        ((uid, user),) = db.get("users").items()
        statuses = [job["status"] for job in (db.get(f"jobs/{uid}") or {}).values()]
        assert all(status in ("done", "failed") for status in statuses) and not user.get("holds")
        assert user["allowed_usage"] == 10 - statuses.count("done")  # charged only for badges delivered
        db.close()


@pytest.mark.slow
def test_adding_a_user_on_a_full_disk_says_so_without_a_traceback(tmp_path):
    with small_disk(tmp_path / "disk", 1024) as disk:
        env = {**os.environ, "BADGEFORGE_HOME": str(disk / "home"), "BADGEFORGE_MODE": "local"}
        env.pop("FIREBASE_CONFIG", None)
        cli = partial(subprocess.run, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert cli([str(BADGEFORGE), "users", "add", "first@example.com"]).returncode == 0
        (disk / "filler").write_bytes(b"\0" * shutil.disk_usage(disk).free)  # every last block
        added = cli([str(BADGEFORGE), "users", "add", "second@example.com"])
        assert added.returncode == 1 and "database or disk is full" in added.stderr
        assert "Traceback" not in added.stderr
