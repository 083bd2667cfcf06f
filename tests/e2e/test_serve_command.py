"""`badgeforge serve` as a user runs it: prints its URL, serves pages and API, stops cleanly on Ctrl-C (SIGINT)."""

from __future__ import annotations

import os
import signal
import subprocess
import urllib.request

import pytest

from tests.functions.test_recovery_cli import kill_mid_render, many_attendees, wait_for

from .conftest import BADGEFORGE, ROOT, serving

pytestmark = pytest.mark.integration


def test_serve_prints_its_url_serves_the_pages_and_stops_on_ctrl_c(tmp_path):
    env = {**os.environ, "BADGEFORGE_HOME": str(tmp_path), "BADGEFORGE_MODE": "local", "PYTHONUNBUFFERED": "1"}
    env.pop("BADGEFORGE_PUBLIC_URL", None)
    process = subprocess.Popen(
        [str(BADGEFORGE), "serve", "--port", "0", "--quiet"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
    )
    try:
        first = process.stdout.readline()
        assert first.startswith("BadgeForge is running at http://127.0.0.1:"), first
        url = first.split(" at ", 1)[1].split("/ ", 1)[0]
        with urllib.request.urlopen(url + "/", timeout=10) as page:
            assert b"Make print-ready badges" in page.read()
            assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
            assert (page.headers["X-Content-Type-Options"], page.headers["Referrer-Policy"]) == (
                "nosniff",
                "no-referrer",
            )
        with urllib.request.urlopen(url + "/admin", timeout=10) as page:
            assert b"Admin console" in page.read()
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0
    assert "Stopped." in out
    assert "Traceback" not in out


@pytest.mark.slow
def test_serve_recovers_a_killed_render_by_itself(tmp_path):
    """A render SIGKILLed while `serve` runs (a `badgeforge run` on the same data): with a 2 s lease and a 1 s
    sweep interval, serve's own sweep re-drives it; the job finishes, one mail, one use charged, nothing held."""
    home = tmp_path / "home"
    home.mkdir()
    with serving(home, BADGEFORGE_RENDER_LEASE_SECONDS="2", BADGEFORGE_SWEEP_INTERVAL_SECONDS="1") as server:
        db = kill_mid_render(server.env, many_attendees(tmp_path / "attendees.csv", 600), "killed")
        (uid,) = db.get("jobs")
        wait_for(lambda: db.get(f"jobs/{uid}/killed/status") == "done", timeout=120, every=0.2)
        wait_for(lambda: list((home / "outbox").glob("*.eml")), timeout=60, every=0.2)
        assert db.get(f"jobs/{uid}/killed/attempts") >= 2
        account = db.get(f"users/{uid}")
        assert account["allowed_usage"] == 4 and not account.get("holds")  # 5 by default here, one charged
        wait_for(lambda: "render jobs re-driven" in (home / "serve.log").read_text(), timeout=10)
    assert list((home / "scratch").iterdir()) == [] and len(list((home / "outbox").glob("*.eml"))) == 1
