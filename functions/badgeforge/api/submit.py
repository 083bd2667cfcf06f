"""How a new job's files reach the render pipeline.

In the cloud, writing `uploads/{uid}/{jobId}/attendees.csv` IS the trigger (Storage finalize -> render_badges), so
we write the options and images first and the CSV last. Locally the runtime writes the same objects and delivers
the same CloudEvent to main.render_badges; `badgeforge serve` runs that on a background thread so the request
returns 202 at once and the page can follow real progress.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Executor
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


class BlobSubmitter:
    """Cloud: write the objects; the Storage trigger does the rest."""

    def __init__(self, blobs: Any) -> None:
        self._blobs = blobs

    def submit(self, uid: str, job_id: str, files: Mapping[str, bytes], metadata: Mapping[str, str]) -> None:
        prefix = upload_prefix(uid, job_id)
        for name, data in ordered(files):
            self._blobs.write_bytes(f"{prefix}/{name}", data, content_type=content_type(name), metadata=dict(metadata))


class RuntimeSubmitter:
    """Local: hand the upload to the local runtime (which delivers the CloudEvents) on an executor."""

    def __init__(self, upload: Callable[..., Any], executor: Executor | None = None) -> None:
        self._upload = upload
        self._executor = executor

    def submit(self, uid: str, job_id: str, files: Mapping[str, bytes], metadata: Mapping[str, str]) -> None:
        payload = dict(ordered(files))
        if self._executor is None:
            self._upload(uid, job_id, payload, dict(metadata))
        else:
            self._executor.submit(self._upload, uid, job_id, payload, dict(metadata))
