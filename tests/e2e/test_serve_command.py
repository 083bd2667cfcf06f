"""`badgeforge serve` as a user runs it: prints its URL, serves pages and API, stops cleanly on Ctrl-C (SIGINT)."""

from __future__ import annotations

import os
import signal
import subprocess
import urllib.request

import pytest

from .conftest import BADGEFORGE, ROOT

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
