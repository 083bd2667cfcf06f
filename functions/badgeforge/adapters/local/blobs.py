"""A folder that behaves like one Cloud Storage bucket: objects under objects/, metadata in sidecar JSON files.

Writes go to a temporary file then os.replace, so a reader never sees half an object, even across processes.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from badgeforge.ports import BlobInfo, BlobNotFound, BlobTooLarge, is_object_path
from badgeforge.private_files import private_dir


def check_object_path(path: str) -> str:
    """Reject paths that could leave the bucket folder (.., absolute, empty segments, control characters)."""
    if not is_object_path(path):
        raise ValueError(f"not a valid object path: {path!r}")
    return path


class FolderBlobStore:
    """BlobStore on a local folder: <root>/<bucket>/objects/<path> and <root>/<bucket>/meta/<path>.json."""

    def __init__(self, root: Path, bucket: str) -> None:
        self.bucket = bucket
        self.base = Path(root) / bucket
        self.objects = self.base / "objects"
        self.meta = self.base / "meta"
        self._lock = threading.Lock()
        self._last_generation = 0

    def local_path(self, path: str) -> Path:
        """Where the object's bytes live on disk (the web server and the CLI print this)."""
        return self.objects / check_object_path(path)

    def _meta_path(self, path: str) -> Path:
        return self.meta / (check_object_path(path) + ".json")

    def _next_generation(self) -> str:
        # Like GCS: microseconds since the epoch, strictly increasing within this process.
        with self._lock:
            self._last_generation = max(time.time_ns() // 1000, self._last_generation + 1)
            return str(self._last_generation)

    @staticmethod
    def _atomic_write(target: Path, write) -> None:
        private_dir(target.parent)
        # mkstemp makes the file 0600 and os.replace keeps that mode: objects are owner-only like the rest of home
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
        try:
            with os.fdopen(fd, "wb") as handle:
                write(handle)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _store(self, path, write, *, content_type, download_name, metadata) -> BlobInfo:
        target = self.local_path(path)
        self._atomic_write(target, write)
        meta = {
            "contentType": content_type,
            "generation": self._next_generation(),
            "metadata": dict(metadata or {}),
            "updated": datetime.now(UTC).isoformat(),
        }
        if download_name:
            meta["contentDisposition"] = f'attachment; filename="{download_name}"'
        data = json.dumps(meta).encode()
        self._atomic_write(self._meta_path(path), lambda h: h.write(data))
        info = self.info(path)
        assert info is not None
        return info

    def write_bytes(
        self,
        path: str,
        data: bytes,
        *,
        content_type: str,
        download_name: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> BlobInfo:
        return self._store(
            path, lambda h: h.write(data), content_type=content_type, download_name=download_name, metadata=metadata
        )

    def write_file(
        self,
        path: str,
        local_path: Path,
        *,
        content_type: str,
        download_name: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> BlobInfo:
        def copy(handle) -> None:
            with open(local_path, "rb") as source:
                shutil.copyfileobj(source, handle, 1 << 20)

        return self._store(path, copy, content_type=content_type, download_name=download_name, metadata=metadata)

    def read_bytes(self, path: str, *, max_bytes: int | None = None) -> bytes:
        target = self.local_path(path)
        try:
            size = target.stat().st_size
        except FileNotFoundError as err:
            raise BlobNotFound(path) from err
        if max_bytes is not None and size > max_bytes:
            raise BlobTooLarge(f"{path} is {size} bytes, more than the {max_bytes} allowed")
        try:
            return target.read_bytes()
        except FileNotFoundError as err:
            raise BlobNotFound(path) from err

    def open_read(self, path: str) -> BinaryIO:
        try:
            return open(self.local_path(path), "rb")  # the caller closes it
        except FileNotFoundError as err:
            raise BlobNotFound(path) from err

    def write_with(
        self,
        path: str,
        writer: Callable[[BinaryIO], None],
        *,
        content_type: str,
        download_name: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> BlobInfo:
        return self._store(path, writer, content_type=content_type, download_name=download_name, metadata=metadata)

    def download_to(self, path: str, local_path: Path) -> None:
        try:
            shutil.copyfile(self.local_path(path), local_path)
        except FileNotFoundError as err:
            raise BlobNotFound(path) from err

    def info(self, path: str) -> BlobInfo | None:
        target = self.local_path(path)
        try:
            stat = target.stat()
        except FileNotFoundError:
            return None
        try:
            meta = json.loads(self._meta_path(path).read_text())
        except (FileNotFoundError, ValueError):
            meta = {}
        updated = meta.get("updated")
        return BlobInfo(
            path=path,
            size=stat.st_size,
            content_type=meta.get("contentType", "application/octet-stream"),
            generation=str(meta.get("generation", stat.st_mtime_ns // 1000)),
            metadata=dict(meta.get("metadata", {})),
            updated=datetime.fromisoformat(updated) if updated else datetime.fromtimestamp(stat.st_mtime, UTC),
        )

    def content_disposition(self, path: str) -> str | None:
        """The stored Content-Disposition (the download name), for the local web server."""
        try:
            return json.loads(self._meta_path(path).read_text()).get("contentDisposition")
        except (FileNotFoundError, ValueError):
            return None

    def list(self, prefix: str) -> list[BlobInfo]:
        if not self.objects.is_dir():
            return []
        found = []
        for file in self.objects.rglob("*"):
            if not file.is_file() or file.name.startswith(".tmp-"):
                continue
            path = file.relative_to(self.objects).as_posix()
            if path.startswith(prefix):
                info = self.info(path)
                if info is not None:
                    found.append(info)
        return sorted(found, key=lambda i: i.path)

    def delete(self, path: str) -> None:
        self.local_path(path).unlink(missing_ok=True)
        self._meta_path(path).unlink(missing_ok=True)
