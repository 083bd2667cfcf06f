"""sdk_time / tolerant_time: every RFC 3339 Storage time reaches firebase-functions' %f parser in a form it accepts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from firebase_functions import storage_fn

from badgeforge.event_time import sdk_time, tolerant_time, with_sdk_time
from tests.fixtures.events import UPLOAD_CSV, UPLOAD_CSV_NANOS, UPLOAD_CSV_NO_FRACTION, event_json, load_event

BUCKET = "demo-badgeforge.appspot.com"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2026-11-23T11:42:07Z", "2026-11-23T11:42:07.000000+00:00"),
        ("2026-11-23T11:42:07.123456789Z", "2026-11-23T11:42:07.123456+00:00"),
        ("2026-11-23T11:42:07.999999999Z", "2026-11-23T11:42:07.999999+00:00"),  # cut, never the next second
        ("2026-11-23T11:42:07.1Z", "2026-11-23T11:42:07.100000+00:00"),
        ("2026-11-23t11:42:07.123+01:00", "2026-11-23T11:42:07.123000+01:00"),
        ("2026-11-23T11:42:07.123456Z", "2026-11-23T11:42:07.123456+00:00"),
    ],
)
def test_sdk_time_forms(given: str, expected: str) -> None:
    assert sdk_time(given) == expected


def test_sdk_time_leaves_what_is_not_rfc3339_alone() -> None:
    assert sdk_time("yesterday") == "yesterday"


def _decorated(seen: list):
    return tolerant_time(storage_fn.on_object_finalized(bucket=BUCKET)(seen.append))


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        (UPLOAD_CSV_NO_FRACTION, datetime(2026, 11, 23, 11, 42, 7, tzinfo=UTC)),
        (UPLOAD_CSV_NANOS, datetime(2026, 11, 23, 11, 42, 7, 123456, tzinfo=UTC)),
        (UPLOAD_CSV, datetime(2026, 11, 23, 11, 42, 7, 123456, tzinfo=UTC)),
    ],
)
def test_wrapped_sdk_parses_every_fixture_time(fixture: str, expected: datetime) -> None:
    seen: list = []
    _decorated(seen)(load_event(fixture))
    assert len(seen) == 1 and seen[0].time == expected
    assert seen[0].data.name == event_json(fixture)["data"]["name"]


@pytest.mark.parametrize("fixture", [UPLOAD_CSV_NO_FRACTION, UPLOAD_CSV_NANOS])
def test_unwrapped_sdk_refuses_these_fixtures(fixture: str) -> None:
    """Why the wrapper exists: the SDK 0.6.0 parser alone raises on both forms."""
    with pytest.raises(ValueError):
        storage_fn.on_object_finalized(bucket=BUCKET)(lambda event: None)(load_event(fixture))


def test_wrapper_keeps_the_trigger_manifest_for_discovery() -> None:
    inner = storage_fn.on_object_finalized(bucket=BUCKET)(lambda event: None)
    assert tolerant_time(inner).__firebase_endpoint__ is inner.__firebase_endpoint__


def test_offset_zone_keeps_the_instant() -> None:
    event = with_sdk_time(load_event(UPLOAD_CSV, attributes={"time": "2026-11-23T12:42:07+01:00"}))
    parsed = datetime.strptime(event["time"], "%Y-%m-%dT%H:%M:%S.%f%z")
    assert parsed == datetime(2026, 11, 23, 11, 42, 7, tzinfo=UTC)
    assert parsed.utcoffset() == timezone(timedelta(hours=1)).utcoffset(None)


def test_local_events_carry_real_crc32c() -> None:
    """The check value from the CRC-32C definition (RFC 3720 B.4): 0xE3069283 for "123456789"; zlib's CRC-32
    would give 0xCBF43926."""
    from badgeforge.ports import BlobInfo
    from badgeforge.runtime.events import crc32c_b64, storage_object_data

    assert crc32c_b64(b"123456789") == "4waSgw=="
    data = storage_object_data(BUCKET, BlobInfo(path="uploads/u/j/a.csv", size=9, generation="1"), b"123456789")
    assert data["crc32c"] == "4waSgw=="
