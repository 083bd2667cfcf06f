"""A real `badgeforge serve` subprocess (BADGEFORGE_HOME in a temp dir, free port on 127.0.0.1) and Debian's
headless Chromium driven by Playwright (no browser download: executable_path=/usr/bin/chromium)."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "e2e-password-123"
WAIT_MS = 30_000  # how long a page may take to show a result (expect() waits without eval: the CSP forbids it)
BADGEFORGE = Path(sys.executable).parent / "badgeforge"


@dataclass
class Server:
    url: str
    home: Path
    env: dict

    def cli(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [str(BADGEFORGE), *args], input=stdin, env=self.env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def api(self, method: str, path: str, token: str | None = None, body: dict | None = None) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"{}")

    def token(self, email: str) -> str:
        status, body = self.api("POST", "/api/auth/signin", body={"email": email, "password": PASSWORD})
        assert status == 200, body
        return body["token"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serving(home: Path, **extra_env: str):
    """Run `badgeforge serve` on a free port with its data in `home`; stop it (SIGTERM, clean) afterwards."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium chromium-driver)")
    port = _free_port()
    env = {
        **os.environ,
        "BADGEFORGE_HOME": str(home),
        "BADGEFORGE_MODE": "local",
        "BADGEFORGE_DEFAULT_USAGE": "5",
        "PYTHONUNBUFFERED": "1",
        **extra_env,
    }
    env.pop("BADGEFORGE_PUBLIC_URL", None)
    log = (home / "serve.log").open("w")
    process = subprocess.Popen(
        [str(BADGEFORGE), "serve", "--port", str(port), "--quiet"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(url + "/api/auth/config", timeout=1).close()
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError((home / "serve.log").read_text()) from None
                time.sleep(0.1)
        yield Server(url, home, env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("badgeforge-home")) as running:
        yield running


@pytest.fixture(scope="module")
def page_link_server(tmp_path_factory):
    """Download links go through our own page /d/<token> (BADGEFORGE_LINK_MODE=page)."""
    with serving(tmp_path_factory.mktemp("badgeforge-page-home"), BADGEFORGE_LINK_MODE="page") as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    playwright_sync = pytest.importorskip("playwright.sync_api")
    with playwright_sync.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


class ConsoleLog:
    """Every console error and uncaught page error, so a test can assert there were none."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda err: self.errors.append(f"uncaught: {err}"))


def until(page, read, *, timeout: float = WAIT_MS / 1000):
    """`read()` (the caller's page or locator evaluate) once it is truthy, else its last value after `timeout`:
    polled from Python because the pages' CSP refuses the eval that Playwright's wait_for_function polls with."""
    deadline = time.monotonic() + timeout
    while not (value := read()) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    return value


class HeldRequests:
    """The page's requests matching `pattern` (`sent` counts them), held until `release()`, which lets them go in
    the order they came (`held` keeps them: which requests waited); later ones go through at once. Lets a test fix
    the order of the page's own requests."""

    def __init__(self, page, pattern: str) -> None:
        self.held: list = []
        self.sent = 0
        self.released = False
        page.route(pattern, self._route)

    def _route(self, route) -> None:
        self.sent += 1
        if self.released:
            route.continue_()
        else:
            self.held.append(route)

    def release(self) -> None:
        self.released = True
        for route in self.held:
            route.continue_()


class InFlight:
    """The page's requests still loading, so a test can wait until the page has loaded its data.

    Instead of Playwright's "networkidle", which fired never once in a CI run (a 30 s timeout on a static page, with
    nothing to say which request it waited for): this one names what is still loading when it gives up, and takes a
    request the browser has finished (in the page's own Resource Timing) as done even if its event was lost.
    Event streams and sockets stay open by design and are not waited for.
    """

    LONG_LIVED = frozenset({"eventsource", "websocket"})

    def __init__(self, page) -> None:
        self.pending: dict[int, str] = {}
        self.changed = time.monotonic()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _started(self, request) -> None:
        if request.resource_type not in self.LONG_LIVED and not request.url.startswith("data:"):
            self.pending[id(request)] = request.url
            self.changed = time.monotonic()

    def _ended(self, request) -> None:
        if self.pending.pop(id(request), None) is not None:
            self.changed = time.monotonic()

    def settle(self, page, *, quiet: float = 0.5, timeout: float = WAIT_MS / 1000) -> None:
        """Wait until no request has been loading for `quiet` seconds; fail naming the ones that never finished."""
        page.wait_for_load_state("load")
        deadline = time.monotonic() + timeout
        while True:
            if not self.pending and time.monotonic() - self.changed >= quiet:
                return
            if self.pending and time.monotonic() - self.changed >= 2 * quiet and self._browser_finished(page):
                self.pending.clear()  # their events were lost; the browser itself has them complete
                self.changed = time.monotonic()
            if time.monotonic() > deadline:
                raise AssertionError(f"still loading after {timeout:.0f} s: {sorted(set(self.pending.values()))}")
            page.wait_for_timeout(100)

    def _browser_finished(self, page) -> bool:
        done = page.evaluate(
            "performance.getEntriesByType('resource').filter((e) => e.responseEnd > 0).map((e) => e.name)"
        )
        return set(self.pending.values()) <= set(done)


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(width: int = 1280, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        return page, ConsoleLog(page)

    yield make
    for context in contexts:
        context.close()
