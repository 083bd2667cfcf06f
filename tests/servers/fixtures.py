"""pytest fixtures over the servers; import them into a conftest (`from tests.servers.fixtures import *`).

Each fixture starts its server for one test on a free 127.0.0.1 port and stops it in `finally`, so tests can run in
parallel under pytest-xdist without shared ports or state.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import firebase_admin
import pytest

from tests.servers.auth_emulator import AuthEmulator, firebase_tools_missing, shared_auth_emulator
from tests.servers.gcs_emulator import GcsEmulator, running_gcs_emulator
from tests.servers.rtdb_server import RtdbServer, running_rtdb_server
from tests.servers.sendgrid_server import SendGridServer, running_sendgrid_server

__all__ = ["auth_emulator", "firebase_auth_app", "firebase_db_app", "gcs_emulator", "rtdb_server", "sendgrid_server"]


@pytest.fixture
def rtdb_server() -> Iterator[RtdbServer]:
    with running_rtdb_server() as server:
        yield server


@pytest.fixture
def firebase_db_app(rtdb_server: RtdbServer) -> Iterator[firebase_admin.App]:
    """A uniquely named firebase_admin App whose databaseURL points at the local RTDB server (emulator mode)."""
    app = firebase_admin.initialize_app(
        options={"projectId": "demo-badgeforge", "databaseURL": rtdb_server.url()}, name=f"test-{uuid.uuid4().hex}"
    )
    try:
        yield app
    finally:
        firebase_admin.delete_app(app)


@pytest.fixture
def sendgrid_server() -> Iterator[SendGridServer]:
    with running_sendgrid_server() as server:
        yield server


@pytest.fixture
def gcs_emulator() -> Iterator[GcsEmulator]:
    with running_gcs_emulator() as emulator:
        yield emulator


@pytest.fixture(scope="session")
def auth_emulator(request: pytest.FixtureRequest) -> AuthEmulator:
    """The process's shared Auth emulator (see shared_auth_emulator); tests reset its accounts.

    Mark tests using it `pytest.mark.xdist_group(XDIST_GROUP)` so only one worker starts one."""
    reason = firebase_tools_missing()
    if reason:
        pytest.skip(reason)
    return shared_auth_emulator(request.config)


@pytest.fixture
def firebase_auth_app(auth_emulator: AuthEmulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[firebase_admin.App]:
    """A fresh named App talking to the Auth emulator, which starts with no accounts."""
    auth_emulator.reset()
    monkeypatch.setenv("FIREBASE_AUTH_EMULATOR_HOST", auth_emulator.emulator_host)
    app = firebase_admin.initialize_app(options={"projectId": auth_emulator.project}, name=f"auth-{uuid.uuid4().hex}")
    try:
        yield app
    finally:
        firebase_admin.delete_app(app)
