"""gcp-storage-emulator (PyPI) in this process on a free port, with a google-cloud-storage client pointed at it.

Why in-process through its Python API: it starts in milliseconds and binds port 0, so parallel test workers never
race for a port. Remember: the emulator ignores if_generation_match and other preconditions, and checks no
signatures (tests check signed URLs with tests.servers.v4_signature instead).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from gcp_storage_emulator.server import create_server
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage

logging.getLogger("gcp_storage_emulator").setLevel(logging.WARNING)


@dataclass(frozen=True)
class GcsEmulator:
    """A running emulator: `endpoint` is its base URL (what STORAGE_EMULATOR_HOST would hold)."""

    host: str
    port: int
    project: str

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def client(self) -> storage.Client:
        """A client with anonymous credentials (a plain Client, not firebase_admin.storage, which wants ADC)."""
        return storage.Client(
            project=self.project, credentials=AnonymousCredentials(), client_options={"api_endpoint": self.endpoint}
        )

    def bucket(self, name: str) -> storage.Bucket:
        """The bucket called `name`, created if missing."""
        client = self.client()
        bucket = client.bucket(name)
        if not bucket.exists():
            bucket = client.create_bucket(name)
        return bucket


@contextmanager
def running_gcs_emulator(host: str = "127.0.0.1", project: str = "demo-badgeforge") -> Iterator[GcsEmulator]:
    """Start an in-memory emulator on a free port; always stop it."""
    server = create_server(host, 0, in_memory=True)
    server.start()
    try:
        port = server._api._httpd.server_address[1]  # the emulator exposes no public accessor for the bound port
        yield GcsEmulator(host=host, port=port, project=project)
    finally:
        server.stop()
