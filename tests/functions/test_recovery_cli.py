"""Recovery as an operator sees it: a render really killed with SIGKILL mid-render (a `badgeforge run` subprocess),
then `badgeforge sweep --json` re-drives it: the job finishes, one mail goes out, one use is charged, nothing stays
held and the dead render's temporary folder is gone. Also: a temporary SMTP failure is retried by the sweep locally
(the SMTP server of tests/contract, answering 451 and then 250). Nothing is mocked."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from badgeforge.adapters.local.tree_db import SqliteTreeDatabase
from badgeforge.services.keys import parse_iso
from tests.contract.smtp_server import running_smtp_server

from .test_cli import BADGEFORGE, ROOT

EXAMPLE = ROOT / "examples" / "attendees.csv"
LEASE_SECONDS = 2


def many_attendees(path: Path, rows: int) -> Path:
    """The example attendees repeated to `rows` rows: a render that takes long enough to be killed midway."""
    header, *body = EXAMPLE.read_text().splitlines()
    path.write_text("\n".join([header, *(body[i % len(body)] for i in range(rows))]) + "\n")
    return path


def env_for(home: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "BADGEFORGE_HOME": str(home), "BADGEFORGE_MODE": "local", **extra}
    env.pop("FIREBASE_CONFIG", None)
    return env


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BADGEFORGE), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def wait_for(condition, timeout: float = 60, every: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("timed out")


def kill_mid_render(env: dict[str, str], csv: Path, job_id: str) -> SqliteTreeDatabase:
    """Start `badgeforge run`, SIGKILL it once its render has reported progress; returns the database."""
    db = SqliteTreeDatabase(Path(env["BADGEFORGE_HOME"]) / "database.sqlite")
    run = subprocess.Popen(
        [str(BADGEFORGE), "run", str(csv), "--user", "org@example.com", "--job-id", job_id, "--json"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        uid = wait_for(lambda: next((u for u, jobs in (db.get("jobs") or {}).items() if job_id in jobs), None))
        wait_for(lambda: (db.get(f"jobs/{uid}/{job_id}/progress") or 0) > 0)
        run.send_signal(signal.SIGKILL)
    finally:
        run.wait()
    assert run.returncode == -signal.SIGKILL
    return db


@pytest.mark.slow
def test_sweep_json_redrives_a_render_killed_with_sigkill(tmp_path):
    env = env_for(tmp_path / "home", BADGEFORGE_RENDER_LEASE_SECONDS=str(LEASE_SECONDS))
    db = kill_mid_render(env, many_attendees(tmp_path / "attendees.csv", 600), "killed")
    (uid,) = db.get("jobs")
    job = db.get(f"jobs/{uid}/killed")
    assert job["status"] == "rendering" and list(db.get(f"users/{uid}/holds")) == ["killed"]
    (scratch,) = (tmp_path / "home" / "scratch").iterdir()  # what the killed render left behind
    wait_for(lambda: time.time() > parse_iso(job["lease_until"]).timestamp(), every=0.1)

    swept = cli(env, "sweep", "--json")
    assert swept.returncode == 0, swept.stderr
    report = json.loads(swept.stdout)
    assert report["jobs_retried"] == [f"{uid}/killed"] and report["errors"] == []
    assert report["scratch_removed"] == [scratch.name] and not scratch.exists()
    job = db.get(f"jobs/{uid}/killed")
    assert job["status"] == "done" and job["badges"] == 600 and job["attempts"] == 2
    account = db.get(f"users/{uid}")
    assert account["allowed_usage"] == 9 and not account.get("holds")  # charged once, nothing held
    assert len(list((tmp_path / "home" / "outbox").glob("*.eml"))) == 1


@pytest.mark.slow
def test_sweep_retries_a_mail_the_smtp_server_deferred(tmp_path):
    with running_smtp_server() as smtp:
        env = env_for(tmp_path / "home", BADGEFORGE_SMTP_URL=f"smtp://{smtp.host}:{smtp.port}")
        smtp.rcpt_reply = "451 4.3.0 try again later"
        done = cli(env, "run", str(EXAMPLE), "--user", "org@example.com", "--json")
        result = json.loads(done.stdout)
        assert result["status"] == "done" and result["error"]["code"] == "mail_failed" and smtp.messages == []
        assert result["allowed_usage_after"] == result["allowed_usage_before"]  # not mailed: not charged

        smtp.rcpt_reply = "250 OK"
        swept = cli(env, "sweep", "--json")
        assert swept.returncode == 0, swept.stderr
        report = json.loads(swept.stdout)
        assert len(report["mails_retried"]) == 1 and report["mails_sent"] == report["mails_retried"]
        assert len(smtp.messages) == 1
    again = cli(env, "sweep")
    assert again.returncode == 0 and again.stdout.strip() == "nothing to re-drive"
    db = SqliteTreeDatabase(tmp_path / "home" / "database.sqlite")
    ((uid, jobs),) = db.get("jobs").items()
    assert [job["status"] for job in jobs.values()] == ["done"]
    assert [mail["status"] for mail in db.get(f"badgeMails/{uid}").values()] == ["sent"]
    assert db.get(f"users/{uid}/allowed_usage") == 9 and not db.get(f"users/{uid}/holds")
