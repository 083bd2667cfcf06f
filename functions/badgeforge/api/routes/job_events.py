"""GET /api/jobs/<id>/events: a job's progress pushed as server-sent events (`badgeforge serve`), so pages stop
polling. Auth is the other job routes' bearer token (the page reads the stream with fetch, which can send it).

Stream: `retry:` first, then `event: job` with the same view GET /api/jobs/<id> answers whenever it changes (the
final done/failed one with the download link, as GET gives it), a `: heartbeat` comment while nothing changes, and the
end of the stream at done or failed (`event: gone` for a deleted or missing job). In Firebase mode the route answers
404: pages listen to jobs/{uid}/{jobId} in the Realtime Database there and the api function holds no connections.
Why the server reads the job every poll_seconds: chunk workers and the render run in other processes and write the
same SQLite file, so there is no in-process change signal to wait on; that read is local and cheap.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, stream_with_context

from badgeforge.services import trash

from ..context import api, current_user
from ..errors import ApiError
from .jobs import _safe_key, job_view

bp = Blueprint("job_events", __name__)

FINAL = ("done", "failed")


def _event(kind: str, data: Any) -> str:
    return f"event: {kind}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


@bp.get("/api/jobs/<job_id>/events")
def job_events(job_id: str):
    ctx = api()
    if not ctx.local:
        raise ApiError(404, "not_found", "Progress streams are served by `badgeforge serve` only.")
    user = current_user()
    services = ctx.services
    path = f"jobs/{user.uid}/{job_id}"
    first = services.db.get(path) if _safe_key(job_id) else None
    if not isinstance(first, dict) or trash.is_deleted(first):
        raise ApiError(404, "not_found", "No such job.")
    streams = ctx.streams
    streams.take(user.uid)

    def events() -> Iterator[str]:
        try:
            yield f"retry: {int(streams.poll_seconds * 1000) + 2000}\n\n"
            started = last_word = time.monotonic()
            last: Any = None
            job: Any = first
            while True:
                if not isinstance(job, dict) or trash.is_deleted(job):
                    yield _event("gone", {"id": job_id})
                    return
                final = job.get("status") in FINAL
                view = job_view(services, user.uid, job_id, job, with_link=final)
                now = time.monotonic()
                if view != last:
                    yield _event("job", view)
                    last, last_word = view, now
                if final or now - started >= streams.max_seconds:
                    return
                if now - last_word >= streams.heartbeat_seconds:
                    yield ": heartbeat\n\n"
                    last_word = now
                time.sleep(streams.poll_seconds)
                job = services.db.get(path)
        finally:  # also when the client went away (the next write fails and the generator is closed)
            streams.give_back(user.uid)

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return Response(stream_with_context(events()), mimetype="text/event-stream", headers=headers)
