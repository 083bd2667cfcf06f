"""A direct upload whose Storage event was dropped is found by the sweep and rendered once.

The CSV is written straight to the local BlobStore (not through the runtime), which is exactly a dropped event:
the object exists, no function ran, no job node exists. The clock is moved instead of waiting.
"""

from __future__ import annotations

from badgeforge.services.upload_reconcile import reconcile_uploads
from tests.functions.conftest import make_user, outbox


def _dropped_upload(services, uid: str, csv: bytes, job_id: str = "j1", metadata=None) -> str:
    path = f"uploads/{uid}/{job_id}/attendees.csv"
    services.blobs.write_bytes(path, csv, content_type="text/csv", metadata=metadata)
    return path


def test_sweep_starts_the_job_of_an_upload_without_a_node(services, runtime, clock, small_csv):
    user = make_user(services)
    _dropped_upload(services, user.uid, small_csv, metadata={"event_name": "Reconciled Conf"})
    clock.advance(minutes=10)
    runtime.sweep()  # main.retry_failed_mail, as Cloud Scheduler calls it
    job = services.db.get(f"jobs/{user.uid}/j1")
    assert job["status"] == "done" and job["badges"] == 3
    assert job["event_name"] == "Reconciled Conf"  # the upload's custom metadata still applies
    assert len(outbox(services)) == 1
    runtime.sweep()  # a second sweep does nothing more
    runtime.object_finalized(f"uploads/{user.uid}/j1/attendees.csv")  # nor does the late event
    assert len(outbox(services)) == 1 and services.db.get(f"users/{user.uid}/allowed_usage") == 9


def test_a_fresh_upload_is_left_to_its_event(services, clock, small_csv):
    user = make_user(services)
    _dropped_upload(services, user.uid, small_csv)
    clock.advance(minutes=1)
    assert reconcile_uploads(services) == []
    assert services.db.get(f"jobs/{user.uid}") is None


def test_old_uploads_are_not_revived(services, clock, small_csv):
    user = make_user(services)
    _dropped_upload(services, user.uid, small_csv)
    clock.advance(days=4)
    assert reconcile_uploads(services) == []


def test_uploads_with_a_job_node_are_left_to_the_job_checks(services, clock, small_csv):
    user = make_user(services)
    _dropped_upload(services, user.uid, small_csv)
    services.db.set(f"jobs/{user.uid}/j1", {"status": "failed", "error": {"code": "csv_bad", "message": "x"}})
    clock.advance(minutes=10)
    assert reconcile_uploads(services) == []
    assert services.db.get(f"jobs/{user.uid}/j1/status") == "failed"


def test_only_job_csvs_count(services, clock, small_csv):
    user = make_user(services)
    services.blobs.write_bytes(f"uploads/{user.uid}/j1/job.json", b"{}", content_type="application/json")
    services.blobs.write_bytes(f"uploads/{user.uid}/j2/logo.png", b"\x89PNG", content_type="image/png")
    clock.advance(minutes=10)
    assert reconcile_uploads(services) == []
