"""firebase-tools' functions emulator loads the BUNDLED Python codebase offline and serves the callable; the hosting
emulator serves web/ with firebase.json's rewrites and headers.

Real parts: firebase-tools from tools/node_modules, the bundle and its fresh venv (conftest.py), the auth and hosting
emulators.
Not here: the RTDB, Storage and Pub/Sub emulators (Java 21 + a download), so firebase-tools reports the RTDB and
scheduled triggers as ignored; the test checks that it says exactly that rather than pretending they run.
The emulator gets free ports on 127.0.0.1, its own HOME, a project id no other test uses, and is stopped (its whole
process group, then any process still working in the temp project) before the test ends.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.conftest import ROOT, Bundle, clean_env

FIREBASE = ROOT / "tools" / "node_modules" / ".bin" / "firebase"
PROJECT_ID = "demo-badgeforge-emulator-check"
START_TIMEOUT_S = 240  # firebase-tools starts in 20-40 s on a quiet 2-core machine; far longer under load

pytestmark = [pytest.mark.slow, pytest.mark.integration, pytest.mark.xdist_group("deploy-bundle")]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _use_free_ports(project: Path) -> dict[str, int]:
    config = json.loads((project / "firebase.json").read_text())
    ports = {name: _free_port() for name in ("functions", "auth", "hosting", "hub", "logging", "eventarc", "tasks")}
    emulators = config["emulators"]
    for name, port in ports.items():
        emulators[name] = {**emulators.get(name, {}), "host": "127.0.0.1", "port": port}
    (project / "firebase.json").write_text(json.dumps(config, indent=2))
    return ports


def _processes_inside(folder: Path) -> list[int]:
    """Pids whose working directory is inside `folder` (function workers firebase-tools detached from its group)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if cwd == str(folder) or cwd.startswith(f"{folder}/"):
            found.append(int(entry.name))
    return found


class Emulator:
    """`firebase emulators:start` in its own process group, its output collected by a reader thread."""

    def __init__(
        self, project: Path, home: Path, only: str = "functions,auth,hosting", project_id: str = PROJECT_ID
    ) -> None:
        env = clean_env() | {"HOME": str(home), "CI": "1", "FIREBASE_CLI_EXPERIMENTS": ""}
        self.project = project
        self.proc = subprocess.Popen(
            [str(FIREBASE), "emulators:start", "--only", only, "--project", project_id],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(re.sub(r"\x1b\[[0-9;]*m", "", line))

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while "All emulators ready" not in self.output:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"emulator did not become ready:\n{self.output[-4000:]}")
            time.sleep(0.5)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)  # firebase-tools shuts its emulators down on SIGINT
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        for pid in _processes_inside(self.project):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self._reader.join(timeout=5)


@pytest.fixture(scope="module")
def emulator(bundle: Bundle, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Emulator, dict[str, int]]]:
    if not FIREBASE.exists():
        pytest.fail("firebase-tools is missing: run `cd tools && npm ci` (make test does this)")
    ports = _use_free_ports(bundle.project)
    # Cloud Functions' adapters need Application Default Credentials, which a test machine does not have: the
    # emulator loads functions/.env.local, so the api runs on the local adapters (folder storage, SQLite) here.
    home = tmp_path_factory.mktemp("badgeforge-home")
    (bundle.functions / ".env.local").write_text(f"BADGEFORGE_MODE=local\nBADGEFORGE_HOME={home}\n")
    running = Emulator(bundle.project, tmp_path_factory.mktemp("firebase-home"))
    try:
        running.wait_ready()
        yield running, ports
    finally:
        running.stop()


def test_loads_every_function_from_the_bundle(emulator: tuple[Emulator, dict[str, int]]) -> None:
    output = emulator[0].output
    loaded = re.search(r"Loaded functions definitions from source: (.+)\.", output)
    assert loaded, output[-4000:]
    names = {name.strip() for name in loaded.group(1).split(",")}
    assert {"render_badges", "send_badge_mail", "adjust_usage", "retry_failed_mail"} <= names


def test_storage_and_callable_triggers_initialise(emulator: tuple[Emulator, dict[str, int]]) -> None:
    output = emulator[0].output
    assert "functions[us-central1-render_badges]: storage function initialized" in output
    assert f"/{PROJECT_ID}/us-central1/adjust_usage" in output


def test_says_which_triggers_it_cannot_emulate_here(emulator: tuple[Emulator, dict[str, int]]) -> None:
    output = emulator[0].output
    assert "send_badge_mail]: function ignored because the database emulator does not exist" in output
    assert "retry_failed_mail]: function ignored because the pubsub emulator does not exist" in output


def test_callable_runs_and_refuses_an_anonymous_caller(emulator: tuple[Emulator, dict[str, int]]) -> None:
    """The request reaches adjust_usage in the emulator's Python worker, which answers UNAUTHENTICATED."""
    _, ports = emulator
    url = f"http://127.0.0.1:{ports['functions']}/{PROJECT_ID}/us-central1/adjust_usage"
    body = json.dumps({"data": {"email": "someone@example.com", "delta": 5, "reason": "test"}}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=60)
    assert refused.value.code == 401
    assert json.loads(refused.value.read())["error"]["status"] == "UNAUTHENTICATED"


def _get(url: str) -> tuple[int, dict[str, str], str]:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.status, dict(response.headers), response.read().decode()


def test_hosting_serves_pages_with_security_headers(emulator: tuple[Emulator, dict[str, int]]) -> None:
    base = f"http://127.0.0.1:{emulator[1]['hosting']}"
    status, headers, body = _get(base + "/")
    assert status == 200
    assert "upload.js" in body
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-cache"


def test_hosting_spa_fallbacks_and_clean_urls(emulator: tuple[Emulator, dict[str, int]]) -> None:
    base = f"http://127.0.0.1:{emulator[1]['hosting']}"
    assert "admin.js" in _get(base + "/admin")[2]
    assert "admin.js" in _get(base + "/admin/users/some-uid")[2]
    assert "jobs.js" in _get(base + "/jobs/j-123")[2]
    _, headers, _ = _get(base + "/css/site.css")
    assert headers["Cache-Control"].startswith("public")


def test_hosting_rewrites_the_callable_to_the_function(emulator: tuple[Emulator, dict[str, int]]) -> None:
    """web/js/api.js calls `/adjust_usage` on its own origin; Hosting must hand it to the function."""
    url = f"http://127.0.0.1:{emulator[1]['hosting']}/adjust_usage"
    body = json.dumps({"data": {"email": "someone@example.com", "delta": 1, "reason": "test"}}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=60)
    assert refused.value.code == 401
    assert json.loads(refused.value.read())["error"]["status"] == "UNAUTHENTICATED"


def test_hosting_rewrites_api_to_the_api_function(emulator: tuple[Emulator, dict[str, int]]) -> None:
    """/api/** goes through Hosting to `api`, which answers from the local adapters set in functions/.env.local."""
    status, _, body = _get(f"http://127.0.0.1:{emulator[1]['hosting']}/api/auth/config")
    assert status == 200
    assert json.loads(body)["mode"] == "local"
