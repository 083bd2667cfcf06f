"""The pipeline's invariants, through the real decorated functions in main.py and the real local adapters."""

from __future__ import annotations

import dataclasses
import email
import io
import zipfile
from email import policy
from functools import partial

from badgeforge import config
from badgeforge.runtime import LocalRuntime, events
from badgeforge.services import links
from tests.functions.conftest import FailingBadgeWrites, at_once, make_user, outbox


def _state(services, uid):
    db = services.db
    return db.get(f"users/{uid}"), db.get(f"jobs/{uid}") or {}, db.get(f"badgeMails/{uid}") or {}


def test_same_storage_event_twice_has_the_effect_of_one(services, runtime, small_csv):
    user = make_user(services)
    info = services.blobs.write_bytes(f"uploads/{user.uid}/j1/attendees.csv", small_csv, content_type="text/csv")
    event = events.storage_finalized(services.blobs.bucket, info, small_csv)
    runtime.main.render_badges(event)
    generation = services.blobs.info(f"badges/{user.uid}/j1/badges.pdf").generation
    runtime.main.render_badges(event)
    account, jobs, mails = _state(services, user.uid)
    assert jobs["j1"]["status"] == "done" and jobs["j1"]["badges"] == 3
    assert services.blobs.info(f"badges/{user.uid}/j1/badges.pdf").generation == generation  # not rendered again
    assert len(mails) == 1 and next(iter(mails.values()))["status"] == "sent"
    assert len(outbox(services)) == 1
    assert account["allowed_usage"] == 9 and not account.get("holds")
    assert len(services.db.get(f"usage_log/{user.uid}")) == 1


def test_same_database_event_twice_sends_and_charges_once(services, runtime, small_csv):
    user = make_user(services)
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv})
    ((key, node),) = services.db.get(f"badgeMails/{user.uid}").items()
    redelivered = events.database_created(
        f"badgeMails/{user.uid}/{key}", node, instance="x-default-rtdb", location="us-central1"
    )
    runtime.main.send_badge_mail(redelivered)
    runtime.main.send_badge_mail(redelivered)
    account, _, mails = _state(services, user.uid)
    assert len(outbox(services)) == 1 and services.mailer.calls == 1
    assert account["allowed_usage"] == 9
    assert mails[key]["status"] == "sent"


def test_storage_failure_mid_job_fails_without_node_or_charge(services, small_csv):
    faulty = dataclasses.replace(services, blobs=FailingBadgeWrites(services.blobs))
    runtime = LocalRuntime(faulty)
    try:
        user = make_user(faulty)
        runtime.upload(user.uid, "j1", {"attendees.csv": small_csv})
        account, jobs, mails = _state(faulty, user.uid)
        assert jobs["j1"]["status"] == "failed" and "503" in jobs["j1"]["error"]["message"]
        assert mails == {} and outbox(faulty) == []
        assert account["allowed_usage"] == 10 and not account.get("holds") and not account.get("charged")
    finally:
        runtime.close()
        config.use_services(None)


def test_mail_outage_leaves_failed_node_then_sweep_sends_once(services, runtime, clock, small_csv):
    user = make_user(services)
    services.mailer.down = True
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv})
    account, jobs, mails = _state(services, user.uid)
    ((key, node),) = mails.items()
    assert jobs["j1"]["status"] == "done"
    assert node["status"] == "failed" and "503" in node["error"] and not node.get("permanent")
    assert account["allowed_usage"] == 10 and "j1" in account["holds"]  # held, not charged
    services.mailer.down = False
    runtime.sweep()
    runtime.sweep()
    account, _, mails = _state(services, user.uid)
    assert mails[key]["status"] == "sent" and len(outbox(services)) == 1
    assert account["allowed_usage"] == 9 and not account.get("holds") and "j1" in account["charged"]


def test_twenty_concurrent_jobs_with_five_uses_left(services, runtime, small_csv):
    user = make_user(services, usage=5)
    uploads = [partial(runtime.upload, user.uid, f"job{i:02d}", {"attendees.csv": small_csv}) for i in range(20)]
    assert at_once(*uploads) == []
    account, jobs, mails = _state(services, user.uid)
    statuses = [job["status"] for job in jobs.values()]
    assert statuses.count("done") == 5 and statuses.count("failed") == 15
    assert all(j["error"]["code"] == "no_usage_left" for j in jobs.values() if j["status"] == "failed")
    assert len(mails) == 5 and len(outbox(services)) == 5
    assert account["allowed_usage"] == 0 and not account.get("holds")
    assert runtime.errors == []


def test_objects_that_are_not_job_csvs_are_ignored(services, runtime, small_csv):
    user = make_user(services)
    for path, content_type in [
        (f"badges/{user.uid}/j1/badges.pdf", "application/pdf"),
        (f"uploads/{user.uid}/j1/logo.png", "image/png"),
        (f"uploads/{user.uid}/j1/job.json", "application/json"),
        (f"uploads/{user.uid}/attendees.csv", "text/csv"),
        ("elsewhere/u/j/attendees.csv", "text/csv"),
    ]:
        services.blobs.write_bytes(path, small_csv, content_type=content_type)
        runtime.object_finalized(path)
    assert services.db.get("jobs") is None and services.db.get("badgeMails") is None
    assert runtime.errors == []


def test_csv_over_the_size_limit_fails_fast(services, runtime, small_csv):
    limited = dataclasses.replace(services, settings=dataclasses.replace(services.settings, csv_max_bytes=100))
    config.use_services(limited)
    user = make_user(limited)
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv * 3})
    account, jobs, mails = _state(limited, user.uid)
    assert jobs["j1"]["status"] == "failed" and jobs["j1"]["error"]["code"] == "csv_too_large"
    assert "100 bytes" in jobs["j1"]["error"]["message"]
    assert mails == {} and account["allowed_usage"] == 10 and not account.get("holds")


def test_bad_csv_fails_with_reason_and_consumes_nothing(services, runtime):
    user = make_user(services)
    runtime.upload(user.uid, "j1", {"attendees.csv": b"colour,size\nred,L\nblue,M\n"})
    account, jobs, mails = _state(services, user.uid)
    job = jobs["j1"]
    assert job["status"] == "failed" and job["error"]["message"]
    assert "name" in job["error"]["message"].lower()
    assert mails == {} and outbox(services) == []
    assert account["allowed_usage"] == 10 and not account.get("holds") and not account.get("charged")


def test_no_usage_left_renders_and_mails_nothing(services, runtime, small_csv):
    user = make_user(services, usage=0)
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv})
    _, jobs, mails = _state(services, user.uid)
    assert jobs["j1"]["error"]["code"] == "no_usage_left" and "administrator" in jobs["j1"]["error"]["message"]
    assert services.blobs.info(f"badges/{user.uid}/j1/badges.pdf") is None and mails == {}


def test_new_user_gets_the_default_usage(services, runtime, small_csv):
    record = services.users.create("new@example.com")
    runtime.upload(record.uid, "j1", {"attendees.csv": small_csv})
    account = services.db.get(f"users/{record.uid}")
    assert account["email"] == "new@example.com" and account["allowed_usage"] == 9


def test_job_options_from_job_json(services, runtime, small_csv):
    user = make_user(services)
    options = b'{"event_name": "PyCon <Test>", "paper": "letter"}'
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv, "job.json": options})
    job = services.db.get(f"jobs/{user.uid}/j1")
    assert job["status"] == "done" and job["download_name"] == "PyCon Test badges.pdf"
    message = email.message_from_bytes(outbox(services)[0].read_bytes(), policy=policy.default)
    assert message["Subject"] == "Your badges for PyCon <Test> are ready (3 badges)"
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "PyCon &lt;Test&gt;" in html and "<Test>" not in html  # user values are escaped in HTML


def test_bad_job_options_fail_with_the_option_named(services, runtime, small_csv):
    user = make_user(services)
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv, "job.json": b'{"paper": "Z9"}'})
    job = services.db.get(f"jobs/{user.uid}/j1")
    assert job["status"] == "failed" and job["error"].get("column") == "paper"
    assert services.db.get(f"users/{user.uid}/allowed_usage") == 10


def test_background_delivery_finishes_the_whole_flow(services, small_csv):
    runtime = LocalRuntime(services, background=True)
    try:
        user = make_user(services)
        for i in range(3):
            runtime.upload(user.uid, f"j{i}", {"attendees.csv": small_csv})
        runtime.wait()
        _, jobs, mails = _state(services, user.uid)
        assert [j["status"] for j in jobs.values()] == ["done"] * 3
        assert [m["status"] for m in mails.values()] == ["sent"] * 3 and len(outbox(services)) == 3
        assert runtime._pending == set()
    finally:
        runtime.close()
        config.use_services(None)


def test_png_zip_on_request(services, runtime, small_csv):
    user = make_user(services)
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv, "job.json": b'{"png_zip": true}'})
    job = services.db.get(f"jobs/{user.uid}/j1")
    assert job["status"] == "done" and job["png_zip"] == f"badges/{user.uid}/j1/badges-png.zip"
    names = zipfile.ZipFile(io.BytesIO(services.blobs.read_bytes(job["png_zip"]))).namelist()
    assert len(names) == 3 and all(n.endswith(".png") for n in names)


def test_csv_over_the_row_limit_fails_with_the_reader_reason(services, runtime, small_csv):
    limited = dataclasses.replace(services, settings=dataclasses.replace(services.settings, csv_max_rows=2))
    config.use_services(limited)
    user = make_user(limited)
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv})
    job = limited.db.get(f"jobs/{user.uid}/j1")
    assert job["status"] == "failed" and job["error"]["code"] != "internal" and job["error"]["message"]
    assert limited.db.get(f"users/{user.uid}/allowed_usage") == 10 and limited.db.get("badgeMails") is None


def test_every_write_is_delivered_like_production_and_outputs_are_ignored(services, runtime, small_csv):
    user = make_user(services)
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv, "job.json": b"{}"})
    (key,) = services.db.get(f"badgeMails/{user.uid}")
    assert list(runtime.delivered) == [
        ("render_badges", f"objects/uploads/{user.uid}/j1/job.json"),
        ("render_badges", f"objects/uploads/{user.uid}/j1/attendees.csv"),
        ("render_badges", f"objects/badges/{user.uid}/j1/badges.pdf"),  # our own output: the trigger fires too
        ("send_badge_mail", f"refs/badgeMails/{user.uid}/{key}"),
        # the desk's attendee index, stored after the mail node so the email never waits for it
        ("render_badges", f"objects/badges/{user.uid}/j1/desk-roster.v1.json.gz"),
    ]
    assert runtime.errors == [] and list(services.db.get(f"jobs/{user.uid}")) == ["j1"]


def test_page_link_mode_mails_a_revocable_download_page_link(services, small_csv):
    page = dataclasses.replace(
        services,
        settings=dataclasses.replace(services.settings, link_mode="page", public_base_url="https://badges.example"),
    )
    runtime = LocalRuntime(page)
    try:
        user = make_user(page)
        runtime.upload(user.uid, "j1", {"attendees.csv": small_csv})
        (node,) = page.db.get(f"badgeMails/{user.uid}").values()
        assert node["status"] == "sent" and node["badgeLink"].startswith("https://badges.example/d/")
        token = node["badgeLink"].rsplit("/", 1)[1]
        assert links.resolve_download_token(page, token).path == f"badges/{user.uid}/j1/badges.pdf"
        assert node["badgeLink"] in outbox(page)[0].read_text().replace("=\n", "")
    finally:
        runtime.close()
        config.use_services(None)
