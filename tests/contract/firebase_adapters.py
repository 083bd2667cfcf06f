"""Registers the Firebase adapters into the shared contract suite (see tests/contract/conftest.py).

Each factory starts the real local server its adapter talks to (RTDB REST server, gcp-storage-emulator, SendGrid
recorder) on a free 127.0.0.1 port and registers its shutdown with request.addfinalizer.
"""

from __future__ import annotations

import uuid
from contextlib import ExitStack
from pathlib import Path

import firebase_admin
import pytest
import requests

from badgeforge.adapters.firebase.auth_users import FirebaseUserDirectory
from badgeforge.adapters.firebase.gcs_blobs import GcsBlobStore
from badgeforge.adapters.firebase.rtdb import FirebaseTreeDatabase
from badgeforge.adapters.firebase.sendgrid_mail import SendGridMailer
from badgeforge.adapters.firebase.signing import V4LinkSigner
from tests.contract.harness import DeliveredMail, LinkSignerUnderTest, MailerUnderTest
from tests.servers.auth_emulator import XDIST_GROUP, firebase_tools_missing, shared_auth_emulator
from tests.servers.gcs_emulator import running_gcs_emulator
from tests.servers.rtdb_server import running_rtdb_server
from tests.servers.sendgrid_server import running_sendgrid_server
from tests.servers.service_account import make_service_account
from tests.servers.v4_signature import verify_v4_url


def _exit_stack(request: pytest.FixtureRequest) -> ExitStack:
    stack = ExitStack()
    request.addfinalizer(stack.close)
    return stack


def firebase_tree_db(request: pytest.FixtureRequest, tmp_path: Path) -> FirebaseTreeDatabase:
    stack = _exit_stack(request)
    server = stack.enter_context(running_rtdb_server())
    app = firebase_admin.initialize_app(
        options={"projectId": "demo-badgeforge", "databaseURL": server.url()}, name=f"contract-{uuid.uuid4().hex}"
    )
    stack.callback(firebase_admin.delete_app, app)
    return FirebaseTreeDatabase(app)


def gcs_blob_store(request: pytest.FixtureRequest, tmp_path: Path) -> GcsBlobStore:
    emulator = _exit_stack(request).enter_context(running_gcs_emulator())
    return GcsBlobStore(emulator.bucket("contract-bucket"))


def gcs_v4_link_signer(request: pytest.FixtureRequest, tmp_path: Path) -> LinkSignerUnderTest:
    """Signed with a throwaway key; fetch checks the signature as GCS would (the emulator checks none), then GETs."""
    emulator = _exit_stack(request).enter_context(running_gcs_emulator())
    bucket = emulator.bucket("contract-bucket")
    account = make_service_account()

    def fetch(url: str) -> bytes:
        verify_v4_url(url, account.private_key.public_key())
        response = requests.get(url, timeout=10)
        response.raise_for_status()
        return response.content

    return LinkSignerUnderTest(V4LinkSigner(bucket, credentials=account.credentials), GcsBlobStore(bucket), fetch)


_NO_FIREBASE_TOOLS = firebase_tools_missing()


def firebase_user_directory(request: pytest.FixtureRequest, tmp_path: Path) -> FirebaseUserDirectory:
    emulator = shared_auth_emulator(request.config)
    emulator.reset()
    request.getfixturevalue("monkeypatch").setenv("FIREBASE_AUTH_EMULATOR_HOST", emulator.emulator_host)
    app = firebase_admin.initialize_app(options={"projectId": emulator.project}, name=f"contract-{uuid.uuid4().hex}")
    request.addfinalizer(lambda: firebase_admin.delete_app(app))
    return FirebaseUserDirectory(app)


def sendgrid_mailer(request: pytest.FixtureRequest, tmp_path: Path) -> MailerUnderTest:
    server = _exit_stack(request).enter_context(running_sendgrid_server())

    def delivered() -> list[DeliveredMail]:
        found = []
        for recorded in server.requests:
            body = recorded.body
            parts = {c["type"]: c["value"] for c in body.get("content", [])}
            for person in body["personalizations"]:
                for to in person["to"]:
                    found.append(
                        DeliveredMail(
                            to["email"], body["subject"], parts.get("text/plain", ""), parts.get("text/html", "")
                        )
                    )
        return found

    return MailerUnderTest(SendGridMailer("SG.contract", host=server.host_url, timeout_seconds=2), delivered)


TREE_DB_FACTORIES = [pytest.param(firebase_tree_db, id="firebase-rtdb", marks=pytest.mark.integration)]
MAILER_FACTORIES = [pytest.param(sendgrid_mailer, id="firebase-sendgrid", marks=pytest.mark.integration)]
BLOB_STORE_FACTORIES = [pytest.param(gcs_blob_store, id="firebase-gcs", marks=pytest.mark.integration)]
LINK_SIGNER_FACTORIES = [pytest.param(gcs_v4_link_signer, id="firebase-v4", marks=pytest.mark.integration)]
USER_DIRECTORY_FACTORIES = [
    pytest.param(
        firebase_user_directory,
        id="firebase-auth",
        marks=[
            pytest.mark.integration,
            pytest.mark.xdist_group(XDIST_GROUP),
            pytest.mark.skipif(bool(_NO_FIREBASE_TOOLS), reason=_NO_FIREBASE_TOOLS),
        ],
    )
]
