"""BADGEFORGE_MODE=firebase wiring: config.build_services picks the firebase adapters, and the pipeline runs on
them end to end (RTDB REST server, gcp-storage-emulator, SendGrid recorder on 127.0.0.1).

Two stand-ins, because what they replace cannot run here: users come from the local directory (the Auth emulator
needs firebase-tools) and links use the download-page mode (V4 signing needs a service account's IAM signBlob).
"""

from __future__ import annotations

import dataclasses

import firebase_admin
import pytest

from badgeforge import config
from badgeforge.adapters.firebase.app import APP_NAME
from badgeforge.adapters.local.users import LocalUserDirectory
from badgeforge.runtime import LocalRuntime, events
from tests.functions.conftest import make_user
from tests.servers.gcs_emulator import running_gcs_emulator
from tests.servers.rtdb_server import running_rtdb_server
from tests.servers.sendgrid_server import running_sendgrid_server

pytestmark = pytest.mark.integration


@pytest.fixture
def firebase_services(tmp_path, monkeypatch):
    try:
        firebase_admin.get_app(APP_NAME)
        pytest.skip("another test holds the process-wide firebase app")
    except ValueError:
        pass
    with running_rtdb_server() as rtdb, running_gcs_emulator() as gcs, running_sendgrid_server() as sendgrid:
        gcs.bucket("wiring-bucket")
        monkeypatch.setenv("STORAGE_EMULATOR_HOST", gcs.endpoint)
        settings = config.Settings(
            mode="firebase",
            home=tmp_path,
            project_id=gcs.project,
            bucket="wiring-bucket",
            database_url=rtdb.url(),
            link_mode="page",
            link_secret="wiring-secret",
            public_base_url="https://badges.example",
            sendgrid_api_key="SG.test",
            sendgrid_host=sendgrid.host_url,
        )
        try:
            built = config.build_services(settings)
            yield dataclasses.replace(built, users=LocalUserDirectory(tmp_path / "users.sqlite")), sendgrid
        finally:
            firebase_admin.delete_app(firebase_admin.get_app(APP_NAME))
            config.use_services(None)


def test_firebase_mode_builds_cloud_adapters_and_runs_the_pipeline(firebase_services, small_csv):
    services, sendgrid = firebase_services
    assert type(services.db).__module__.startswith("badgeforge.adapters.firebase")
    assert type(services.blobs).__module__.startswith("badgeforge.adapters.firebase")
    runtime = LocalRuntime(services)
    user = make_user(runtime.services)
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv})
    ((key, node),) = services.db.get(f"badgeMails/{user.uid}").items()
    runtime.main.send_badge_mail(
        events.database_created(
            f"badgeMails/{user.uid}/{key}", node, instance="demo-default-rtdb", location="us-central1"
        )
    )
    assert services.db.get(f"jobs/{user.uid}/j1/status") == "done"
    assert services.db.get(f"badgeMails/{user.uid}/{key}/status") == "sent"
    assert len(sendgrid.requests) == 1 and services.db.get(f"users/{user.uid}/allowed_usage") == 9
    assert services.blobs.info(f"badges/{user.uid}/j1/badges.pdf").content_type == "application/pdf"
