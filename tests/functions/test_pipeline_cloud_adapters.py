"""The same invariants with the cloud adapters: firebase_admin.db against the local RTDB REST server (real ETag
transactions), google-cloud-storage against gcp-storage-emulator, SendGrid's client against a recording server.

Users come from the local directory (the Auth emulator needs firebase-tools and ~15 s; its adapter has its own
contract tests). The RTDB trigger is delivered by the test, as Eventarc would, from the nodes in the database.
"""

from __future__ import annotations

import dataclasses
from functools import partial

import pytest

from badgeforge import config
from badgeforge.adapters.local.users import LocalUserDirectory
from badgeforge.runtime import LocalRuntime, events
from tests.clocks import MovableClock
from tests.contract import firebase_adapters
from tests.functions.conftest import at_once, make_user

pytestmark = pytest.mark.integration


@pytest.fixture
def cloud(request, tmp_path):
    links = firebase_adapters.gcs_v4_link_signer(request, tmp_path)
    mail = firebase_adapters.sendgrid_mailer(request, tmp_path)
    settings = config.Settings(home=tmp_path / "home", bucket=links.blobs.bucket, link_secret="s")
    services = config.Services(
        settings=settings,
        blobs=links.blobs,
        links=links.signer,
        db=firebase_adapters.firebase_tree_db(request, tmp_path),
        mailer=mail.mailer,
        users=LocalUserDirectory(tmp_path / "users.sqlite"),
        clock=MovableClock(),
    )
    runtime = LocalRuntime(services)
    yield runtime, mail
    runtime.close()
    config.use_services(None)


def _deliver_mail_events(runtime, uid: str, times: int = 1) -> None:
    for key, node in (runtime.services.db.get(f"badgeMails/{uid}") or {}).items():
        event = events.database_created(
            f"badgeMails/{uid}/{key}", node, instance="demo-default-rtdb", location="us-central1"
        )
        for _ in range(times):
            runtime.main.send_badge_mail(event)


def test_redelivered_events_have_the_effect_of_one(cloud, small_csv):
    runtime, mail = cloud
    services = runtime.services
    user = make_user(services)
    info = services.blobs.write_bytes(f"uploads/{user.uid}/j1/attendees.csv", small_csv, content_type="text/csv")
    event = events.storage_finalized(services.blobs.bucket, info, small_csv)
    runtime.main.render_badges(event)
    runtime.main.render_badges(event)
    _deliver_mail_events(runtime, user.uid, times=2)
    assert services.db.get(f"jobs/{user.uid}/j1/status") == "done"
    assert sorted(i.path for i in services.blobs.list(f"badges/{user.uid}/")) == [
        f"badges/{user.uid}/j1/badges.pdf",
        f"badges/{user.uid}/j1/desk-roster.v1.json.gz",  # the desk's attendee index, once
    ]
    (node,) = services.db.get(f"badgeMails/{user.uid}").values()
    assert node["status"] == "sent" and "X-Goog-Signature=" in node["badgeLink"]
    assert len(mail.delivered()) == 1 and node["badgeLink"] in mail.delivered()[0].html.replace("&amp;", "&")
    assert services.db.get(f"users/{user.uid}/allowed_usage") == 9


def test_concurrent_jobs_never_overdraw(cloud, small_csv):
    runtime, mail = cloud
    services = runtime.services
    user = make_user(services, usage=3)
    uploads = [partial(runtime.upload, user.uid, f"job{i}", {"attendees.csv": small_csv}) for i in range(8)]
    assert at_once(*uploads) == []
    _deliver_mail_events(runtime, user.uid)
    statuses = [j["status"] for j in services.db.get(f"jobs/{user.uid}").values()]
    assert statuses.count("done") == 3 and statuses.count("failed") == 5
    assert len(mail.delivered()) == 3 and services.db.get(f"users/{user.uid}/allowed_usage") == 0
    assert runtime.errors == []


def test_no_usage_left_with_cloud_adapters(cloud, small_csv):
    runtime, mail = cloud
    services = dataclasses.replace(runtime.services)
    user = make_user(services, usage=0)
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv})
    assert services.db.get(f"jobs/{user.uid}/j1/error/code") == "no_usage_left"
    assert services.db.get(f"badgeMails/{user.uid}") is None and mail.delivered() == []


def test_numeric_job_ids_with_the_rtdb_array_shape(cloud, small_csv):
    runtime, mail = cloud
    services = runtime.services
    user = make_user(services)
    for job_id in ("1", "2"):  # RTDB then answers jobs/{uid} and users/{uid}/holds as arrays
        runtime.upload(user.uid, job_id, {"attendees.csv": small_csv})
    _deliver_mail_events(runtime, user.uid)
    jobs = services.db.get(f"jobs/{user.uid}")
    assert isinstance(jobs, list) and [j["status"] for j in jobs if j] == ["done", "done"]
    account = services.db.get(f"users/{user.uid}")
    assert account["allowed_usage"] == 8 and not account.get("holds") and len(mail.delivered()) == 2
    assert runtime.errors == []
