"""Desk and kiosk sessions on the real local adapters: the organizer makes a token for one device at one job; a
kiosk token finds one attendee by exact email or ticket and prints only that one; nothing reaches the account."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta

import pytest

from badgeforge.api import create_app
from badgeforge.services import desk_sessions
from tests.api.conftest import PASSWORD
from tests.clocks import HeldClock
from tests.desk.conftest import finished_job

ORGANIZER = "organizer@example.com"


@pytest.fixture
def desk(desk_env):
    """(client, services, clock, organizer headers): the desk env behind an app whose clock the test moves."""
    clock = HeldClock()
    services = dataclasses.replace(desk_env.services, clock=clock)
    app = create_app(services, submitter=desk_env.submitter)
    app.testing = True
    client = app.test_client()
    finished_job(desk_env)
    return client, services, clock, desk_env.headers(ORGANIZER)


def _create(client, headers, mode="kiosk", device="kiosk-1", job="job1", **extra):
    response = client.post(f"/api/desk/{job}/sessions", json={"mode": mode, "device": device, **extra}, headers=headers)
    return response


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_session_token_is_shown_once_stored_hashed_listed_and_revoked_at_once(desk) -> None:
    client, services, _, headers = desk
    created = _create(client, headers, expires_in_hours=2)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    token, session = body["token"], body["session"]
    assert token.startswith("bfdesk_") and body["url"] == f"/kiosk?job=job1#token={token}"
    assert session["state"] == "live" and session["device"] == "kiosk-1" and "digest" not in session
    assert created.headers["Cache-Control"] == "no-store"
    uid = services.db.get("desk_sessions") and next(iter(services.db.get("desk_sessions")))
    stored = json.dumps(services.db.get(""))
    assert token not in stored and token[len("bfdesk_") :] not in stored  # only its digest is kept
    assert services.db.get(f"desk_sessions/{uid}/{session['id']}/digest") == desk_sessions.digest(token)
    listed = client.get("/api/desk/job1/sessions", headers=headers).get_json()["sessions"]
    assert [(s["id"], s["mode"], s["state"]) for s in listed] == [(session["id"], "kiosk", "live")]
    assert client.get("/api/desk/session", headers=_bearer(token)).get_json() == {
        "job_id": "job1",
        "device": "kiosk-1",
        "mode": "kiosk",
    }
    revoked = client.delete(f"/api/desk/job1/sessions/{session['id']}", headers=headers)
    assert revoked.status_code == 200 and revoked.get_json()["session"]["state"] == "revoked"
    refused = client.get("/api/desk/job1/kiosk", query_string={"q": "PCE-001"}, headers=_bearer(token))
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "desk_session_ended"
    assert "revoked" in refused.get_json()["error"]["message"]
    assert services.db.get("desk_session_tokens") is None  # the token itself is forgotten


def test_a_session_expires_and_bad_requests_are_refused_clearly(desk) -> None:
    client, _, clock, headers = desk
    token = _create(client, headers, expires_in_hours=1).get_json()["token"]
    assert client.get("/api/desk/session", headers=_bearer(token)).status_code == 200
    clock.at += timedelta(hours=1, seconds=1)
    expired = client.get("/api/desk/session", headers=_bearer(token))
    assert expired.status_code == 401 and expired.get_json()["error"]["code"] == "desk_session_expired"
    listed = client.get("/api/desk/job1/sessions", headers=headers).get_json()["sessions"]
    assert listed[0]["state"] == "expired"
    assert _create(client, headers, mode="admin").get_json()["error"]["field"] == "mode"
    assert _create(client, headers, device=" ").get_json()["error"]["field"] == "device"
    assert _create(client, headers, expires_in_hours=24 * 8).get_json()["error"]["field"] == "expiry"
    assert _create(client, headers, job="nojob").status_code == 404
    forged = client.get("/api/desk/session", headers=_bearer("bfdesk_" + "x" * 43))
    assert forged.status_code == 401


def test_a_kiosk_token_finds_one_attendee_exactly_and_never_lists(desk) -> None:
    client, _, _, headers = desk
    kiosk = _bearer(_create(client, headers).get_json()["token"])
    hit = client.get("/api/desk/job1/kiosk", query_string={"q": "grace@example.org"}, headers=kiosk)
    assert hit.status_code == 200 and hit.get_json()["attendee"]["name"] == "Grace Hopper"
    assert client.get("/api/desk/job1/kiosk", query_string={"q": "grace"}, headers=kiosk).status_code == 404
    for path in ("/api/desk/job1/search?q=grace", "/api/desk/job1/roster", "/api/desk/job1/export.csv"):
        answer = client.get(path, headers=kiosk)
        assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "kiosk_scope", path
    assert client.get("/api/desk/job1/attendees/r2", headers=kiosk).status_code == 403
    walkin = client.post("/api/desk/job1/walkins", json={"full_name": "X", "device": "d"}, headers=kiosk)
    assert walkin.status_code == 403
    assert client.post("/api/desk/job1/checkout", json={"key": "r3"}, headers=kiosk).status_code == 403


def test_a_kiosk_prints_and_checks_in_only_the_attendee_it_found_under_its_own_name(desk) -> None:
    client, services, _, headers = desk
    kiosk = _bearer(_create(client, headers, device="lobby-kiosk").get_json()["token"])
    uid = services.users.find_by_email(ORGANIZER).uid
    unfound = client.post("/api/desk/job1/print", json={"key": "r4"}, headers=kiosk)  # r4: never looked up
    assert unfound.status_code == 403 and unfound.get_json()["error"]["code"] == "kiosk_not_found_first"
    assert client.post("/api/desk/job1/checkin", json={"key": "r4"}, headers=kiosk).status_code == 403
    assert services.db.get(f"checkins/{uid}/job1/r4") is None
    client.get("/api/desk/job1/kiosk", query_string={"q": "PCE-003"}, headers=kiosk)  # Alan Turing, r4
    printed = client.post("/api/desk/job1/print", json={"key": "r4", "device": "desk-9"}, headers=kiosk)
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"
    record = services.db.get(f"checkins/{uid}/job1/r4")
    assert record["checked_in_device"] == "lobby-kiosk"  # the session's name, not what the body says
    assert [p["by"] for p in record["prints"].values()] == ["kiosk session lobby-kiosk"]
    again = client.post("/api/desk/job1/print", json={"key": "r4", "confirm_reprint": True}, headers=kiosk)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_printed"  # no kiosk reprints


def test_desk_tokens_reach_neither_the_account_nor_other_jobs(desk) -> None:
    client, _, _, headers = desk
    for mode in ("kiosk", "desk"):
        token = _bearer(_create(client, headers, mode=mode, device=f"{mode}-1").get_json()["token"])
        for path in ("/api/me", "/api/account", "/api/jobs", "/api/jobs/job1", "/api/admin/usage-log"):
            answer = client.get(path, headers=token)
            assert answer.status_code in (401, 403), (mode, path, answer.status_code)
        link = client.post("/api/jobs/job1/link", json={}, headers=token)  # the badges' download link
        assert link.status_code in (401, 403), (mode, link.status_code)
        assert client.get("/api/me", headers=token).get_json()["error"]["code"] == "desk_session_only"
        other = client.get("/api/desk/job2/kiosk?q=PCE-001", headers=token)
        assert other.status_code == 403 and other.get_json()["error"]["code"] == "other_job"
        sessions = client.get("/api/desk/job1/sessions", headers=token)
        assert sessions.status_code == 403 and sessions.get_json()["error"]["code"] == "organizer_only"
        assert _create(client, token).status_code == 403  # a desk token cannot mint more tokens


def test_a_desk_token_does_the_desk_work_for_its_job(desk) -> None:
    client, services, _, headers = desk
    token = _bearer(_create(client, headers, mode="desk", device="desk-7").get_json()["token"])
    found = client.get("/api/desk/job1/search", query_string={"q": "ada"}, headers=token)
    assert found.status_code == 200 and [r["name"] for r in found.get_json()["results"]] == ["Ada Lovelace"]
    assert client.get("/api/desk/job1/roster", headers=token).status_code == 200
    walkin = client.post("/api/desk/job1/walkins", json={"full_name": "Walk In"}, headers=token)
    assert walkin.status_code == 201, walkin.get_json()
    uid = services.users.find_by_email(ORGANIZER).uid
    assert services.db.get(f"walkins/{uid}/job1/{walkin.get_json()['attendee']['key']}/device") == "desk-7"


def test_kiosk_lookups_are_rate_limited_per_token(desk) -> None:
    client, _, clock, headers = desk
    kiosk = _bearer(_create(client, headers).get_json()["token"])
    other = _bearer(_create(client, headers, device="kiosk-2").get_json()["token"])
    codes = [
        client.get("/api/desk/job1/kiosk", query_string={"q": f"guess{i}@example.org"}, headers=kiosk).status_code
        for i in range(desk_sessions.KIOSK_LOOKUPS[0].max_events)
    ]
    assert codes == [404] * desk_sessions.KIOSK_LOOKUPS[0].max_events
    limited = client.get("/api/desk/job1/kiosk", query_string={"q": "ada@example.org"}, headers=kiosk)
    assert limited.status_code == 429 and limited.get_json()["error"]["code"] == "too_many_lookups"
    assert int(limited.headers["Retry-After"]) > 0
    assert client.get("/api/desk/job1/kiosk?q=ada@example.org", headers=other).status_code == 200  # per token
    clock.at += timedelta(minutes=1, seconds=1)
    assert client.get("/api/desk/job1/kiosk?q=ada@example.org", headers=kiosk).status_code == 200


def test_the_link_carries_the_station_and_comes_with_a_qr_code_of_the_whole_url(desk) -> None:
    client, _, _, headers = desk
    made = _create(client, headers, station="desk-2", origin="https://badges.example.org").get_json()
    assert made["url"].startswith("/kiosk?job=job1&station=desk-2#token=bfdesk_")
    assert made["qr"].startswith("data:image/svg+xml")
    no_qr = _create(client, headers, device="kiosk-3", origin="javascript:alert(1)").get_json()
    assert "qr" not in no_qr  # only an http(s) origin is drawn


def test_long_ended_sessions_are_forgotten_with_their_token_and_lookups(desk) -> None:
    client, services, clock, headers = desk
    old = _create(client, headers, expires_in_hours=1).get_json()
    client.get("/api/desk/job1/kiosk?q=PCE-001", headers=_bearer(old["token"]))
    uid = services.users.find_by_email(ORGANIZER).uid
    assert services.db.get(desk_sessions.lookups_node(uid, old["session"]["id"])) is not None
    clock.at += desk_sessions.KEEP_ENDED + timedelta(hours=2)
    signed_in = client.post("/api/auth/signin", json={"email": ORGANIZER, "password": PASSWORD}).get_json()
    headers = _bearer(signed_in["token"])  # a month later: a new sign-in too
    fresh = _create(client, headers, device="kiosk-2").get_json()
    listed = client.get("/api/desk/job1/sessions", headers=headers).get_json()["sessions"]
    assert [s["id"] for s in listed] == [fresh["session"]["id"]]
    assert services.db.get(desk_sessions.lookups_node(uid, old["session"]["id"])) is None
    assert services.db.get(desk_sessions.seen_node(uid, old["session"]["id"])) is None
    assert list(services.db.get("desk_session_tokens")) == [desk_sessions.digest(fresh["token"])]
