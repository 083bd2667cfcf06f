"""GET /api/jobs/<id>/events: progress pushed as server-sent events, read here through the real Flask app (test
client, unbuffered) while another thread writes the job as the render does."""

from __future__ import annotations

import json
import threading
import time

import pytest

from .test_jobs import finish, start_job


@pytest.fixture
def fast(env):
    streams = env.app.extensions["badgeforge"].streams
    streams.poll_seconds, streams.heartbeat_seconds = 0.01, 0.05
    return env


def _events(response, *, until: int = 1_000, timeout: float = 10.0) -> list[tuple[str, object]]:
    """(kind, data) of each event, ("heartbeat", None) per heartbeat, until the stream ends or `until` events."""
    found: list[tuple[str, object]] = []
    buffer, deadline = "", time.monotonic() + timeout
    for chunk in response.response:
        buffer += chunk.decode() if isinstance(chunk, bytes) else chunk
        while "\n\n" in buffer:
            block, buffer = buffer.split("\n\n", 1)
            if block.startswith(": heartbeat"):
                found.append(("heartbeat", None))
            elif block.startswith("event:"):
                kind, data = (line.split(": ", 1)[1] for line in block.splitlines())
                found.append((kind, json.loads(data)))
        if len(found) >= until or time.monotonic() > deadline:
            break
    return found


def test_progress_is_pushed_until_done_then_the_stream_ends(fast):
    env = fast
    headers = env.headers("organizer@example.com")
    job_id = start_job(env, headers)
    uid = env.organizer.uid

    def render():
        time.sleep(0.1)
        for percent in (30, 60, 90):
            env.services.db.update(f"jobs/{uid}/{job_id}", {"status": "rendering", "progress": percent})
            time.sleep(0.1)
        finish(env, uid, job_id)

    writer = threading.Thread(target=render)
    response = env.client.get(f"/api/jobs/{job_id}/events", headers=headers, buffered=False)
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    writer.start()
    events = _events(response)
    writer.join()
    jobs = [data for kind, data in events if kind == "job"]
    assert jobs[0]["status"] == "queued" and jobs[-1]["status"] == "done" and jobs[-1]["link"]
    assert [j["progress"] for j in jobs if j["status"] == "rendering"] == [30, 60, 90]
    assert env.app.extensions["badgeforge"].streams.open_for(uid) == 0  # the slot is given back at the end


def test_a_quiet_job_gets_heartbeats(fast):
    headers = fast.headers("organizer@example.com")
    job_id = start_job(fast, headers)
    response = fast.client.get(f"/api/jobs/{job_id}/events", headers=headers, buffered=False)
    events = _events(response, until=3)
    response.close()
    assert events[0][0] == "job" and events[1:] == [("heartbeat", None), ("heartbeat", None)]


def test_streams_are_bounded_per_user_and_freed_when_closed(fast):
    fast.app.extensions["badgeforge"].streams.per_user = 1
    headers = fast.headers("organizer@example.com")
    job_id = start_job(fast, headers)
    first = fast.client.get(f"/api/jobs/{job_id}/events", headers=headers, buffered=False)
    _events(first, until=1)
    second = fast.client.get(f"/api/jobs/{job_id}/events", headers=headers, buffered=False)
    assert second.status_code == 429 and second.get_json()["error"]["code"] == "too_many_streams"
    first.close()
    third = fast.client.get(f"/api/jobs/{job_id}/events", headers=headers, buffered=False)
    assert third.status_code == 200
    third.close()


def test_events_need_the_owner(fast):
    job_id = start_job(fast, fast.headers("organizer@example.com"))
    assert fast.client.get(f"/api/jobs/{job_id}/events").status_code == 401
    other = fast.client.get(f"/api/jobs/{job_id}/events", headers=fast.headers("admin@example.com"))
    assert other.status_code == 404
