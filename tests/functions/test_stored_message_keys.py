"""A job stores its warnings and its failure with the catalogue key and params of each message (services/messages),
so the finished-job page renders them in each viewer's language, whatever the English text becomes later."""

from __future__ import annotations

from .conftest import make_user


def test_warnings_and_the_failure_reason_are_stored_with_key_and_params(services, runtime):
    user = make_user(services)
    long_name = "Very long organisation name " * 8
    csv = f"name,company\nAda Lovelace,{long_name}\n".encode()
    runtime.upload(user.uid, "j1", {"attendees.csv": csv, "job.json": b"{}"})
    job = services.db.get(f"jobs/{user.uid}/j1")
    assert job["status"] == "done"
    shortened = [w for w in job["warnings"] if w.get("column") == "organization"]
    assert shortened and shortened[0]["key"] == "warn.shortened"
    assert shortened[0]["params"]["value"] in shortened[0]["message"]

    runtime.upload(user.uid, "j2", {"attendees.csv": b"city,country\nParis,FR\n", "job.json": b"{}"})
    failed = services.db.get(f"jobs/{user.uid}/j2")
    assert failed["status"] == "failed"
    assert failed["error"]["key"] == "csv.no_name_column"
    assert failed["error"]["params"] == {"columns": "'city', 'country'"}
