"""A SendGrid v3 stand-in that records every request and answers as scripted, so the real `sendgrid` client runs.

Script answers with `server.script("429", "500", "202")`: each request takes the next one (then the default, 202).
An answer is a status code ("202", "400", "429", "500", "503") or "hang" (no answer until the client gives up).
202 carries an `X-Message-Id` header like the real API; errors carry SendGrid's `{"errors": [...]}` body.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any

    @property
    def authorization(self) -> str:
        return self.headers.get("authorization", "")


@dataclass
class SendGridRecorder:
    """What the server received and what it will answer next (thread-safe)."""

    requests: list[RecordedRequest] = field(default_factory=list)
    answers: deque[str] = field(default_factory=deque)
    default: str = "202"
    lock: threading.Lock = field(default_factory=threading.Lock)
    release: threading.Event = field(default_factory=threading.Event)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def script(self, *answers: str) -> None:
        with self.lock:
            self.answers.extend(answers)

    def next_answer(self, request: RecordedRequest) -> tuple[str, str]:
        with self.lock:
            self.requests.append(request)
            return (self.answers.popleft() if self.answers else self.default), f"msg-{next(self._ids)}"


_ERRORS = {
    "400": {"errors": [{"message": "The to array is required.", "field": "personalizations.0.to"}]},
    "401": {"errors": [{"message": "The provided authorization grant is invalid, expired, or revoked"}]},
    "413": {"errors": [{"message": "Payload too large"}]},
    "429": {"errors": [{"message": "too many requests"}]},
    "500": {"errors": [{"message": "internal error"}]},
    "503": {"errors": [{"message": "service unavailable"}]},
}


class _Handler(BaseHTTPRequestHandler):
    server: _SendGridHttpServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        request = RecordedRequest("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        answer, message_id = self.server.recorder.next_answer(request)
        if answer == "hang":
            self.server.recorder.release.wait(timeout=30)  # until the server stops; the client times out first
            self.close_connection = True
            return
        status = int(answer)
        data = b"" if status == 202 else json.dumps(_ERRORS.get(answer, {"errors": []})).encode()
        self.send_response(status)
        if status == 202:
            self.send_header("X-Message-Id", message_id)
        if status == 429:
            self.send_header("Retry-After", "1")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _SendGridHttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int]) -> None:
        super().__init__(address, _Handler)
        self.recorder = SendGridRecorder()


@dataclass(frozen=True)
class SendGridServer:
    """A running recorder: pass `host_url` as SendGridAPIClient(host=...)."""

    host: str
    port: int
    recorder: SendGridRecorder

    @property
    def host_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def requests(self) -> list[RecordedRequest]:
        with self.recorder.lock:
            return list(self.recorder.requests)

    def script(self, *answers: str) -> None:
        self.recorder.script(*answers)


@contextmanager
def running_sendgrid_server(host: str = "127.0.0.1") -> Iterator[SendGridServer]:
    """Start the recorder on a free port; always stop it (releasing any hanging request first)."""
    httpd = _SendGridHttpServer((host, 0))
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), name="sendgrid-server", daemon=True)
    thread.start()
    try:
        yield SendGridServer(host=host, port=httpd.server_address[1], recorder=httpd.recorder)
    finally:
        httpd.recorder.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
