"""RTDB-safe keys and the job path rules."""

from __future__ import annotations

from datetime import UTC, datetime

from badgeforge.services.job_paths import parse_upload
from badgeforge.services.keys import is_safe_key, mail_key, mail_key_time

AT = datetime(2026, 11, 22, 10, 15, 0, 123456, tzinfo=UTC)


def test_mail_key_is_safe_sortable_and_distinct_per_job():
    key = mail_key(AT, "job-1")
    assert key.startswith("2026_11_22T10U15U00D123456Z_") and is_safe_key(key)
    assert mail_key(AT, "job-1") != mail_key(AT, "job-2")
    later = datetime(2026, 11, 22, 10, 15, 1, tzinfo=UTC)
    assert sorted([mail_key(later, "a"), mail_key(AT, "z")]) == [mail_key(AT, "z"), mail_key(later, "a")]
    assert mail_key_time(key) == AT


def test_only_csvs_directly_in_a_job_folder_start_a_job():
    ref = parse_upload("uploads/u1/j1/Attendees.CSV")
    assert ref is not None and (ref.uid, ref.job_id, ref.csv_name) == ("u1", "j1", "Attendees.CSV")
    assert ref.options_path == "uploads/u1/j1/job.json"
    for name in (
        "badges/u1/j1/badges.pdf",
        "uploads/u1/j1/logo.png",
        "uploads/u1/j1/job.json",
        "uploads/u1/a.csv",
        "uploads/u1/j1/sub/a.csv",
        "other/u1/j1/a.csv",
        "uploads/u.1/j1/a.csv",
        "",
    ):
        assert parse_upload(name) is None, name
