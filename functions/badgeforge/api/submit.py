"""How a new job's files reach the render pipeline.

In the cloud, writing `uploads/{uid}/{jobId}/attendees.csv` IS the trigger (Storage finalize -> render_badges), so
we write the options and images first and the CSV last. Locally the runtime writes the same objects and delivers
the same CloudEvent to main.render_badges; `badgeforge serve` runs that on a background thread so the request
returns 202 at once and the page can follow real progress.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

CSV_NAME = "attendees.csv"


def upload_prefix(uid: str, job_id: str) -> str:
    return f"uploads/{uid}/{job_id}"


def ordered(files: Mapping[str, bytes]) -> list[tuple[str, bytes]]:
    """The CSV last: it is the object whose arrival starts the job."""
    return sorted(files.items(), key=lambda item: item[0] == CSV_NAME)


def content_type(name: str) -> str:
    if name.endswith(".csv"):
        return "text/csv"
    if name.endswith(".json"):
        return "application/json"
    return {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp", "gif": "image/gif"}.get(
        name.rsplit(".", 1)[-1], "application/octet-stream"
    )


class Submitter(Protocol):
    def submit(self, uid: str, job_id: str, files: Mapping[str, bytes], metadata: Mapping[str, str]) -> None: ...

    def redeliver(self, csv_path: str) -> None:
        """Make render_badges see this (already stored) upload again, for an admin's re-drive."""
        ...


class BlobSubmitter:
    """Cloud: write the objects; the Storage trigger does the rest."""

    def __init__(self, blobs: Any, max_bytes: int = 10_000_000) -> None:
        self._blobs = blobs
        self._max_bytes = max_bytes

    def redeliver(self, csv_path: str) -> None:
        """Write the CSV again over itself (same bytes, type and metadata): a new generation is a new finalized
        event, which is the only way to make the Storage trigger see an upload again (what `gsutil cp` would do)."""
        info = self._blobs.info(csv_path)
        if info is None:
            raise FileNotFoundError(csv_path)
        data = self._blobs.read_bytes(csv_path, max_bytes=self._max_bytes)
        self._blobs.write_bytes(csv_path, data, content_type=info.content_type, metadata=dict(info.metadata))

    def submit(self, uid: str, job_id: str, files: Mapping[str, bytes], metadata: Mapping[str, str]) -> None:
        prefix = upload_prefix(uid, job_id)
        for name, data in ordered(files):
            self._blobs.write_bytes(f"{prefix}/{name}", data, content_type=content_type(name), metadata=dict(metadata))


class RuntimeSubmitter:
    """Local: the LocalRuntime writes the objects and delivers the Storage CloudEvents to main.render_badges
    (on its own thread pool when built with background=True, so the request returns at once)."""

    def __init__(self, runtime: Any) -> None:
        self._runtime = runtime

    def submit(self, uid: str, job_id: str, files: Mapping[str, bytes], metadata: Mapping[str, str]) -> None:
        self._runtime.upload(uid, job_id, dict(ordered(files)), dict(metadata))

    def redeliver(self, csv_path: str) -> None:
        self._runtime.object_finalized(csv_path)
