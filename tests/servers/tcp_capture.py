"""A raw TCP 9100 stand-in for a Zebra printer: accepts connections on 127.0.0.1:<free port> and keeps every
connection's bytes (one label job each), as the printer would receive them."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Capture:
    address: str
    jobs: list[bytes] = field(default_factory=list)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[bytes]:
        deadline = time.monotonic() + timeout
        while len(self.jobs) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.jobs)


@contextmanager
def tcp_capture() -> Iterator[Capture]:
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    capture = Capture(f"127.0.0.1:{server.getsockname()[1]}")
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                chunks = []
                while chunk := conn.recv(65536):
                    chunks.append(chunk)
                capture.jobs.append(b"".join(chunks))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield capture
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()
