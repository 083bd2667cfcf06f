"""Admin console routes and the adjust_usage callable (served locally at /adjust_usage)."""

from __future__ import annotations

import pytest

from badgeforge.services import failures


def call(env, email: str, data) -> tuple[int, dict]:
    response = env.client.post("/adjust_usage", headers=env.headers(email), json={"data": data})
    return response.status_code, response.get_json()


def test_users_list_shows_signed_in_accounts_with_usage_and_search(env):
    for email in ("organizer@example.com", "admin@example.com"):  # a first sign-in records the account's email
        assert env.client.get("/api/me", headers=env.headers(email)).status_code == 200
    headers = env.headers("admin@example.com")
    users = env.client.get("/api/admin/users", headers=headers).get_json()["users"]
    assert {u["email"] for u in users} == {"organizer@example.com", "admin@example.com"}
    organizer = next(u for u in users if u["email"] == "organizer@example.com")
    assert organizer["usage_left"] == 3
    assert organizer["used"] == 0
    assert organizer["last_job"] is None
    found = env.client.get("/api/admin/users?q=ORGAN", headers=headers).get_json()["users"]
    assert [u["email"] for u in found] == ["organizer@example.com"]


def test_admin_raises_usage_and_the_log_shows_it(env):
    status, body = call(env, "admin@example.com", {"uid": env.organizer.uid, "delta": 5, "reason": "big event"})
    assert status == 200, body
    assert body["result"]["before"] == 3
    assert body["result"]["after"] == 8
    headers = env.headers("admin@example.com")
    log = env.client.get(f"/api/admin/usage-log?uid={env.organizer.uid}", headers=headers).get_json()["entries"]
    assert log[0]["delta"] == 5
    assert log[0]["reason"] == "big event"
    assert log[0]["by"] == "admin@example.com"
    me = env.client.get("/api/me", headers=env.headers("organizer@example.com")).get_json()
    assert me["usage_left"] == 8


def test_admin_can_set_usage_by_email(env):
    status, body = call(env, "admin@example.com", {"email": "organizer@example.com", "set": 0, "reason": "paused"})
    assert status == 200
    assert body["result"]["allowed_usage"] == 0


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        ({"uid": "x", "delta": 1}, 400, "INVALID_ARGUMENT"),  # no reason
        ({"email": "nobody@example.com", "delta": 1, "reason": "r"}, 404, "NOT_FOUND"),
        ({"email": "organizer@example.com", "delta": 1, "set": 2, "reason": "r"}, 400, "INVALID_ARGUMENT"),
        ({"email": "organizer@example.com", "delta": "many", "reason": "r"}, 400, "INVALID_ARGUMENT"),
        ("not an object", 400, "INVALID_ARGUMENT"),
    ],
)
def test_adjust_usage_bad_requests(env, data, status, code):
    got_status, body = call(env, "admin@example.com", data)
    assert got_status == status
    assert body["error"]["status"] == code


def test_adjust_usage_refuses_non_admins_and_anonymous(env):
    status, body = call(env, "organizer@example.com", {"uid": env.organizer.uid, "delta": 99, "reason": "me"})
    assert status == 403
    assert body["error"]["status"] == "PERMISSION_DENIED"
    anonymous = env.client.post("/adjust_usage", json={"data": {}})
    assert anonymous.status_code == 401
    assert anonymous.get_json()["error"]["status"] == "UNAUTHENTICATED"


def test_usage_log_needs_a_uid(env):
    response = env.client.get("/api/admin/usage-log", headers=env.headers("admin@example.com"))
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "uid"


def test_failed_lists_failed_jobs_and_mails_with_reasons(env):
    uid = env.organizer.uid
    env.services.db.set(f"jobs/{uid}/j1", {"status": "failed", "error": {"code": "no_usage_left", "message": "none"}})
    env.services.db.set(f"jobs/{uid}/j2", {"status": "done"})
    env.services.db.set(f"badgeMails/{uid}/k1", {"status": "failed", "badgeId": "j3", "error": "smtp down"})
    for kind, item in (("job", "j1"), ("job", "j2"), ("mail", "k1")):  # as the services record them (j2: stale)
        failures.record(env.services, uid, kind, item)
    body = env.client.get("/api/admin/failed", headers=env.headers("admin@example.com")).get_json()
    assert [(j["id"], j["error"]["code"]) for j in body["jobs"]] == [("j1", "no_usage_left")]
    assert [(m["key"], m["error"]) for m in body["mails"]] == [("k1", "smtp down")]
    assert body["jobs"][0]["email"] == "" and set(env.services.db.get("failures")) == {
        f"{uid}:job:j1",
        f"{uid}:mail:k1",
    }


def test_redrive_needs_uid_and_a_target(env):
    headers = env.headers("admin@example.com")
    assert env.client.post("/api/admin/redrive", headers=headers, json={}).get_json()["error"]["field"] == "uid"
    response = env.client.post("/api/admin/redrive", headers=headers, json={"uid": "u"})
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "jobId"


def test_redrive_a_failed_mail_sends_it_once(env):
    uid = env.organizer.uid
    path = f"badges/{uid}/j9/badges.pdf"
    env.services.blobs.write_bytes(path, b"%PDF-1.7", content_type="application/pdf")
    env.services.db.set(f"jobs/{uid}/j9", {"status": "done", "output": path, "badges": 1})
    env.services.db.set(
        f"badgeMails/{uid}/k9",
        {
            "badgeId": "j9",
            "objectPath": path,
            "badges": 1,
            "status": "failed",
            "attempts": 5,
            "permanent": True,
            "badgeLink": "http://x",
            "error": "bounced",
        },
    )
    headers = env.headers("admin@example.com")
    response = env.client.post("/api/admin/redrive", headers=headers, json={"uid": uid, "mailKey": "k9"})
    assert response.get_json() == {"redriven": "mail", "status": "sent"}
    assert env.services.db.get(f"badgeMails/{uid}/k9/status") == "sent"
    assert len(list((env.services.settings.home / "outbox").glob("*.eml"))) == 1
    again = env.client.post("/api/admin/redrive", headers=headers, json={"uid": uid, "mailKey": "k9"})
    assert again.status_code == 409, "a sent mail is not sent twice"


def test_redrive_a_failed_job_queues_it_and_delivers_the_upload_again(env):
    uid = env.organizer.uid
    source = f"uploads/{uid}/j8/attendees.csv"
    env.services.blobs.write_bytes(source, b"name\nAda\n", content_type="text/csv")
    env.services.db.set(
        f"jobs/{uid}/j8",
        {
            "status": "failed",
            "source": source,
            "attempts": 5,
            "error": {"code": "no_usage_left", "message": "none left"},
        },
    )
    headers = env.headers("admin@example.com")
    response = env.client.post("/api/admin/redrive", headers=headers, json={"uid": uid, "jobId": "j8"})
    body = response.get_json()
    assert (body["redriven"], body["status"], body["charge"]["hold"]) == ("job", "queued", "new")
    job = env.services.db.get(f"jobs/{uid}/j8")
    assert (job["status"], job["attempts"], job.get("error")) == ("queued", 0, None)
    assert env.submitter.redelivered == [source]


def test_redrive_of_something_missing_is_404(env):
    headers = env.headers("admin@example.com")
    response = env.client.post("/api/admin/redrive", headers=headers, json={"uid": "nobody", "jobId": "x"})
    assert response.status_code in (404, 409)


def test_failed_says_which_jobs_a_redrive_can_fix_and_what_it_charges(env):
    uid = env.organizer.uid
    bad_csv = {"code": "csv_encoding", "message": "not UTF-8", "row": 3}
    env.services.db.set(f"jobs/{uid}/bad", {"status": "failed", "error": bad_csv})
    env.services.db.set(f"jobs/{uid}/full", {"status": "failed", "error": {"code": "storage_full", "message": "x"}})
    env.services.db.set(f"badgeMails/{uid}/k1", {"status": "failed", "badgeId": "full", "error": "smtp down"})
    for kind, item in (("job", "bad"), ("job", "full"), ("mail", "k1")):
        failures.record(env.services, uid, kind, item)  # as the render and mail jobs record their failures
    body = env.client.get("/api/admin/failed", headers=env.headers("admin@example.com")).get_json()
    by_id = {j["id"]: j["redrive"] for j in body["jobs"]}
    assert by_id["bad"] == {
        "possible": False,
        "summary": "Fix the file and upload it again: a re-drive would fail the same way.",
    }
    assert by_id["full"]["possible"] is True and by_id["full"]["uses"] == 1 and "charged" in by_id["full"]["summary"]
    mail = body["mails"][0]["redrive"]
    assert mail["possible"] is True and "1 use is charged" in mail["summary"]


def test_redrive_of_a_job_that_failed_for_its_input_is_refused(env):
    uid = env.organizer.uid
    source = f"uploads/{uid}/bad/attendees.csv"
    env.services.blobs.write_bytes(source, b"\xff\xfe not utf-8", content_type="text/csv")
    error = {"code": "csv_encoding", "message": "not UTF-8"}
    env.services.db.set(f"jobs/{uid}/bad", {"status": "failed", "source": source, "error": error})
    headers = env.headers("admin@example.com")
    response = env.client.post("/api/admin/redrive", headers=headers, json={"uid": uid, "jobId": "bad"})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "fix_the_file"
    assert env.services.db.get(f"jobs/{uid}/bad/status") == "failed" and env.submitter.redelivered == []
