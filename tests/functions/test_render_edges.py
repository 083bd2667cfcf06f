"""render_badges at its edges: odd object names, broken job.json, concurrent duplicates, dropped and dead deliveries."""

from __future__ import annotations

import dataclasses
import json
from functools import partial

import pytest

from badgeforge import config
from badgeforge.runtime import LocalRuntime, events
from badgeforge.services import open_work, render_job
from badgeforge.services.keys import iso
from badgeforge.services.renderer import LibraryRenderer
from tests.clocks import FrozenClock
from tests.functions.conftest import (
    at_once,
    dead_first_attempt,
    die_while_rendering,
    left_open,
    make_user,
    outbox,
    refuse_mail,
)


def _job(services, uid, job_id="j1"):
    return services.db.get(f"jobs/{uid}/{job_id}")


@pytest.mark.parametrize("name", ["ATTENDEES.CSV", "liste des invités 2026.csv", "名簿.Csv"])
def test_any_csv_name_starts_a_job(services, runtime, small_csv, name):
    user = make_user(services)
    runtime.upload(user.uid, "j1", {name: small_csv})
    job = _job(services, user.uid)
    assert job["status"] == "done" and job["source"] == f"uploads/{user.uid}/j1/{name}"
    assert len(outbox(services)) == 1


def test_a_csv_in_a_sub_folder_starts_nothing(services, runtime, small_csv):
    user = make_user(services)
    services.blobs.write_bytes(f"uploads/{user.uid}/j1/old/attendees.csv", small_csv, content_type="text/csv")
    runtime.object_finalized(f"uploads/{user.uid}/j1/old/attendees.csv")
    assert services.db.get("jobs") is None and runtime.errors == []


@pytest.mark.parametrize(
    "job_json",
    [
        b"\xef\xbb\xbf" + b'{"event_name": "Conf"}',  # Windows editors write a BOM: still valid JSON
        b"[" * 20_000 + b"]" * 20_000,  # nested deeper than the parser's recursion limit
        b'{"event_name": "Conf",}',
        b"\xff\xfe{}",
        b"[1, 2]",
    ],
    ids=["bom", "deeply-nested", "trailing-comma", "utf16", "not-an-object"],
)
def test_broken_job_json_fails_clearly_or_is_read(services, runtime, small_csv, job_json):
    user = make_user(services)
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv, "job.json": job_json})
    job = _job(services, user.uid)
    if job_json.startswith(b"\xef\xbb\xbf"):
        assert job["status"] == "done" and job["event_name"] == "Conf"
        return
    assert job["status"] == "failed" and job["error"]["code"] == "bad_options", job["error"]
    assert "Traceback" not in job["error"]["message"] and job["error"].get("file") == "job.json"
    account = services.db.get(f"users/{user.uid}")
    assert account["allowed_usage"] == 10 and not account.get("holds") and services.db.get("badgeMails") is None


@pytest.mark.parametrize(
    "options",
    [
        {"paper": 5},
        {"event_name": ["a", "b"]},
        {"accent": {"r": 1}},
        {"margin_mm": "wide"},
        {"ticket_types": 7},
        {"crop_marks": "yes please"},
        {"sides": None},
        {"design": 3.5},
        {"mapping": {"name": 1}},
        {"background_image": 5},
        {"background_image": "missing.png"},
        {"logo_image": "../other/logo.png"},
    ],
    ids=lambda o: next(iter(o)),
)
def test_job_json_with_wrong_types_fails_with_a_reason_and_no_traceback(services, runtime, small_csv, options):
    import json

    user = make_user(services)
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv, "job.json": json.dumps(options).encode()})
    job = _job(services, user.uid)
    if job["status"] == "done":
        return  # the renderer accepted it (e.g. a value it can coerce)
    assert job["error"]["code"] != "internal", job["error"]
    assert job["error"]["message"] and "Traceback" not in job["error"]["message"]
    assert services.db.get(f"users/{user.uid}/allowed_usage") == 10 and services.db.get("badgeMails") is None


def test_huge_job_json_fails_fast(services, runtime, small_csv):
    user = make_user(services)
    huge = b'{"event_name": "' + b"x" * 100_000 + b'"}'
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv, "job.json": huge})
    job = _job(services, user.uid)
    assert job["status"] == "failed" and job["error"]["code"] == "options_too_large"


def test_same_storage_event_delivered_twice_at_once_renders_once(services, runtime, small_csv):
    user = make_user(services)
    writes: list[str] = []
    real_write = services.blobs.write_file

    def counting_write(path, local_path, **kwargs):
        writes.append(path)
        return real_write(path, local_path, **kwargs)

    services.blobs.write_file = counting_write
    info = services.blobs.write_bytes(f"uploads/{user.uid}/j1/attendees.csv", small_csv, content_type="text/csv")
    event = events.storage_finalized(services.blobs.bucket, info, small_csv)
    failures = at_once(lambda: runtime.main.render_badges(event), lambda: runtime.main.render_badges(event))
    assert failures == [] and writes == [f"badges/{user.uid}/j1/badges.pdf"]
    assert len(services.db.get(f"badgeMails/{user.uid}")) == 1 and len(outbox(services)) == 1
    assert services.db.get(f"users/{user.uid}/allowed_usage") == 9


def test_same_database_event_delivered_twice_at_once_sends_and_charges_once(services, runtime, small_csv):
    user = make_user(services)
    services.mailer.down = True
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv})
    services.mailer.down = False
    ((key, node),) = services.db.get(f"badgeMails/{user.uid}").items()
    services.db.update(f"badgeMails/{user.uid}/{key}", {"status": "pending", "attempts": 0, "error": None})
    event = events.database_created(
        f"badgeMails/{user.uid}/{key}", node, instance="x-default-rtdb", location="us-central1"
    )
    assert at_once(lambda: runtime.main.send_badge_mail(event), lambda: runtime.main.send_badge_mail(event)) == []
    account = services.db.get(f"users/{user.uid}")
    assert len(outbox(services)) == 1 and account["allowed_usage"] == 9 and not account.get("holds")
    assert len(services.db.get(f"usage_log/{user.uid}")) == 1


def test_two_sweeps_racing_on_a_dead_render_redrive_it_once(services, runtime, small_csv):
    user = make_user(services)
    dead_first_attempt(services, user.uid, small_csv)
    assert at_once(runtime.sweep, runtime.sweep) == []
    job = _job(services, user.uid)
    assert job["status"] == "done" and job["attempts"] == 2
    assert len(outbox(services)) == 1 and services.db.get(f"users/{user.uid}/allowed_usage") == 9


def test_a_render_that_died_after_creating_its_mail_node_is_not_rendered_again(services, runtime, small_csv):
    user = make_user(services)
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv})
    pdf = f"badges/{user.uid}/j1/badges.pdf"
    generation = services.blobs.info(pdf).generation
    # As if the instance died between creating badgeMails and marking the job done.
    die_while_rendering(services, user.uid)
    runtime.sweep()
    job = _job(services, user.uid)
    assert job["status"] == "done" and job["badges"] == 3
    assert services.blobs.info(pdf).generation == generation  # one PDF write
    assert len(services.db.get(f"badgeMails/{user.uid}")) == 1 and len(outbox(services)) == 1
    assert services.db.get(f"users/{user.uid}/allowed_usage") == 9


def test_a_queued_job_whose_upload_event_was_dropped_is_rendered_by_the_sweep(services, runtime, clock, small_csv):
    user = make_user(services)
    stamp = iso(clock.now())
    # As the web API does: the job node first (queued), then the upload, whose Storage event never arrived.
    services.db.set(
        f"jobs/{user.uid}/j1", {"status": "queued", "progress": 0, "created_at": stamp, "updated_at": stamp}
    )
    left_open(services, user.uid, "j1", due=iso(clock.now() + open_work.PENDING_GRACE))
    services.blobs.write_bytes(f"uploads/{user.uid}/j1/attendees.csv", small_csv, content_type="text/csv")
    runtime.sweep()
    assert _job(services, user.uid)["status"] == "queued"  # just submitted: its event may still be on its way
    clock.advance(minutes=10)
    runtime.sweep()
    job = _job(services, user.uid)
    assert job["status"] == "done" and len(outbox(services)) == 1


def test_a_render_that_died_after_storing_its_pdf_creates_the_node_without_rendering_again(
    services, runtime, small_csv
):
    user = make_user(services)
    services.mailer.down = True
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv})
    pdf = f"badges/{user.uid}/j1/badges.pdf"
    generation = services.blobs.info(pdf).generation
    # As if the instance died after recording the results, before creating badgeMails.
    services.db.delete(f"badgeMails/{user.uid}")
    die_while_rendering(services, user.uid)
    services.mailer.down = False
    runtime.sweep()
    job = _job(services, user.uid)
    assert job["status"] == "done" and services.blobs.info(pdf).generation == generation
    (node,) = services.db.get(f"badgeMails/{user.uid}").values()
    assert node["badges"] == 3 and node["objectPath"] == pdf and node["status"] == "sent"
    account = services.db.get(f"users/{user.uid}")
    assert account["allowed_usage"] == 9 and not account.get("holds") and len(outbox(services)) == 1


def test_a_redelivered_job_whose_mail_was_refused_takes_no_new_hold(services, runtime, small_csv):
    user = make_user(services)
    services.mailer.send = refuse_mail
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv})
    die_while_rendering(services, user.uid)
    runtime.sweep()
    assert _job(services, user.uid)["status"] == "done"
    assert not services.db.get(f"users/{user.uid}/holds")  # the refused mail released it; nothing took it again


def test_numeric_job_ids_work_although_rtdb_returns_their_nodes_as_arrays(services, runtime, small_csv):
    user = make_user(services)
    services.mailer.down = True
    for job_id in ("1", "2", "3"):  # jobs/{uid} and users/{uid}/holds then read back as arrays
        runtime.upload(user.uid, job_id, {"attendees.csv": small_csv})
    jobs = services.db.get(f"jobs/{user.uid}")
    assert [j["status"] for j in (jobs.values() if isinstance(jobs, dict) else jobs) if j] == ["done"] * 3
    services.mailer.down = False
    runtime.sweep()
    account = services.db.get(f"users/{user.uid}")
    assert account["allowed_usage"] == 7 and not account.get("holds") and len(outbox(services)) == 3
    assert runtime.errors == []


class RaisingRenderer(LibraryRenderer):
    """Fault injection: the real renderer, except that drawing raises the given error (cannot be caused on purpose)."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def render_pdf(self, attendees, options, out, progress):
        raise self.error


def test_a_render_out_of_memory_fails_the_job_and_releases_the_hold(services, runtime, small_csv):
    user = make_user(services)
    name = f"uploads/{user.uid}/j1/attendees.csv"
    services.blobs.write_bytes(name, small_csv, content_type="text/csv")
    outcome = render_job.handle_upload(services, name, renderer=RaisingRenderer(MemoryError()))
    job = _job(services, user.uid)
    assert outcome.status == "failed" and job["status"] == "failed" and job["error"]["code"] == "internal"
    assert not services.db.get(f"users/{user.uid}/holds") and services.db.get("badgeMails") is None


def test_an_interrupted_render_releases_the_hold_and_is_redriven_by_the_next_sweep(services, runtime, small_csv):
    user = make_user(services, usage=1)
    name = f"uploads/{user.uid}/j1/attendees.csv"
    services.blobs.write_bytes(name, small_csv, content_type="text/csv")
    with pytest.raises(KeyboardInterrupt):
        render_job.handle_upload(services, name, renderer=RaisingRenderer(KeyboardInterrupt()))
    assert not services.db.get(f"users/{user.uid}/holds")  # the one use is free again at once
    runtime.sweep()  # no waiting for the lease: the interrupted attempt gave it up
    job = _job(services, user.uid)
    assert job["status"] == "done" and job["attempts"] == 2 and len(outbox(services)) == 1


def test_a_new_local_runtime_on_the_same_database_receives_its_mail_events(services, small_csv):
    first = LocalRuntime(services, background=True)
    first.close()
    second = LocalRuntime(services)
    try:
        user = make_user(services)
        second.upload(user.uid, "j1", {"attendees.csv": small_csv})
        assert _job(services, user.uid)["status"] == "done"
        (node,) = services.db.get(f"badgeMails/{user.uid}").values()
        assert node["status"] == "sent" and len(outbox(services)) == 1 and second.errors == []
    finally:
        second.close()
        config.use_services(None)


def test_options_from_custom_metadata_keep_text_that_looks_like_a_number(services, runtime, small_csv):
    user = make_user(services)
    metadata = {"event_name": "2026", "crop_marks": "true", "margin_mm": "12", "design": "classic"}
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv}, metadata=metadata)  # gsutil -h x-goog-meta-...
    job = _job(services, user.uid)
    assert job["status"] == "done", job.get("error")
    assert job["event_name"] == "2026" and job["download_name"] == "2026 badges.pdf"


def test_two_jobs_of_one_user_at_the_same_microsecond_get_their_own_mail(services, small_csv):
    frozen = dataclasses.replace(services, clock=FrozenClock())
    runtime = LocalRuntime(frozen)
    try:
        user = make_user(frozen)
        assert at_once(*(partial(runtime.upload, user.uid, job, {"attendees.csv": small_csv}) for job in "AB")) == []
        mails = frozen.db.get(f"badgeMails/{user.uid}")
        assert sorted(node["badgeId"] for node in mails.values()) == ["A", "B"] and len(outbox(frozen)) == 2
        assert all(key.startswith("2026_11_23T12U00U00D123456Z_") for key in mails)
    finally:
        runtime.close()
        config.use_services(None)


def test_a_new_user_who_set_a_display_name_first_still_gets_the_default_usage(services, runtime, small_csv):
    record = services.users.create("new@example.com")
    services.db.set(f"users/{record.uid}/display_name", "Ada")  # the rules let the owner write this from the web
    runtime.upload(record.uid, "j1", {"attendees.csv": small_csv})
    account = services.db.get(f"users/{record.uid}")
    assert _job(services, record.uid)["status"] == "done", _job(services, record.uid).get("error")
    assert account["allowed_usage"] == 9 and account["display_name"] == "Ada" and account["email"] == "new@example.com"


def test_custom_metadata_that_is_not_an_option_is_ignored(services, runtime, small_csv):
    """The Firebase JS SDK adds firebaseStorageDownloadTokens to every upload; other apps add their own keys."""
    user = make_user(services)
    metadata = {"firebaseStorageDownloadTokens": "abc", "uploaded-by": "crm-sync", "event_name": "Meta Conf"}
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv}, metadata=metadata)
    job = _job(services, user.uid)
    assert job["status"] == "done", job.get("error")
    assert job["event_name"] == "Meta Conf"


class RecordingRenderer(LibraryRenderer):
    """The real renderer, remembering the options it was asked to draw with (to see what the job resolved)."""

    def __init__(self) -> None:
        self.options_seen: list = []

    def render_pdf(self, attendees, options, out, progress):
        self.options_seen.append(options)
        return super().render_pdf(attendees, options, out, progress)


def test_job_json_qr_field_names_the_spreadsheet_column(services, runtime, small_csv):
    user = make_user(services)
    base = f"uploads/{user.uid}/j1/"
    services.blobs.write_bytes(base + "job.json", b'{"qr_field": "Order code"}', content_type="application/json")
    services.blobs.write_bytes(base + "attendees.csv", small_csv, content_type="text/csv")
    renderer = RecordingRenderer()
    outcome = render_job.handle_upload(services, base + "attendees.csv", renderer=renderer)
    assert outcome.status == "done"
    (options,) = renderer.options_seen
    assert options.qr_field == "ticket_id"  # "Order code" was read into ticket_id; the QR would print empty otherwise


class _OvertakenRenderer(LibraryRenderer):
    """Fault injection (a slow attempt cannot be made slow on purpose): while this attempt reads the CSV, its lease
    runs out and a newer attempt claims the job; then this one fails."""

    def __init__(self, services, uid: str) -> None:
        self.services, self.uid = services, uid

    def read_attendees(self, data, **kwargs):
        self.services.db.update(f"jobs/{self.uid}/j1", {"attempts": 2, "lease_until": "2999-01-01T00:00:00.000000Z"})
        raise RuntimeError("the overtaken attempt fails late (injected)")


def test_a_failure_of_an_overtaken_attempt_leaves_the_newer_attempt_and_its_hold_alone(services, runtime, small_csv):
    user = make_user(services)
    services.blobs.write_bytes(f"uploads/{user.uid}/j1/attendees.csv", small_csv, content_type="text/csv")
    renderer = _OvertakenRenderer(services, user.uid)
    outcome = render_job.handle_upload(services, f"uploads/{user.uid}/j1/attendees.csv", renderer=renderer)
    assert outcome.status == "skipped"
    job = _job(services, user.uid)
    assert job["status"] == "rendering" and job["attempts"] == 2 and not job.get("error")
    assert list(services.db.get(f"users/{user.uid}/holds")) == ["j1"]  # the newer attempt's hold


def test_an_unconfirmed_preset_is_a_job_warning_and_a_confirmed_one_is_not(services, runtime, small_csv):
    user = make_user(services)
    for job_id, preset in (("j1", "avery-5390"), ("j2", "Durable 1445-02")):
        job_json = json.dumps({"preset": preset}).encode()
        runtime.upload(user.uid, job_id, {"job.json": job_json, "attendees.csv": small_csv})
    unconfirmed, confirmed = _job(services, user.uid, "j1"), _job(services, user.uid, "j2")
    assert unconfirmed["status"] == confirmed["status"] == "done"
    warnings = unconfirmed["warnings"]
    warnings = list(warnings.values()) if isinstance(warnings, dict) else warnings
    assert warnings[0]["column"] == "preset" and "not confirmed" in warnings[0]["message"]
    assert not any(w.get("column") == "preset" for w in (confirmed.get("warnings") or []))
