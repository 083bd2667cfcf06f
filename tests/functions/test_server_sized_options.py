"""Options that size the server (worker processes) are the server's to decide on every path: a job.json or custom
metadata that asks for 64 workers on the direct-storage path gets the server's choice and a warning saying so."""

from __future__ import annotations

import json

import pytest

import badge_renderer.output as output
from tests.functions.conftest import make_user


@pytest.fixture
def requested_workers(monkeypatch) -> list:
    seen: list = []
    real = output.choose_workers

    def spy(badges, requested):
        seen.append(requested)
        return real(badges, requested)

    monkeypatch.setattr(output, "choose_workers", spy)
    return seen


def test_workers_in_job_json_are_ignored(services, runtime, small_csv, requested_workers):
    user = make_user(services)
    job_json = json.dumps({"workers": 64, "event_name": "Conf"}).encode()
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv, "job.json": job_json})
    job = services.db.get(f"jobs/{user.uid}/j1")
    assert job["status"] == "done"
    assert requested_workers == [None]  # the server's default, not 64
    assert any(w["column"] == "workers" and "server" in w["message"] for w in job["warnings"])


def test_workers_in_custom_metadata_are_ignored(services, runtime, small_csv, requested_workers):
    user = make_user(services)
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv}, metadata={"workers": "64"})
    assert services.db.get(f"jobs/{user.uid}/j1")["status"] == "done"
    assert requested_workers == [None]


def test_a_bad_workers_value_does_not_fail_the_job_either(services, runtime, small_csv, requested_workers):
    user = make_user(services)
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv, "job.json": b'{"workers": "lots"}'})
    assert services.db.get(f"jobs/{user.uid}/j1")["status"] == "done"
