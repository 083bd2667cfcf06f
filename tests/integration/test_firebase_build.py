"""badgeforge.adapters.firebase.build: real adapters wired from Settings, pointed at the local servers through the
same emulator variables firebase-tools sets."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import firebase_admin
import pytest

from badgeforge.adapters.firebase import MissingMailKey, build
from badgeforge.config import Services, Settings, build_services
from badgeforge.ports import (
    BlobStore,
    LinkSigner,
    Mailer,
    MailTemporaryError,
    OutgoingMail,
    TreeDatabase,
    UserDirectory,
)

pytestmark = pytest.mark.integration

MAIL = OutgoingMail(to="a@example.com", subject="s", text="t", html="<p>t</p>", from_email="b@example.com")


@dataclass(frozen=True)
class SettingsWithSendGridHost(Settings):
    sendgrid_host: str = ""


@pytest.fixture
def emulated(monkeypatch, gcs_emulator, rtdb_server):
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", gcs_emulator.endpoint)
    monkeypatch.setenv("FIREBASE_DATABASE_EMULATOR_HOST", rtdb_server.emulator_host)
    gcs_emulator.bucket("demo-badgeforge.appspot.com")
    return Settings(
        mode="firebase",
        bucket="demo-badgeforge.appspot.com",
        project_id="demo-badgeforge",
        database_url="https://demo-badgeforge-default-rtdb.firebaseio.com",
    )


@pytest.fixture
def app_name():
    name = f"build-{uuid.uuid4().hex}"
    yield name
    firebase_admin.delete_app(firebase_admin.get_app(name))


def test_build_wires_every_port_to_the_emulators(emulated, rtdb_server, app_name):
    parts = build(emulated, app_name=app_name)
    assert set(parts) == {"blobs", "links", "db", "mailer", "users", "clock", "tasks"}
    assert isinstance(parts["blobs"], BlobStore) and isinstance(parts["links"], LinkSigner)
    assert isinstance(parts["db"], TreeDatabase) and isinstance(parts["users"], UserDirectory)
    assert isinstance(parts["mailer"], Mailer)
    parts["blobs"].write_bytes("uploads/u1/j1/a.csv", b"name\nAda\n", content_type="text/csv")
    assert parts["blobs"].read_bytes("uploads/u1/j1/a.csv") == b"name\nAda\n"
    parts["db"].set("jobs/u1/j1", {"status": "queued"})
    # FIREBASE_DATABASE_EMULATOR_HOST: the namespace is the first label of databaseURL's host.
    assert rtdb_server.tree("demo-badgeforge-default-rtdb") == {"jobs": {"u1": {"j1": {"status": "queued"}}}}
    assert parts["clock"].now().tzinfo is not None


def test_without_a_sendgrid_key_mail_fails_as_temporary_with_the_reason(emulated, app_name):
    mailer = build(emulated, app_name=app_name)["mailer"]
    assert isinstance(mailer, MissingMailKey)
    with pytest.raises(MailTemporaryError, match="SENDGRID_API_KEY"):
        mailer.send(MAIL)


def test_sendgrid_key_and_host_come_from_settings(emulated, sendgrid_server, app_name):
    settings = SettingsWithSendGridHost(
        **{f: getattr(emulated, f) for f in ("mode", "bucket", "project_id", "database_url")},
        sendgrid_api_key="SG.from-secret",
        sendgrid_host=sendgrid_server.host_url,
    )
    receipt = build(settings, app_name=app_name)["mailer"].send(MAIL)
    assert receipt.provider == "sendgrid"
    assert sendgrid_server.requests[0].authorization == "Bearer SG.from-secret"


def test_config_build_services_picks_these_adapters_in_firebase_mode(emulated):
    try:
        services = build_services(emulated)
        assert isinstance(services, Services)
        services.db.set("x", 1)
        assert services.db.get("x") == 1
    finally:
        firebase_admin.delete_app(firebase_admin.get_app("badgeforge"))
