"""A job with more warnings than its node keeps (200) writes all of them beside the PDF, for the web page."""

from __future__ import annotations

import json

from badgeforge.services import job_paths

from .conftest import make_user


def test_a_job_with_many_warnings_keeps_all_of_them_beside_the_pdf(services, runtime):
    user = make_user(services)
    long_name = "Very long organisation name " * 8
    rows = "".join(f"Person {i},{long_name}{i}\n" for i in range(230))  # shortened on every badge: 230 warnings
    runtime.upload(user.uid, "j1", {"attendees.csv": ("name,company\n" + rows).encode(), "job.json": b"{}"})
    job = services.db.get(f"jobs/{user.uid}/j1")
    assert job["status"] == "done" and job["warnings_total"] >= 230
    stored = json.loads(services.blobs.read_bytes(job_paths.warnings_path(user.uid, "j1")))
    assert len(stored) == job["warnings_total"] and len(job["warnings"]) == 200
    assert {w["row"] for w in stored if w["column"] == "organization"} >= set(range(2, 232))
