"""One port per outside thing. Services take these as arguments; adapters (local, firebase) implement them.

Paths are slash-separated without a leading slash: blob paths like `badges/u1/j1/badges.pdf`, database paths
like `jobs/u1/j1` (RTDB semantics: a missing node reads as None, writing None deletes, empty dicts vanish).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, Protocol, runtime_checkable


class BlobNotFound(LookupError):
    """The object does not exist."""


class BlobTooLarge(ValueError):
    """The object is larger than the caller allowed (checked before reading it all)."""


class UserExists(ValueError):
    """An account with that email already exists in the user directory."""


class DirectoryBusy(RuntimeError):
    """The user directory is at its limit of concurrent password checks; the caller should try again shortly."""


class TransactionAborted(RuntimeError):
    """A database transaction kept conflicting with other writers and gave up; nothing was written."""


class DatabaseFull(RuntimeError):
    """The database had no room for a write (its disk is full, or its size cap is reached); nothing was written.
    Why a type of its own: a failed job must say so, not hide it behind an unexpected error."""


class QueryNotIndexed(ValueError):
    """A query ordered by a child that the rules do not index (`.indexOn`); RTDB answers 400 "Index not defined".
    Why refuse rather than scan: an unindexed query downloads the whole list, the cost this port exists to avoid."""


class MailTemporaryError(RuntimeError):
    """The mail provider failed in a way worth retrying later (timeout, 429, 5xx)."""


class MailPermanentError(RuntimeError):
    """The mail provider refused the message for good (4xx other than 429): retrying will not help."""


def is_object_path(path: object) -> bool:
    """A blob path every BlobStore accepts: non-empty segments, no `.`/`..`, no leading slash, backslash or control
    character. Why here: the folder store, the /files/ route and callers must agree on what stays in the bucket."""
    if not isinstance(path, str) or not path or path.startswith("/") or "\\" in path:
        return False
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in path):
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))


@dataclass(frozen=True)
class BlobInfo:
    """What the store knows about one object."""

    path: str
    size: int
    content_type: str = "application/octet-stream"
    generation: str = ""
    metadata: Mapping[str, str] = field(default_factory=dict)
    updated: datetime | None = None


@runtime_checkable
class BlobStore(Protocol):
    """Cloud Storage (one bucket) or a local folder."""

    bucket: str

    def write_bytes(
        self,
        path: str,
        data: bytes,
        *,
        content_type: str,
        download_name: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> BlobInfo: ...

    def write_file(
        self,
        path: str,
        local_path: Path,
        *,
        content_type: str,
        download_name: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> BlobInfo: ...

    def read_bytes(self, path: str, *, max_bytes: int | None = None) -> bytes:
        """Raises BlobNotFound, or BlobTooLarge when the object is over max_bytes (checked from its size first)."""
        ...

    def download_to(self, path: str, local_path: Path) -> None: ...

    def open_read(self, path: str) -> BinaryIO:
        """A seekable binary reader of the object, read on demand (no local copy); raises BlobNotFound."""
        ...

    def write_with(
        self,
        path: str,
        writer: Callable[[BinaryIO], None],
        *,
        content_type: str,
        download_name: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> BlobInfo:
        """Create the object from what `writer` writes into the handle it gets, streamed to the store (a resumable
        upload in the cloud) so the bytes never sit in a local file; nothing is stored if `writer` raises."""
        ...

    def info(self, path: str) -> BlobInfo | None: ...

    def list(self, prefix: str) -> list[BlobInfo]: ...

    def delete(self, path: str) -> None:
        """Deleting a missing object is not an error."""
        ...


@runtime_checkable
class LinkSigner(Protocol):
    """Makes a time-limited download URL for one object (V4 signed URL in the cloud, a local URL locally)."""

    def signed_url(self, path: str, *, expires: timedelta, download_name: str | None = None) -> str: ...


Scalar = str | int | float | bool


@runtime_checkable
class TreeDatabase(Protocol):
    """The Realtime Database tree (or SQLite holding the same JSON tree)."""

    def get(self, path: str) -> Any: ...

    def set(self, path: str, value: Any) -> None: ...

    def update(self, path: str, values: Mapping[str, Any]) -> None:
        """Multi-location update: keys are paths relative to `path`; a None value deletes."""
        ...

    def delete(self, path: str) -> None: ...

    def push_key(self) -> str:
        """A new chronologically ordered, RTDB-safe unique key."""
        ...

    def query(
        self,
        path: str,
        *,
        order_by: str,
        equal_to: Scalar | None = None,
        start_at: Scalar | None = None,
        end_at: Scalar | None = None,
        limit_to_first: int | None = None,
        limit_to_last: int | None = None,
    ) -> dict[str, Any]:
        """The children of `path` ordered by their child `order_by` (RTDB order: false, true, numbers, strings;
        ties by key), filtered by equal_to or start_at/end_at (inclusive), then the first or last `limit`; as an
        insertion-ordered dict key -> child. Children without a scalar `order_by` are never returned (so a limit is
        never spent on them). The child must be indexed (`.indexOn` in database.rules.json), else QueryNotIndexed.
        """
        ...

    def transaction(self, path: str, fn: Callable[[Any], Any]) -> Any:
        """Atomically replace the value at `path` with fn(current) and return it.

        fn must be pure: it may run several times under contention. An exception raised by fn aborts the
        transaction (nothing written) and propagates to the caller.
        """
        ...


@runtime_checkable
class Subscription(Protocol):
    def close(self) -> None:
        """Stop the calls (and the stream or thread behind them)."""
        ...


@runtime_checkable
class TreeListener(Protocol):
    """Changes pushed from the database instead of polling it: RTDB's streaming listen (server-sent events), or
    the SQLite tree's change ring. A separate port from TreeDatabase: a database that cannot notify is still one."""

    def listen(self, path: str, on_change: Callable[[str], None]) -> Subscription:
        """Call on_change(changed_path) from a background thread after a write at, above or below `path` (calls
        may coalesce; the path is a hint: read what you need). Not called for the state at subscription; called
        with "" after a dropped connection is re-established (changes may have been missed in between)."""
        ...


@dataclass(frozen=True)
class OutgoingMail:
    """One email, already rendered; `custom_args` travel with it so provider events can be matched to jobs."""

    to: str
    subject: str
    text: str
    html: str
    from_email: str
    from_name: str = "BadgeForge"
    custom_args: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MailReceipt:
    """What the provider said: its message id (SendGrid's X-Message-Id, or the .eml path locally)."""

    provider: str
    message_id: str


@runtime_checkable
class Mailer(Protocol):
    def send(self, mail: OutgoingMail) -> MailReceipt:
        """Raises MailTemporaryError (retry later) or MailPermanentError (give up)."""
        ...


@dataclass(frozen=True)
class UserRecord:
    """An account as the identity provider knows it (Firebase Auth, or the local directory)."""

    uid: str
    email: str
    display_name: str = ""
    admin: bool = False
    email_verified: bool = False  # only a verified address gets the default usage and badge mail


def normalize_email(email: str) -> str:
    """The one spelling of an account's email every directory stores and looks up (trimmed, lower case)."""
    normalized = email.strip().lower()
    if "@" not in normalized:
        raise ValueError(f"not an email address: {normalized!r}")
    return normalized


@runtime_checkable
class UserDirectory(Protocol):
    def get(self, uid: str) -> UserRecord | None: ...

    def find_by_email(self, email: str) -> UserRecord | None: ...

    def create(
        self, email: str, *, password: str | None = None, admin: bool = False, display_name: str = ""
    ) -> UserRecord: ...

    def set_admin(self, uid: str, admin: bool) -> None: ...


@runtime_checkable
class Clock(Protocol):
    def now(self) -> datetime:
        """Timezone-aware UTC now."""
        ...


@runtime_checkable
class TaskQueue(Protocol):
    """Cloud Tasks behind the renderChunk task function (or the local runtime's worker processes).

    A task id names the work, not the attempt: enqueueing the same id again is not an error and adds nothing."""

    def enqueue(self, payload: Mapping[str, Any], *, task_id: str) -> None: ...


class PrintFailed(RuntimeError):
    """The printer (or its spooler) did not take the label; the message says what it answered."""


@runtime_checkable
class LabelPrinter(Protocol):
    """A station's printer: a CUPS queue or a Zebra on raw TCP 9100 (adapters/printers.py)."""

    def send(self, data: bytes, fmt: str, title: str, media: str | None = None) -> str:
        """Hand one label (PDF or ZPL bytes) over, on `media` (a CUPS page size such as Custom.62x100mm); returns
        what the printer side said. Raises PrintFailed."""
        ...
