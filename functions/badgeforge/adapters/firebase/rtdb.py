"""TreeDatabase over firebase_admin.db: the Realtime Database through its REST API.

Why our own transaction loop instead of `Reference.transaction`: that one cannot write None (it refuses a None
value, so fn could not delete the node) and retries without any pause, so a hot counter aborts under contention.
Ours keeps its contract (read with ETag, conditional write, fn re-run on conflict, at most 25 attempts, then
ports.TransactionAborted; an exception from fn propagates unchanged and nothing is written) and adds a jittered
exponential pause between attempts (20 writers on one counter all commit).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import firebase_admin
from firebase_admin import db, exceptions

from badgeforge.adapters.firebase.rtdb_listen import StreamSubscription
from badgeforge.ports import QueryNotIndexed, Scalar, TransactionAborted

MAX_TRANSACTION_ATTEMPTS = 25

_PUSH_CHARS = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
_BAD_KEY_CHARS = frozenset(".$#[]/") | frozenset(chr(c) for c in range(32)) | {"\x7f"}


def check_key(key: object, where: str = "") -> None:
    """Refuse a key RTDB would refuse (ValueError, like the local tree), before anything is sent."""
    if not isinstance(key, str) or not key or _BAD_KEY_CHARS & set(key):
        raise ValueError(f"invalid database key {key!r} under {where or '/'!r}: keys may not contain . $ # [ ] /")


def check_keys(value: Any, where: str = "") -> None:
    """check_key on every key of a value about to be written."""
    if isinstance(value, dict):
        for key, child in value.items():
            check_key(key, where)
            check_keys(child, f"{where}/{key}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            check_keys(child, f"{where}/{index}")


class PushKeys:
    """Client-side push ids, as the Firebase SDKs make them: 8 chars of milliseconds then 12 random chars,
    incremented within one millisecond so keys made by one process sort in creation order."""

    def __init__(self, now_ms: Callable[[], int] = lambda: int(time.time() * 1000)) -> None:
        self._now_ms = now_ms
        self._lock = threading.Lock()
        self._last_ms = -1
        self._last_rand = [0] * 12
        self._random = random.SystemRandom()

    def next(self) -> str:
        with self._lock:
            now = self._now_ms()
            if now <= self._last_ms:  # same millisecond (or the clock stepped back): keep increasing
                now = self._last_ms
                i = 11
                while i >= 0 and self._last_rand[i] == 63:
                    self._last_rand[i] = 0
                    i -= 1
                if i < 0:  # 64**12 keys in one millisecond: move on to the next one
                    now += 1
                    self._last_rand = [self._random.randrange(64) for _ in range(12)]
                else:
                    self._last_rand[i] += 1
            else:
                self._last_rand = [self._random.randrange(64) for _ in range(12)]
            self._last_ms = now
            stamp = ""
            for _ in range(8):
                stamp = _PUSH_CHARS[now % 64] + stamp
                now //= 64
            return stamp + "".join(_PUSH_CHARS[n] for n in self._last_rand)


class FirebaseTreeDatabase:
    """The port's RTDB semantics on a firebase_admin App whose options carry databaseURL.

    Emulator mode needs no code here: an http databaseURL with `?ns=`, or FIREBASE_DATABASE_EMULATOR_HOST
    (host:port, no scheme) beside an https databaseURL, both make firebase-admin talk plain HTTP.
    """

    def __init__(
        self,
        app: firebase_admin.App,
        *,
        max_attempts: int = MAX_TRANSACTION_ATTEMPTS,
        pause_seconds: float = 0.005,
        max_pause_seconds: float = 0.25,
        push_keys: PushKeys | None = None,
    ) -> None:
        self._app = app
        self._max_attempts = max_attempts
        self._pause_seconds = pause_seconds
        self._max_pause_seconds = max_pause_seconds
        self._push_keys = push_keys or PushKeys()

    def _ref(self, path: str) -> db.Reference:
        return db.reference("/" + path.strip("/"), app=self._app)

    def get(self, path: str) -> Any:
        return self._ref(path).get()

    def set(self, path: str, value: Any) -> None:
        if value is None:
            self.delete(path)
        else:
            check_keys(value, path)
            self._ref(path).set(value)

    def update(self, path: str, values: Mapping[str, Any]) -> None:
        if values:
            changes = {key.strip("/"): value for key, value in values.items()}
            for key, value in changes.items():
                for segment in key.split("/"):
                    check_key(segment, path)
                check_keys(value, f"{path}/{key}")
            self._ref(path).update(changes)

    def delete(self, path: str) -> None:
        self._ref(path).delete()

    def push_key(self) -> str:
        return self._push_keys.next()

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
        """firebase-admin's Query. Without a lower bound it starts at false, the first scalar in RTDB's order: why,
        children lacking the child sort first and would otherwise use up the limit (the port never returns them)."""
        query = self._ref(path).order_by_child(order_by)
        if equal_to is not None:
            query = query.equal_to(equal_to)
        else:
            query = query.start_at(False if start_at is None else start_at)
            if end_at is not None:
                query = query.end_at(end_at)
        if limit_to_first is not None:
            query = query.limit_to_first(limit_to_first)
        if limit_to_last is not None:
            query = query.limit_to_last(limit_to_last)
        try:
            # The raw answer, not Query.get(): that one sorts an array answer (dense integer keys) into a list and
            # so loses the keys; here an array's indexes are its keys, and we sort as RTDB orders.
            found = query._client.body("get", query._pathurl, params=query._querystr)
        except exceptions.InvalidArgumentError as error:
            if "Index not defined" in str(error):
                raise QueryNotIndexed(str(error)) from error
            raise
        if isinstance(found, list):
            found = {str(i): v for i, v in enumerate(found) if v is not None}
        rows = [
            (_rtdb_order(value[order_by]), key, value)
            for key, value in (found or {}).items()
            if isinstance(value, dict) and isinstance(value.get(order_by), str | int | float | bool)
        ]
        return {key: value for _, key, value in sorted(rows, key=lambda row: (row[0], row[1]))}

    def listen(self, path: str, on_change: Callable[[str], None]) -> StreamSubscription:
        """ports.TreeListener over the REST event stream (Reference.listen), reopened when it dies."""
        return StreamSubscription(self._ref(path), on_change)

    def transaction(self, path: str, fn: Callable[[Any], Any]) -> Any:
        ref = self._ref(path)
        current, etag = ref.get(etag=True)
        for attempt in range(self._max_attempts):
            new_value = fn(current)  # an exception here leaves the database untouched and reaches the caller
            check_keys(new_value, path)
            written, current, etag = _write_if_unchanged(ref, etag, new_value)
            if written:
                return new_value
            if attempt + 1 < self._max_attempts and self._pause_seconds:  # exponential backoff, full jitter
                time.sleep(random.uniform(0, min(self._max_pause_seconds, self._pause_seconds * 2**attempt)))
        raise TransactionAborted(f"transaction on {path!r} aborted after {self._max_attempts} conflicting writes")


def _rtdb_order(value: Any) -> tuple[int, Any]:
    """RTDB's order of scalars: false, true, numbers, strings."""
    if isinstance(value, bool):
        return (2 if value else 1, 0)
    if isinstance(value, int | float):
        return (3, value)
    return (4, value)


def _write_if_unchanged(ref: db.Reference, etag: str, value: Any) -> tuple[bool, Any, str]:
    """Conditional PUT (or DELETE for None); on a 412 return the server's current value and ETag."""
    if value is not None:
        return ref.set_if_unchanged(etag, value)
    # firebase-admin has no conditional delete; the REST API does (if-match on DELETE), through the ref's client.
    try:
        ref._client.request("delete", ref._add_suffix(), headers={"if-match": etag})
        return True, None, ""
    except exceptions.FailedPreconditionError as error:
        response = error.http_response
        if response is not None and "ETag" in response.headers:
            return False, response.json(), response.headers["ETag"]
        raise
