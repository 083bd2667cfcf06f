"""firebase-tools' Auth emulator (npm, runs offline) in a temporary project directory on free ports.

`firebase emulators:start --only auth --project demo-badgeforge`: a demo- project needs no login. The hub and
logging ports are chosen free too, so two test workers can each run one. Skipped when tools/node_modules lacks
firebase-tools (`make test` installs it).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

# Tests that use the emulator carry this xdist group, so `-n 2 --dist loadgroup` starts it on one worker only.
XDIST_GROUP = "firebase-auth-emulator"
ROOT = Path(__file__).resolve().parents[2]
FIREBASE_BIN = ROOT / "tools" / "node_modules" / ".bin" / "firebase"
PROJECT = "demo-badgeforge"


def firebase_tools_missing() -> str:
    """Why the emulator cannot start here, or "" when it can."""
    if not FIREBASE_BIN.exists():
        return f"firebase-tools is not installed ({FIREBASE_BIN} missing; `make test` installs it)"
    return ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class AuthEmulator:
    host: str
    port: int
    project: str

    @property
    def emulator_host(self) -> str:
        """The value for FIREBASE_AUTH_EMULATOR_HOST."""
        return f"{self.host}:{self.port}"

    def reset(self) -> None:
        """Delete every account (the emulator's own REST endpoint)."""
        from urllib.request import Request

        url = f"http://{self.emulator_host}/emulator/v1/projects/{self.project}/accounts"
        with urlopen(Request(url, method="DELETE"), timeout=10):
            pass


def _wait_ready(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Auth emulator exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urlopen(url, timeout=2):
                return
        except (URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"the Auth emulator did not answer within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


@contextmanager
def running_auth_emulator(project: str = PROJECT, start_timeout: float = 180) -> Iterator[AuthEmulator]:
    """Start the emulator in its own process group; always stop that group (SIGINT, then SIGKILL). It took 92 s to
    answer on a loaded 2-core machine (load 13), hence the generous bound."""
    reason = firebase_tools_missing()
    if reason:
        raise RuntimeError(reason)
    host, port = "127.0.0.1", free_port()
    with tempfile.TemporaryDirectory(prefix="auth-emulator-") as tmp:
        workdir = Path(tmp)
        config = {
            "emulators": {
                "auth": {"host": host, "port": port},
                "hub": {"host": host, "port": free_port()},
                "logging": {"host": host, "port": free_port()},
                "ui": {"enabled": False},
                "singleProjectMode": True,
            }
        }
        (workdir / "firebase.json").write_text(json.dumps(config))
        log = workdir / "emulator.log"
        env = {**os.environ, "NO_UPDATE_NOTIFIER": "1", "FIREBASE_CLI_DISABLE_UPDATE_CHECK": "true", "CI": "1"}
        env.pop("FIREBASE_AUTH_EMULATOR_HOST", None)
        with log.open("wb") as out:
            process = subprocess.Popen(
                [str(FIREBASE_BIN), "emulators:start", "--only", "auth", "--project", project],
                cwd=workdir,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
            try:
                _wait_ready(f"http://{host}:{port}/", process, log, start_timeout)
                yield AuthEmulator(host=host, port=port, project=project)
            finally:
                _stop(process)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGINT)  # our own group: the CLI and the emulator it spawned
        process.wait(timeout=15)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


_shared: dict[str, AuthEmulator] = {}


def shared_auth_emulator(config: object) -> AuthEmulator:
    """One emulator per test process (it takes 15-30 s to start), stopped when pytest's session ends.

    `config` is the pytest.Config whose `add_cleanup` stops it; both the fixture and the contract registry use this.
    """
    if "emulator" not in _shared:
        stack = ExitStack()
        _shared["emulator"] = stack.enter_context(running_auth_emulator())
        config.add_cleanup(stack.close)  # type: ignore[attr-defined]
        config.add_cleanup(_shared.clear)  # type: ignore[attr-defined]
    return _shared["emulator"]
