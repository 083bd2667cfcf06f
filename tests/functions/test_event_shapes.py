"""The decorated functions in main.py called with CloudEvents shaped exactly as Eventarc sends them.

Starts from the JSON fixtures in tests/fixtures/events (the production contract) and checks that the local runtime
builds the same shapes. The callable is driven through a real Flask request with Firebase Auth emulator tokens
(unsigned, accepted by firebase_admin when FIREBASE_AUTH_EMULATOR_HOST is set): Google's token signing cannot run
here, everything after verification is the real code.
"""

from __future__ import annotations

import base64
import json
import time

import flask
import pytest

from badgeforge.runtime import events
from tests.fixtures.events import BADGEMAIL_CREATED, UPLOAD_CSV, event_json, load_event
from tests.functions.conftest import make_user, outbox


def test_runtime_storage_event_has_the_eventarc_shape(services, small_csv):
    info = services.blobs.write_bytes("uploads/u1/j1/attendees.csv", small_csv, content_type="text/csv")
    built = events.storage_finalized(services.blobs.bucket, info, small_csv)
    fixture = event_json(UPLOAD_CSV)
    assert set(fixture) - {"data"} <= set(built.get_attributes())
    assert set(fixture["data"]) - {"metadata"} <= set(built.get_data())
    assert built["type"] == fixture["type"] and built["subject"] == "objects/uploads/u1/j1/attendees.csv"
    assert "." in built["time"] and built["time"].endswith("Z")
    data = built.get_data()
    assert isinstance(data["generation"], str) and data["size"] == str(len(small_csv))


def test_runtime_database_event_has_the_eventarc_shape():
    built = events.database_created("badgeMails/u1/k1", {"a": 1}, instance="p-default-rtdb", location="us-central1")
    fixture = event_json(BADGEMAIL_CREATED)
    assert set(fixture) - {"data"} <= set(built.get_attributes())
    assert built.get_data() == {"data": None, "delta": {"a": 1}}
    assert built["ref"] == "badgeMails/u1/k1" and built["subject"] == "refs/badgeMails/u1/k1"


def test_render_badges_with_the_fixture_event(services, runtime, small_csv):
    user = make_user(services)
    path = f"uploads/{user.uid}/j-fixture/attendees.csv"
    services.blobs.write_bytes(path, small_csv, content_type="text/csv")
    runtime.main.render_badges(load_event(UPLOAD_CSV, object_name=path, size=len(small_csv)))
    job = services.db.get(f"jobs/{user.uid}/j-fixture")
    assert job["status"] == "done" and job["badges"] == 3
    assert len(outbox(services)) == 1  # the created node went on to send_badge_mail


def test_send_badge_mail_with_the_fixture_event(services, runtime, small_csv):
    user = make_user(services)
    services.blobs.write_bytes(f"badges/{user.uid}/j9/badges.pdf", b"%PDF-1.7", content_type="application/pdf")
    node = {
        "badgeId": "j9",
        "badgeLink": "",
        "objectPath": f"badges/{user.uid}/j9/badges.pdf",
        "badges": 3,
        "createdAt": "2026-11-23T11:42:09.512345Z",
        "status": "pending",
    }
    key = "2026_11_23T11U42U09D512345Z_5006985579"
    services.db.set(f"badgeMails/{user.uid}/{key}", node)  # this write is itself delivered once by the runtime
    runtime.main.send_badge_mail(load_event(BADGEMAIL_CREATED, ref=f"badgeMails/{user.uid}/{key}", delta=node))
    assert services.db.get(f"badgeMails/{user.uid}/{key}/status") == "sent"
    assert len(outbox(services)) == 1 and services.db.get(f"users/{user.uid}/allowed_usage") == 9


def test_own_output_event_is_ignored(services, runtime):
    output = "badges/u1/j1/badges.pdf"
    runtime.main.render_badges(load_event(UPLOAD_CSV, object_name=output, content_type="application/pdf"))
    assert services.db.get("jobs") is None


def test_trigger_manifests(runtime):
    main = runtime.main
    storage = main.render_badges.__firebase_endpoint__.eventTrigger
    assert storage["eventType"] == "google.cloud.storage.object.v1.finalized" and storage["retry"] is False
    database = main.send_badge_mail.__firebase_endpoint__.eventTrigger
    assert database["eventType"] == "google.firebase.database.ref.v1.created"
    assert database["eventFilterPathPatterns"]["ref"] == "badgeMails/{uid}/{date}"
    assert main.render_badges.__firebase_endpoint__.timeoutSeconds <= 540
    assert main.retry_failed_mail.__firebase_endpoint__.scheduleTrigger["schedule"] == "every 10 minutes"
    assert main.adjust_usage.__firebase_endpoint__.callableTrigger == {}


# -- adjust_usage (callable) ----------------------------------------------------------------------------------------


def _emulator_token(uid: str, project: str, **claims) -> str:
    def b64(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    now = int(time.time())
    payload = {
        "iss": f"https://securetoken.google.com/{project}",
        "aud": project,
        "auth_time": now,
        "sub": uid,
        "user_id": uid,
        "iat": now,
        "exp": now + 3600,
        **claims,
    }
    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(payload)}."


@pytest.fixture
def call_adjust_usage(runtime, monkeypatch):
    import firebase_admin

    monkeypatch.setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9")  # only changes how tokens are verified
    project = "demo-badgeforge-callable"
    try:
        app = firebase_admin.get_app()
        project = app.project_id or project
    except ValueError:
        app = firebase_admin.initialize_app(options={"projectId": project})
    app_flask = flask.Flask("callable-test")

    def call(data: dict, *, uid: str, **claims):
        headers = {"Authorization": f"Bearer {_emulator_token(uid, project, **claims)}"}
        with app_flask.test_request_context("/", method="POST", json={"data": data}, headers=headers):
            response = runtime.main.adjust_usage(flask.request)
        return response.status_code, response.get_json()

    yield call


def test_adjust_usage_refuses_non_admins(services, call_adjust_usage):
    target = make_user(services, "t@example.com", usage=2)
    status, body = call_adjust_usage({"email": "t@example.com", "delta": 5, "reason": "x"}, uid="someone")
    assert status == 403 and body["error"]["status"] == "PERMISSION_DENIED"
    assert services.db.get(f"users/{target.uid}/allowed_usage") == 2


def test_adjust_usage_admin_add_and_set_are_logged(services, call_adjust_usage):
    target = make_user(services, "t@example.com", usage=2)
    status, body = call_adjust_usage(
        {"email": "t@example.com", "delta": 5, "reason": "bought a pack"},
        uid="boss",
        admin=True,
        email="boss@example.com",
    )
    assert status == 200 and body["result"] == {"uid": target.uid, "before": 2, "after": 7}
    status, body = call_adjust_usage({"uid": target.uid, "set": 1, "reason": "refund"}, uid="boss", admin=True)
    assert status == 200 and body["result"]["after"] == 1
    log = list(services.db.get(f"usage_log/{target.uid}").values())
    assert [(e["delta"], e["before"], e["after"], e["reason"]) for e in log] == [
        (5, 2, 7, "bought a pack"),
        (-6, 7, 1, "refund"),
    ]
    assert log[0]["by"] == "boss@example.com"
    status, body = call_adjust_usage({"uid": target.uid, "delta": 1}, uid="boss", admin=True)
    assert status == 400 and "reason" in body["error"]["message"]


def test_api_answers_through_the_https_function(services, runtime):
    import badgeforge.api.app as api_app

    api_app._cloud_app = None  # built once per instance: build it from this test's services
    try:
        with flask.Flask("api-test").test_request_context("/api/auth/config", method="GET"):
            response = runtime.main.api(flask.request)
        assert response.status_code == 200 and response.get_json() is not None
        with flask.Flask("api-test").test_request_context("/d/not-a-token", method="GET"):
            response = runtime.main.api(flask.request)
        assert response.status_code < 500  # the download page explains a bad link itself
        assert runtime.main.api.__firebase_endpoint__.httpsTrigger is not None
    finally:
        api_app._cloud_app = None
