"""A small Realtime Database REST server, so firebase-admin's real `db` client code runs in tests.

Why not the Firebase RTDB emulator: it needs Java and a download that is unreachable here. This server speaks the
part of the REST protocol firebase-admin uses: `.json` paths with `?ns=`, GET (with `X-Firebase-ETag: true`,
`if-none-match`, `shallow=true`, and the queries orderBy="child" with equalTo / startAt / endAt / limitToFirst /
limitToLast, refused with 400 "Index not defined" unless database.rules.json indexes that child there), PUT /
PATCH / POST / DELETE, `if-match` conditional PUT/DELETE answering 412 with the current value and ETag, and
`print=silent`, and streaming (`Accept: text/event-stream`, what `Reference.listen()` opens): a `put` of the whole node
at path "/" first, then a `put` for each write that changes the node (its path relative to the node when the write
was below it), and a `keep-alive` every KEEPALIVE_SECONDS. `drop_streams()` ends every open stream, as a network
drop would. Data follows RTDB rules: null deletes, empty objects vanish,
arrays are stored as objects keyed by index, POST answers `{"name": pushId}`. One JSON tree per namespace.
"""

from __future__ import annotations

import copy
import hashlib
import json
import queue
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from badgeforge.adapters.local.rules_index import Indexes, is_indexed, load_indexes, not_indexed_message

_BAD_KEY = re.compile(r"[.$#\[\]/\x00-\x1f\x7f]")
_PUSH_CHARS = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
KEEPALIVE_SECONDS = 1.0


class RtdbError(Exception):
    """A request the real database would refuse (answered as 400 {"error": ...})."""


def _normalize(value: Any) -> Any:
    """Store a value the way RTDB does: lists become index-keyed objects, nulls and empty objects vanish."""
    if isinstance(value, list):
        value = {str(i): v for i, v in enumerate(value)}
    if isinstance(value, dict):
        out = {}
        for key, child in value.items():
            if not isinstance(key, str) or not key or _BAD_KEY.search(key):
                raise RtdbError(f"Invalid key: {key!r}")
            child = _normalize(child)
            if child is not None:
                out[key] = child
        return out or None
    return value


def _present(value: Any) -> Any:
    """Read a value the way RTDB returns it: objects with mostly-dense integer keys come back as arrays."""
    if not isinstance(value, dict):
        return value
    children = {k: _present(v) for k, v in value.items()}
    if all(k.isdigit() and (k == "0" or not k.startswith("0")) for k in children):
        top = max(int(k) for k in children)
        if top < 2 * len(children):
            return [children.get(str(i)) for i in range(top + 1)]
    return children


def etag_of(value: Any) -> str:
    """A stable ETag of a stored value (the real service also hashes the value; null has its own tag)."""
    if value is None:
        return "null_etag"
    return hashlib.sha1(json.dumps(value, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


@dataclass
class _Stream:
    """One open event stream: where it listens, what it last sent, and the events waiting to go out."""

    ns: str
    parts: list[str]
    last: Any
    events: queue.Queue = field(default_factory=queue.Queue)  # str event, or None: end the stream


def _event(kind: str, path: str, data: Any) -> str:
    return f"event: {kind}\ndata: {json.dumps({'path': path, 'data': data})}\n\n"


@dataclass
class TreeStore:
    """The JSON trees, one per namespace, behind one lock (each request is atomic, as in the real service)."""

    trees: dict[str, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: list[tuple[str, str]] = field(default_factory=list)
    streams: list[_Stream] = field(default_factory=list)
    stream_opens: int = 0  # how many streams were ever opened (a reconnect opens one more)
    refuse_streams: bool = False  # answer new streams 503, as a server that is away would
    _last_push_ms: int = -1
    _last_rand: list[int] = field(default_factory=list)

    def read(self, ns: str, parts: list[str]) -> Any:
        node = self.trees.get(ns)
        for key in parts:
            if not isinstance(node, dict):
                return None
            node = node.get(key)
        return node

    def write(self, ns: str, parts: list[str], value: Any) -> None:
        value = _normalize(value)
        if not parts:
            self.trees[ns] = value
            return
        root = self.trees.get(ns)
        root = root if isinstance(root, dict) else {}
        chain = [root]
        for key in parts[:-1]:
            child = chain[-1].get(key)
            child = child if isinstance(child, dict) else {}
            chain[-1][key] = child
            chain.append(child)
        if value is None:
            chain[-1].pop(parts[-1], None)
        else:
            chain[-1][parts[-1]] = value
        for depth in range(len(chain) - 1, 0, -1):  # empty parents vanish
            if not chain[depth]:
                chain[depth - 1].pop(parts[depth - 1], None)
        self.trees[ns] = root or None

    def notify(self, ns: str, written: list[str]) -> None:
        """After a write at `written` (under the lock): a `put` to every stream whose node it changed."""
        for stream in self.streams:
            if stream.ns != ns:
                continue
            now = self.read(ns, stream.parts)
            if now == stream.last:
                continue
            stream.last = copy.deepcopy(now)
            depth = len(stream.parts)
            if len(written) > depth and written[:depth] == stream.parts:
                stream.events.put(_event("put", "/" + "/".join(written[depth:]), _present(self.read(ns, written))))
            else:
                stream.events.put(_event("put", "/", _present(now)))

    def drop_streams(self) -> int:
        """End every open stream (the client sees its connection close); returns how many."""
        with self.lock:
            dropped = list(self.streams)
            self.streams.clear()
        for stream in dropped:
            stream.events.put(None)
        return len(dropped)

    def push_id(self, now_ms: int, rand: Any) -> str:
        """Chronological push id: 8 chars of time, 12 random chars incremented within one millisecond."""
        if now_ms == self._last_push_ms and self._last_rand:
            i = 11
            while i >= 0 and self._last_rand[i] == 63:
                self._last_rand[i] = 0
                i -= 1
            self._last_rand[i] += 1
        else:
            self._last_rand = [rand.randrange(64) for _ in range(12)]
        self._last_push_ms = now_ms
        stamp = []
        for _ in range(8):
            stamp.append(_PUSH_CHARS[now_ms % 64])
            now_ms //= 64
        return "".join(reversed(stamp)) + "".join(_PUSH_CHARS[n] for n in self._last_rand)


def _rank(value: Any) -> tuple[int, Any]:
    """RTDB's orderByChild order: null, false, true, numbers, strings, objects (objects compare equal)."""
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (2 if value else 1, 0)
    if isinstance(value, int | float):
        return (3, value)
    if isinstance(value, str):
        return (4, value)
    return (5, 0)


def run_query(value: Any, parts: list[str], params: dict[str, str], indexes: Indexes) -> Any:
    """Answer a REST query as RTDB does: filter and limit children by their orderBy child (the JSON answer is
    unordered; clients sort it)."""
    try:
        order_by = json.loads(params["orderBy"])
        bounds = {name: json.loads(params[name]) for name in ("equalTo", "startAt", "endAt") if name in params}
        limits = {name: int(params[name]) for name in ("limitToFirst", "limitToLast") if name in params}
    except ValueError as err:
        raise RtdbError(f"Invalid query parameter: {err}") from err
    if not isinstance(order_by, str) or order_by.startswith("$"):
        raise RtdbError("orderBy must be a child name (this test server supports no $key/$value/$priority)")
    if not is_indexed(indexes, parts, order_by):
        raise RtdbError(not_indexed_message(parts, order_by))
    if not isinstance(value, dict):
        return None
    rows = sorted(
        (_rank(child.get(order_by) if isinstance(child, dict) else None), key, child) for key, child in value.items()
    )
    if "equalTo" in bounds:
        rows = [row for row in rows if row[0] == _rank(bounds["equalTo"])]
    if "startAt" in bounds:
        rows = [row for row in rows if row[0] >= _rank(bounds["startAt"])]
    if "endAt" in bounds:
        rows = [row for row in rows if row[0] <= _rank(bounds["endAt"])]
    if "limitToFirst" in limits:
        rows = rows[: limits["limitToFirst"]]
    if "limitToLast" in limits:
        rows = rows[len(rows) - min(len(rows), limits["limitToLast"]) :]
    return {key: child for _, key, child in rows} or None


def _split_path(raw: str) -> list[str]:
    path = unquote(raw)
    if not path.endswith(".json"):
        raise RtdbError("Path must end with .json")
    parts = [p for p in path[: -len(".json")].split("/") if p]
    for part in parts:
        if _BAD_KEY.search(part):
            raise RtdbError(f"Invalid path segment: {part!r}")
    return parts


class _Handler(BaseHTTPRequestHandler):
    server: _RtdbHttpServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: avoid the 40 ms delayed-ACK stall

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: Any = None, *, etag: str | None = None, empty: bool = False) -> None:
        data = b"" if empty else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        if etag is not None:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            raise RtdbError("No data supplied.")
        try:
            return json.loads(raw)
        except ValueError as err:
            raise RtdbError("Invalid data; couldn't parse JSON object.") from err

    def _handle(self, method: str) -> None:
        store = self.server.store
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        ns = query.get("ns", "default")
        try:
            parts = _split_path(url.path)
            body = self._body() if method in ("PUT", "PATCH", "POST") else None
        except RtdbError as err:
            self._send(400, {"error": str(err)})
            return
        silent = query.get("print") == "silent"
        if method == "GET" and "text/event-stream" in self.headers.get("Accept", ""):
            self._stream(ns, parts)
            return
        with store.lock:
            store.requests.append((method, self.path))
            current = store.read(ns, parts)
            tag = etag_of(current)
            if method == "GET":
                if self.headers.get("if-none-match") == tag:
                    self._send(304, empty=True)
                    return
                if "orderBy" in query:
                    try:
                        current = run_query(current, parts, query, self.server.indexes)
                    except RtdbError as err:
                        self._send(400, {"error": str(err)})
                        return
                value = _present(current)
                if query.get("shallow") == "true" and isinstance(value, dict | list):
                    keys = value.keys() if isinstance(value, dict) else [str(i) for i, v in enumerate(value) if v]
                    value = dict.fromkeys(keys, True)
                with_etag = self.headers.get("X-Firebase-ETag", "").lower() == "true"
                self._send(200, value, etag=tag if with_etag else None)
                return
            expected = self.headers.get("if-match")
            if expected is not None and expected != tag:
                self._send(412, _present(current), etag=tag)
                return
            try:
                answer = self._mutate(method, ns, parts, body)
            except RtdbError as err:
                self._send(400, {"error": str(err)})
                return
            new_tag = etag_of(store.read(ns, parts))
            store.notify(ns, parts)
        if silent:
            self._send(204, empty=True, etag=new_tag)
        else:
            self._send(200, answer, etag=new_tag)

    def _stream(self, ns: str, parts: list[str]) -> None:
        """An event stream of the node at `parts` until the client goes or drop_streams() ends it."""
        store = self.server.store
        if store.refuse_streams:
            self._send(503, {"error": "Service unavailable (the test switched streams off)"})
            return
        with store.lock:
            current = store.read(ns, parts)
            stream = _Stream(ns, parts, copy.deepcopy(current))
            store.streams.append(stream)
            store.stream_opens += 1
            first = _event("put", "/", _present(current))
        self.close_connection = True
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            item: str | None = first
            while item is not None:
                self.wfile.write(item.encode())
                self.wfile.flush()
                try:
                    item = stream.events.get(timeout=KEEPALIVE_SECONDS)
                except queue.Empty:
                    item = "event: keep-alive\ndata: null\n\n"
        except OSError:
            pass  # the client went away
        finally:
            with store.lock:
                if stream in store.streams:
                    store.streams.remove(stream)

    def _mutate(self, method: str, ns: str, parts: list[str], body: Any) -> Any:
        store = self.server.store
        if method == "PUT":
            store.write(ns, parts, body)
            return body
        if method == "DELETE":
            store.write(ns, parts, None)
            return None
        if method == "POST":
            name = store.push_id(self.server.now_ms(), self.server.random)
            store.write(ns, [*parts, name], body)
            return {"name": name}
        if not isinstance(body, dict):  # PATCH: a multi-location update, checked whole before any write
            raise RtdbError("PATCH data must be an object.")
        updates = [(k.strip("/").split("/"), v) for k, v in body.items()]
        for keys, value in updates:
            if any(not k or _BAD_KEY.search(k) for k in keys):
                raise RtdbError(f"Invalid path: {'/'.join(keys)!r}")
            _normalize(value)
        for keys, value in updates:
            store.write(ns, [*parts, *keys], value)
        return body

    def do_GET(self) -> None:
        self._handle("GET")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")


class _RtdbHttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], indexes: Indexes) -> None:
        import random
        import time

        super().__init__(address, _Handler)
        self.indexes = indexes
        self.store = TreeStore()
        self.random = random.Random()
        self.now_ms = lambda: int(time.time() * 1000)


@dataclass(frozen=True)
class RtdbServer:
    """A running server: `url(ns)` is a databaseURL firebase-admin accepts (http + ?ns= means emulator mode)."""

    host: str
    port: int
    store: TreeStore

    @property
    def emulator_host(self) -> str:
        """The value for FIREBASE_DATABASE_EMULATOR_HOST (host:port, no scheme)."""
        return f"{self.host}:{self.port}"

    def url(self, namespace: str = "demo-badgeforge") -> str:
        return f"http://{self.host}:{self.port}?ns={namespace}"

    def tree(self, namespace: str = "demo-badgeforge") -> Any:
        with self.store.lock:
            return copy.deepcopy(_present(self.store.trees.get(namespace)))


@contextmanager
def running_rtdb_server(host: str = "127.0.0.1", indexes: Indexes | None = None) -> Iterator[RtdbServer]:
    """Start the server on a free port in a background thread; always shut it down. `indexes`: the `.indexOn`s
    queries may use (default: the project's database.rules.json)."""
    httpd = _RtdbHttpServer((host, 0), load_indexes() if indexes is None else indexes)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), name="rtdb-server", daemon=True)
    thread.start()
    try:
        yield RtdbServer(host=host, port=httpd.server_address[1], store=httpd.store)
    finally:
        httpd.store.drop_streams()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
