"""CloudEvents shaped exactly as Eventarc delivers them (checked against tests/fixtures/events).

Storage: type google.cloud.storage.object.v1.finalized, `time` with fractional seconds, `generation`/`size` as
strings. RTDB: type google.firebase.database.ref.v1.created, data {"data": None, "delta": value}, and the extension
attributes ref, instance, firebasedatabasehost, location.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import google_crc32c
from cloudevents.http import CloudEvent

from badgeforge.ports import BlobInfo

STORAGE_FINALIZED = "google.cloud.storage.object.v1.finalized"
DATABASE_CREATED = "google.firebase.database.ref.v1.created"


def rfc3339(at: datetime, digits: int = 3) -> str:
    """2026-11-23T11:42:07.123Z (Eventarc always sends the fraction; the SDK's parser requires it)."""
    text = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return text[: len(text) - (6 - digits)] + "Z"


def crc32c_b64(content: bytes) -> str:
    """Cloud Storage's `crc32c`: CRC-32C (Castagnoli, not zlib's CRC-32), big-endian, base64."""
    return base64.b64encode(google_crc32c.value(content).to_bytes(4, "big")).decode()


def storage_object_data(bucket: str, info: BlobInfo, content: bytes | None = None) -> dict[str, Any]:
    """The StorageObjectData JSON for one object, as Cloud Storage reports it."""
    updated = rfc3339(info.updated or datetime.now(UTC))
    quoted = quote(info.path, safe="")
    data: dict[str, Any] = {
        "kind": "storage#object",
        "id": f"{bucket}/{info.path}/{info.generation}",
        "selfLink": f"https://www.googleapis.com/storage/v1/b/{bucket}/o/{quoted}",
        "name": info.path,
        "bucket": bucket,
        "generation": str(info.generation),
        "metageneration": "1",
        "contentType": info.content_type,
        "timeCreated": updated,
        "updated": updated,
        "storageClass": "STANDARD",
        "timeStorageClassUpdated": updated,
        "size": str(info.size),
        "mediaLink": f"https://storage.googleapis.com/download/storage/v1/b/{bucket}/o/{quoted}"
        f"?generation={info.generation}&alt=media",
        "etag": base64.b64encode(str(info.generation).encode()).decode()[:12],
    }
    if content is not None:
        data["md5Hash"] = base64.b64encode(hashlib.md5(content).digest()).decode()
        data["crc32c"] = crc32c_b64(content)
    if info.metadata:
        data["metadata"] = dict(info.metadata)
    return data


def storage_finalized(bucket: str, info: BlobInfo, content: bytes | None = None) -> CloudEvent:
    attributes = {
        "specversion": "1.0",
        "id": str(secrets.randbits(53)),
        "source": f"//storage.googleapis.com/projects/_/buckets/{bucket}",
        "type": STORAGE_FINALIZED,
        "subject": f"objects/{info.path}",
        "time": rfc3339(datetime.now(UTC), 6),
        "datacontenttype": "application/json",
    }
    return CloudEvent(attributes, storage_object_data(bucket, info, content))


def database_created(ref: str, value: Any, *, instance: str, location: str, host: str = "firebaseio.com") -> CloudEvent:
    ref = ref.strip("/")
    attributes = {
        "specversion": "1.0",
        "id": base64.b64encode(secrets.token_bytes(20)).decode(),
        "source": f"//firebasedatabase.googleapis.com/projects/_/locations/{location}/instances/{instance}",
        "type": DATABASE_CREATED,
        "subject": f"refs/{ref}",
        "time": rfc3339(datetime.now(UTC)),
        "datacontenttype": "application/json",
        "ref": ref,
        "instance": instance,
        "firebasedatabasehost": host,
        "location": location,
        "authtype": "admin",
    }
    return CloudEvent(attributes, {"data": None, "delta": value})
