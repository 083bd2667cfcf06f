"""The local CLI end to end, as a user runs it (a subprocess with BADGEFORGE_HOME in a temp folder)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.contract.smtp_server import running_smtp_server

ROOT = Path(__file__).resolve().parents[2]
BADGEFORGE = Path(sys.executable).with_name("badgeforge")


def _cli(home: Path, *args: str, stdin: str | None = None, **extra_env: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "BADGEFORGE_HOME": str(home), "BADGEFORGE_MODE": "local", **extra_env}
    env.pop("FIREBASE_CONFIG", None)
    return subprocess.run(
        [str(BADGEFORGE), *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=300
    )


def test_run_json_renders_mails_and_charges_one(tmp_path):
    done = _cli(tmp_path, "run", "examples/attendees.csv", "--user", "organizer@example.com", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["status"] == "done" and result["badges"] == 40 and result["error"] is None
    assert result["allowed_usage_before"] - result["allowed_usage_after"] == 1
    assert Path(result["pdf"]).read_bytes().startswith(b"%PDF")
    email_file = Path(result["email_file"])
    assert email_file.parent == tmp_path / "outbox" and email_file.suffix == ".eml"
    assert result["link"].split("?")[0] in email_file.read_text().replace("=\n", "")


def test_run_without_usage_exits_2_with_the_reason(tmp_path):
    added = _cli(tmp_path, "users", "add", "broke@example.com", "--usage", "0")
    assert added.returncode == 0, added.stderr
    done = _cli(tmp_path, "run", "examples/attendees.csv", "--user", "broke@example.com", "--json")
    assert done.returncode == 2
    result = json.loads(done.stdout)
    assert result["status"] == "failed" and result["error"]["code"] == "no_usage_left"
    assert result["email_file"] is None and list((tmp_path / "outbox").glob("*.eml")) == []


def test_users_admin_and_jobs_commands(tmp_path):
    assert _cli(tmp_path, "users", "add", "a@example.com", "--usage", "2", "--password-stdin", stdin="s3cret-pass\n")
    listed = json.loads(_cli(tmp_path, "users", "list", "--json").stdout)
    assert [(u["email"], u["allowed_usage"]) for u in listed] == [("a@example.com", 2)]
    changed = _cli(tmp_path, "admin", "usage", "a@example.com", "--add", "3", "--reason", "bought a pack")
    assert changed.returncode == 0 and "2 -> 5" in changed.stdout
    refused = _cli(tmp_path, "admin", "usage", "nobody@example.com", "--set", "1", "--reason", "x")
    assert refused.returncode == 2 and "no account" in refused.stderr and "Traceback" not in refused.stderr
    no_names = tmp_path / "colours.csv"
    no_names.write_text("colour,size\nred,L\nblue,M\n")
    bad = _cli(tmp_path, "run", str(no_names), "--user", "a@example.com", "--json")
    assert bad.returncode == 2 and json.loads(bad.stdout)["status"] == "failed"
    jobs = json.loads(_cli(tmp_path, "jobs", "a@example.com", "--json").stdout)
    assert [j["status"] for j in jobs] == ["failed"] and jobs[0]["error"]["message"]


def test_run_forwards_the_preset_and_no_rotate_into_job_json(tmp_path):
    from badgeforge.cli.run_cmd import _job_files

    csv = tmp_path / "a.csv"
    csv.write_text("Name\nAda\n")
    files = _job_files(csv, {"preset": "HERMA 4412", "no_rotate": True})
    assert json.loads(files["job.json"]) == {"preset": "HERMA 4412", "rotate": False}
    assert "job.json" not in _job_files(csv, {"no_rotate": False})


def test_admin_and_users_commands_refuse_absurd_numbers_and_reasons(tmp_path):
    assert _cli(tmp_path, "users", "add", "a@example.com", "--usage", "2").returncode == 0
    huge = _cli(tmp_path, "admin", "usage", "a@example.com", "--add", str(10**30), "--reason", "typo")
    assert huge.returncode == 2 and "1,000,000" in huge.stderr and "Traceback" not in huge.stderr
    below = _cli(tmp_path, "admin", "usage", "a@example.com", "--add", "-5", "--reason", "refund")
    assert below.returncode == 2 and "below zero" in below.stderr
    long_reason = _cli(tmp_path, "admin", "usage", "a@example.com", "--add", "1", "--reason", "x" * 501)
    assert long_reason.returncode == 2 and "500" in long_reason.stderr
    too_many = _cli(tmp_path, "users", "add", "b@example.com", "--usage", str(10**30))
    assert too_many.returncode == 2 and "Traceback" not in too_many.stderr
    listed = json.loads(_cli(tmp_path, "users", "list", "--json").stdout)
    assert [(u["email"], u["allowed_usage"]) for u in listed] == [("a@example.com", 2)]


SMALL_CSV = "name,company\nAda Lovelace,Analytical Engines\n"


def test_run_exits_3_when_the_mail_was_refused_and_says_it_will_not_be_retried(tmp_path):
    """A real SMTP server refuses the recipient for good (550); the temporary case is in test_mail_outcome."""
    csv = tmp_path / "small.csv"
    csv.write_text(SMALL_CSV)
    with running_smtp_server() as server:
        server.rcpt_reply = "550 no such user"
        done = _cli(tmp_path, "run", str(csv), "--user", "o@example.com", BADGEFORGE_SMTP_URL=smtp_url(server))
    assert done.returncode == 3, done.stderr
    assert "1 badges:" in done.stdout and "usage: 10 -> 10" in done.stdout, "rendered, reported, not charged"
    message = next(line for line in done.stderr.splitlines() if line.startswith("email:"))
    assert "will not be retried" in message and "no such user" in message and "yet" not in message
    assert "Traceback" not in done.stderr


def smtp_url(server) -> str:
    return f"smtp://{server.host}:{server.port}"
