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

from badgeforge.adapters.firebase.rtdb import FirebaseTreeDatabase
from tests.servers.rtdb_server import running_rtdb_server


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


TREE_DB_FACTORIES = [pytest.param(firebase_tree_db, id="firebase-rtdb", marks=pytest.mark.integration)]
