"""BlobStore over google-cloud-storage: one bucket, object paths as in the port.

Why a plain storage.Client and not firebase_admin.storage: the latter insists on Application Default Credentials
even against an emulator; Cloud Functions' runtime credentials work with either.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from google.api_core import exceptions as gexc
from google.cloud import storage

from badgeforge.ports import BlobInfo, BlobNotFound, BlobTooLarge

# Resumable uploads in 8 MiB pieces (a multiple of 256 KiB, as the API requires): a 200 MB PDF never sits in memory.
DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024


def content_disposition(download_name: str) -> str:
    """`attachment` with an ASCII fallback and the RFC 6266 UTF-8 name, so browsers save "Café badges.pdf" right."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in download_name) or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(download_name, safe='')}"


def _info(blob: storage.Blob) -> BlobInfo:
    return BlobInfo(
        path=blob.name,
        size=int(blob.size or 0),
        content_type=blob.content_type or "application/octet-stream",
        generation=str(blob.generation or ""),
        metadata=dict(blob.metadata or {}),
        updated=blob.updated,
    )


class GcsBlobStore:
    """The port over one google.cloud.storage Bucket (the client decides endpoint and credentials)."""

    def __init__(self, bucket: storage.Bucket, *, chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        if chunk_size % (256 * 1024):
            raise ValueError("chunk_size must be a multiple of 256 KiB")
        self._bucket = bucket
        self.bucket = bucket.name
        self._chunk_size = chunk_size

    def _new_blob(
        self, path: str, content_type: str, download_name: str | None, metadata: Mapping[str, str] | None
    ) -> storage.Blob:
        blob = self._bucket.blob(path, chunk_size=self._chunk_size)
        blob.content_type = content_type
        if download_name:
            blob.content_disposition = content_disposition(download_name)
        if metadata:
            blob.metadata = {str(k): str(v) for k, v in metadata.items()}
        return blob

    def write_bytes(
        self,
        path: str,
        data: bytes,
        *,
        content_type: str,
        download_name: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> BlobInfo:
        blob = self._new_blob(path, content_type, download_name, metadata)
        blob.upload_from_string(data, content_type=content_type)
        return _info(blob)

    def write_file(
        self,
        path: str,
        local_path: Path,
        *,
        content_type: str,
        download_name: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> BlobInfo:
        blob = self._new_blob(path, content_type, download_name, metadata)
        blob.upload_from_filename(str(local_path), content_type=content_type)
        return _info(blob)

    def read_bytes(self, path: str, *, max_bytes: int | None = None) -> bytes:
        blob = self._bucket.get_blob(path)  # metadata first: the size decides before any byte is downloaded
        if blob is None:
            raise BlobNotFound(path)
        if max_bytes is not None and (blob.size or 0) > max_bytes:
            raise BlobTooLarge(f"{path} is {blob.size} bytes, over the limit of {max_bytes}")
        try:
            # end= caps the download even if the object was replaced by a bigger one since the size check.
            data = blob.download_as_bytes(end=max_bytes - 1 if max_bytes else None)
        except gexc.NotFound as err:
            raise BlobNotFound(path) from err
        if max_bytes is not None and len(data) > max_bytes:
            raise BlobTooLarge(f"{path} is over the limit of {max_bytes} bytes")
        return data

    def open_read(self, path: str) -> BinaryIO:
        blob = self._bucket.get_blob(path)
        if blob is None:
            raise BlobNotFound(path)
        # A BlobReader: seekable, fetches chunk_size bytes per ranged request, pinned to this generation.
        return blob.open("rb", chunk_size=self._chunk_size)

    def write_with(
        self,
        path: str,
        writer: Callable[[BinaryIO], None],
        *,
        content_type: str,
        download_name: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> BlobInfo:
        blob = self._new_blob(path, content_type, download_name, metadata)
        # A resumable upload of chunk_size pieces: memory holds one piece; an exception cancels the upload.
        with blob.open("wb", chunk_size=self._chunk_size, content_type=content_type, ignore_flush=True) as handle:
            writer(handle)
        blob.reload()
        return _info(blob)

    def download_to(self, path: str, local_path: Path) -> None:
        local_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._bucket.blob(path).download_to_filename(str(local_path))
        except gexc.NotFound as err:  # the library removes the partial file itself
            raise BlobNotFound(path) from err

    def info(self, path: str) -> BlobInfo | None:
        blob = self._bucket.get_blob(path)
        return _info(blob) if blob is not None else None

    def list(self, prefix: str) -> list[BlobInfo]:
        return sorted((_info(b) for b in self._bucket.list_blobs(prefix=prefix)), key=lambda i: i.path)

    def delete(self, path: str) -> None:
        with contextlib.suppress(gexc.NotFound):
            self._bucket.blob(path).delete()
