"""Jobs: start (what lands in uploads/), follow, list, delete, fresh link; rate and usage limits."""

from __future__ import annotations

import json

from .conftest import CSV, upload_form


def finish(env, uid: str, job_id: str, *, status: str = "done") -> None:
    """Write what render_badges writes when a job finishes (this test stands in for the pipeline)."""
    path = f"badges/{uid}/{job_id}/badges.pdf"
    env.services.blobs.write_bytes(path, b"%PDF-1.7 test", content_type="application/pdf")
    env.services.db.update(
        f"jobs/{uid}/{job_id}", {"status": status, "progress": 100, "badges": 2, "pages": 1, "output": path}
    )


def start_job(env, headers, **form) -> str:
    response = env.client.post("/api/jobs", headers=headers, data=upload_form(**form))
    assert response.status_code == 202, response.get_json()
    return response.get_json()["id"]


def test_new_job_is_queued_and_its_files_go_to_the_pipeline(env):
    headers = env.headers("organizer@example.com")
    job_id = start_job(env, headers, options=json.dumps({"event_name": "PyCon", "design": "classic"}))
    uid, submitted_id, files, metadata = env.submitter.calls[0]
    assert (uid, submitted_id) == (env.organizer.uid, job_id)
    assert list(files)[-1] == "attendees.csv", "the CSV is written last: it is what triggers render_badges"
    assert files["attendees.csv"] == CSV
    assert json.loads(files["job.json"])["event_name"] == "PyCon"
    assert metadata["email"] == "organizer@example.com"
    job = env.client.get(f"/api/jobs/{job_id}", headers=headers).get_json()
    assert job["status"] == "queued"
    assert job["progress"] == 0
    assert "link" not in job


def test_finished_job_has_a_link_that_downloads_the_pdf(env):
    headers = env.headers("organizer@example.com")
    job_id = start_job(env, headers)
    finish(env, env.organizer.uid, job_id)
    job = env.client.get(f"/api/jobs/{job_id}", headers=headers).get_json()
    assert job["status"] == "done"
    assert job["badges"] == 2
    path = job["link"].split("127.0.0.1:8080", 1)[1]
    download = env.client.get(path)
    assert download.status_code == 200
    assert download.data == b"%PDF-1.7 test"


def test_fresh_link_works_and_can_be_emailed_to_the_owner(env):
    headers = env.headers("organizer@example.com")
    job_id = start_job(env, headers)
    finish(env, env.organizer.uid, job_id)
    response = env.client.post(f"/api/jobs/{job_id}/link", headers=headers, json={"email": True})
    assert response.status_code == 200
    assert response.get_json()["emailed"] is True
    mails = list((env.services.settings.home / "outbox").glob("*.eml"))
    assert len(mails) == 1
    assert "organizer@example.com" in mails[0].read_text()


def test_fresh_link_before_done_is_409(env):
    headers = env.headers("organizer@example.com")
    job_id = start_job(env, headers)
    response = env.client.post(f"/api/jobs/{job_id}/link", headers=headers)
    assert response.status_code == 409


def test_someone_elses_job_is_404(env):
    job_id = start_job(env, env.headers("organizer@example.com"))
    other = env.headers("admin@example.com")
    assert env.client.get(f"/api/jobs/{job_id}", headers=other).status_code == 404
    assert env.client.delete(f"/api/jobs/{job_id}", headers=other).status_code == 404
    assert env.client.post(f"/api/jobs/{job_id}/link", headers=other).status_code == 404


def test_list_shows_own_jobs_newest_first(env):
    headers = env.headers("organizer@example.com")
    first = start_job(env, headers)
    second = start_job(env, headers)
    jobs = env.client.get("/api/jobs", headers=headers).get_json()["jobs"]
    assert [j["id"] for j in jobs] == [second, first]
    assert env.client.get("/api/jobs", headers=env.headers("admin@example.com")).get_json()["jobs"] == []


def test_delete_hides_the_job_but_not_while_running(env):
    headers = env.headers("organizer@example.com")
    job_id = start_job(env, headers)
    assert env.client.delete(f"/api/jobs/{job_id}", headers=headers).status_code == 409
    finish(env, env.organizer.uid, job_id)
    deleted = env.client.delete(f"/api/jobs/{job_id}", headers=headers).get_json()
    assert deleted["id"] == job_id and deleted["deleted"] is True and deleted["restorable_until"]
    assert env.client.get(f"/api/jobs/{job_id}", headers=headers).status_code == 404
    assert env.client.get("/api/jobs", headers=headers).get_json()["jobs"] == []
    assert env.services.blobs.list(f"badges/{env.organizer.uid}/") != []  # kept for 30 days: restorable


def test_bad_csv_creates_no_job_and_consumes_nothing(env):
    headers = env.headers("organizer@example.com")
    response = env.client.post("/api/jobs", headers=headers, data=upload_form(b"city,country\nParis,FR\n"))
    assert response.status_code == 400
    assert response.get_json()["error"]["row"] == 1
    assert env.submitter.calls == []
    assert env.client.get("/api/jobs", headers=headers).get_json()["jobs"] == []
    assert env.client.get("/api/me", headers=headers).get_json()["usage_left"] == 3


def test_job_rate_limit_per_user(env):
    headers = env.headers("organizer@example.com")
    env.services.db.set(f"users/{env.organizer.uid}", {"email": "organizer@example.com", "allowed_usage": 50})
    for _ in range(3):
        start_job(env, headers)
    response = env.client.post("/api/jobs", headers=headers, data=upload_form())
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert len(env.submitter.calls) == 3


def test_no_usage_left_is_refused_up_front(env):
    headers = env.headers("organizer@example.com")
    env.services.db.set(f"users/{env.organizer.uid}", {"email": "organizer@example.com", "allowed_usage": 0})
    response = env.client.post("/api/jobs", headers=headers, data=upload_form())
    assert response.status_code == 402
    assert response.get_json()["error"]["code"] == "no_usage_left"
    assert env.submitter.calls == []


def test_unsafe_job_id_is_404(env):
    headers = env.headers("organizer@example.com")
    assert env.client.get("/api/jobs/a.b", headers=headers).status_code == 404


def test_the_chosen_column_mapping_travels_in_job_json(env):
    headers = env.headers("organizer@example.com")
    start_job(env, headers, mapping=json.dumps({"full_name": "company"}))
    files = env.submitter.calls[0][2]
    assert json.loads(files["job.json"])["mapping"] == {"full_name": "company"}


def test_uploaded_images_are_named_in_job_json_and_stored_beside_it(env):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(buffer, format="PNG")
    headers = env.headers("organizer@example.com")
    start_job(env, headers, logo=(io.BytesIO(buffer.getvalue()), "My Logo.jpeg"))
    files = env.submitter.calls[0][2]
    assert json.loads(files["job.json"])["logo_image"] == "logo.png", "named by content, not by the upload name"
    assert files["logo.png"] == buffer.getvalue()


def test_the_browser_cannot_choose_workers_or_name_image_files(env):
    headers = env.headers("organizer@example.com")
    start_job(env, headers, options=json.dumps({"workers": 64, "logo_image": "../../x.png", "event_name": "E"}))
    sent = json.loads(env.submitter.calls[0][2]["job.json"])
    assert sent == {"event_name": "E"}


def test_handing_out_the_pdf_settles_the_job_once(env):
    """The web link is delivery too: a job whose mail never went out must not be free, nor charged twice."""
    headers = env.headers("organizer@example.com")
    job_id = start_job(env, headers)
    finish(env, env.organizer.uid, job_id)
    for _ in range(3):
        assert env.client.get(f"/api/jobs/{job_id}", headers=headers).get_json()["link"]
        assert env.client.post(f"/api/jobs/{job_id}/link", headers=headers).status_code == 200
    user = env.services.db.get(f"users/{env.organizer.uid}")
    assert user["allowed_usage"] == 2  # the default 3, charged once
    assert list(user["charged"]) == [job_id] and not user.get("holds")
    log = env.client.get(f"/api/admin/usage-log?uid={env.organizer.uid}", headers=env.headers("admin@example.com"))
    assert [entry["reason"] for entry in log.get_json()["entries"]] == ["badges downloaded from the web page"]


def test_no_link_when_the_job_holds_no_use_and_none_is_left(env):
    headers = env.headers("organizer@example.com")
    job_id = start_job(env, headers)
    finish(env, env.organizer.uid, job_id)
    env.services.db.set(f"users/{env.organizer.uid}", {"email": "organizer@example.com", "allowed_usage": 0})
    job = env.client.get(f"/api/jobs/{job_id}", headers=headers).get_json()
    assert job["status"] == "done" and "link" not in job
    assert job["link_error"]["code"] == "no_usage_left"
    response = env.client.post(f"/api/jobs/{job_id}/link", headers=headers)
    assert response.status_code == 402 and response.get_json()["error"]["code"] == "no_usage_left"


def test_a_photo_zip_is_stored_beside_the_csv_and_named_in_job_json(env):
    import io
    import zipfile

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as photos:
        photos.writestr("ada.jpg", b"\xff\xd8 not checked until rendering")
    headers = env.headers("organizer@example.com")
    start_job(env, headers, photos=(io.BytesIO(archive.getvalue()), "Team Photos.zip"))
    files = env.submitter.calls[0][2]
    assert json.loads(files["job.json"])["photos"] == "photos.zip"
    assert files["photos.zip"] == archive.getvalue()


def test_a_hostile_photo_zip_is_refused_naming_the_entry(env):
    import io
    import zipfile

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as photos:
        photos.writestr("../../etc/cron.d/x.jpg", b"x")
    headers = env.headers("organizer@example.com")
    response = env.client.post(
        "/api/jobs", headers=headers, data=upload_form(photos=(io.BytesIO(archive.getvalue()), "p.zip"))
    )
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["field"] == "photos" and "points outside the archive" in error["message"]
    assert env.submitter.calls == []


def test_the_browser_cannot_name_a_photo_zip_or_send_a_design_document(env):
    headers = env.headers("organizer@example.com")
    start_job(env, headers, options=json.dumps({"photos": "../x.zip", "design_document": {"x": 1}, "event_name": "E"}))
    assert json.loads(env.submitter.calls[0][2]["job.json"]) == {"event_name": "E"}


def test_the_list_pages_newest_first_through_a_cursor(env):
    uid = env.organizer.uid
    stamps = {f"j{i}": f"2026-11-{1 + i // 2:02d}T10:00:00.000000Z" for i in range(7)}  # pairs share a time
    env.services.db.update(f"jobs/{uid}", {k: {"status": "done", "created_at": v} for k, v in stamps.items()})
    env.services.db.update(f"jobs/{uid}/j3", {"deleted_at": "2026-11-30T00:00:00.000000Z"})
    headers = env.headers("organizer@example.com")
    seen, before, pages = [], "", 0
    while True:
        body = env.client.get("/api/jobs", headers=headers, query_string={"limit": 2, "before": before}).get_json()
        seen += [j["id"] for j in body["jobs"]]
        pages += 1
        if body["before"] is None:
            break
        before = body["before"]
    assert seen == ["j6", "j5", "j4", "j2", "j1", "j0"] and pages == 4  # j3 deleted; no job skipped or repeated
    assert env.client.get("/api/jobs", headers=headers, query_string={"limit": "x"}).status_code == 400
