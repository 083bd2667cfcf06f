"""The Eventarc-shaped fixtures go through the real firebase-functions SDK decorators and come out as typed events.

Nothing is mocked: the SDK's own conversion code parses each fixture, so a fixture that production would not send
(a `time` without fractional seconds, a missing RTDB attribute) fails here first.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from firebase_functions import db_fn, storage_fn

from badgeforge.services.job_paths import parse_upload
from badgeforge.services.keys import mail_key_time
from tests.fixtures.events import BADGEMAIL_CREATED, BADGES_OUTPUT, UPLOAD_CSV, event_json, load_event

BUCKET = "demo-badgeforge.appspot.com"


def _storage_seen(event) -> storage_fn.CloudEvent[storage_fn.StorageObjectData]:
    seen: list[Any] = []
    handler = storage_fn.on_object_finalized(bucket=BUCKET)(seen.append)
    handler(event)
    assert len(seen) == 1
    return seen[0]


def _mail_seen(event) -> db_fn.Event[Any]:
    seen: list[Any] = []
    handler = db_fn.on_value_created(reference="/badgeMails/{uid}/{date}")(seen.append)
    handler(event)
    assert len(seen) == 1
    return seen[0]


def test_upload_csv_event_is_a_job_start() -> None:
    seen = _storage_seen(load_event(UPLOAD_CSV))
    assert seen.type == "google.cloud.storage.object.v1.finalized"
    assert seen.time == datetime(2026, 11, 23, 11, 42, 7, 123456, tzinfo=UTC)
    assert isinstance(seen.data.generation, str) and seen.data.generation.isdigit()
    assert isinstance(seen.data.size, str) and int(seen.data.size) > 0
    assert seen.data.content_type == "text/csv"
    upload = parse_upload(seen.data.name)
    assert upload is not None
    assert upload.uid == "wX3kP9sQ2hTzVb7LmN4rYc8Ae1F2"
    assert upload.job_id == "j-7f3a9c2e41"
    assert seen.subject == f"objects/{seen.data.name}"


def test_our_own_output_is_not_a_job_start() -> None:
    seen = _storage_seen(load_event(BADGES_OUTPUT))
    assert seen.data.name.startswith("badges/")
    assert seen.data.content_type == "application/pdf"
    assert parse_upload(seen.data.name) is None


def test_badgemail_created_event_carries_params_and_the_node() -> None:
    seen = _mail_seen(load_event(BADGEMAIL_CREATED))
    assert seen.type == "google.firebase.database.ref.v1.created"
    assert seen.params == {"uid": "wX3kP9sQ2hTzVb7LmN4rYc8Ae1F2", "date": "2026_11_23T11U42U09D512345Z_5006985579"}
    assert mail_key_time(seen.params["date"]) == datetime(2026, 11, 23, 11, 42, 9, 512345, tzinfo=UTC)
    assert seen.data["status"] == "pending"
    assert seen.data["objectPath"].startswith(f"badges/{seen.params['uid']}/")
    assert seen.instance == "demo-badgeforge-default-rtdb"
    assert seen.firebase_database_host == "firebaseio.com"
    assert seen.location == "us-central1"


@pytest.mark.parametrize("name", [UPLOAD_CSV, BADGES_OUTPUT, BADGEMAIL_CREATED])
def test_every_fixture_time_has_fractional_seconds(name: str) -> None:
    """The SDK parses Storage times with %f: a time without a fraction would raise in production code paths."""
    raw = event_json(name)
    assert "." in raw["time"] and raw["time"].endswith("Z")
    assert raw["specversion"] == "1.0"


def test_storage_time_without_fraction_is_refused_by_the_sdk() -> None:
    """Why the fixtures insist on a fraction: the SDK itself refuses the other form."""
    with pytest.raises(ValueError):
        _storage_seen(load_event(UPLOAD_CSV, attributes={"time": "2026-11-23T11:42:07Z"}))


def test_loader_keeps_renamed_objects_consistent() -> None:
    event = load_event(UPLOAD_CSV, object_name="uploads/u1/j1/guests.csv", size=12, content_type="text/plain")
    seen = _storage_seen(event)
    assert seen.data.name == "uploads/u1/j1/guests.csv"
    assert seen.subject == "objects/uploads/u1/j1/guests.csv"
    assert seen.data.id.endswith(f"/uploads/u1/j1/guests.csv/{seen.data.generation}")
    assert "uploads%2Fu1%2Fj1%2Fguests.csv" in seen.data.media_link
    assert seen.data.size == "12"
    assert seen.data.content_type == "text/plain"


def test_loader_moves_the_rtdb_ref_and_value() -> None:
    node = {"badgeId": "j2", "status": "pending", "badges": 1}
    seen = _mail_seen(load_event(BADGEMAIL_CREATED, ref="/badgeMails/u2/k2", delta=node))
    assert seen.params == {"uid": "u2", "date": "k2"}
    assert seen.reference == "badgeMails/u2/k2"
    assert seen.subject == "refs/badgeMails/u2/k2"
    assert seen.data == node


def test_fixture_files_are_independent_copies() -> None:
    first = event_json(UPLOAD_CSV)
    first["data"]["name"] = "changed"
    assert event_json(UPLOAD_CSV)["data"]["name"] != "changed"
