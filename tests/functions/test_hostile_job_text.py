"""Text from job.json reaches more than the badge: the job record, the mail subject and the file name. Characters
that cannot be printed are taken out once, when the options are read, so each of those gets the same clean text."""

from __future__ import annotations

import email
import json
from email import policy

from tests.functions.conftest import make_user, outbox


def test_a_hostile_event_name_is_cleaned_everywhere_it_goes(services, runtime, small_csv):
    user = make_user(services)
    job_json = json.dumps({"event_name": "Py\ufffeCon\u202e \ud800 2026\r\nBcc: x@example.org"}).encode()
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv, "job.json": job_json})
    job = services.db.get(f"jobs/{user.uid}/j1")
    assert job["status"] == "done", job.get("error")
    assert job["event_name"] == "PyCon 2026 Bcc: x@example.org"
    assert job["download_name"] == "PyCon 2026 Bcc xexampleorg badges.pdf"
    [path] = outbox(services)
    mail = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert "PyCon 2026" in mail["Subject"] and "\ufffe" not in mail["Subject"] and "\u202e" not in mail["Subject"]
    assert mail["Bcc"] is None
