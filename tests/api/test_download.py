"""Download links in both modes: valid ones give the PDF; dead ones (expired, tampered, deleted job) answer a browser
with a page that says what happened and what to do, and an API client with JSON."""

from __future__ import annotations

from datetime import timedelta

import pytest

from badgeforge.services import links

from .conftest import make_env
from .test_jobs import finish, start_job

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


class _AnyText(str):
    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and bool(other)

    __hash__ = str.__hash__


ANY_TEXT = _AnyText()


@pytest.fixture
def page_env(tmp_path):
    return make_env(tmp_path, link_mode="page")


def _done_job(env) -> tuple[str, str]:
    headers = env.headers("organizer@example.com")
    job_id = start_job(env, headers)
    finish(env, env.organizer.uid, job_id)
    link = env.client.get(f"/api/jobs/{job_id}", headers=headers).get_json()["link"]
    assert "/d/" in link
    return job_id, link.split("/d/", 1)[1]


def test_valid_link_redirects_to_the_pdf(page_env):
    _, token = _done_job(page_env)
    response = page_env.client.get(f"/d/{token}")
    assert response.status_code == 302
    target = response.headers["Location"].split("127.0.0.1:8080", 1)[1]
    assert page_env.client.get(target).data == b"%PDF-1.7 test"
    assert page_env.client.get(f"/api/links/{token}").get_json() == {"state": "valid", "job_id": _done_job_id(token)}


def _done_job_id(token: str) -> str:
    from badgeforge.api.pipeline import _unverified_job_id

    return _unverified_job_id(token)


def test_revoked_link_says_so_and_names_the_job_for_its_owner(page_env):
    job_id, token = _done_job(page_env)
    links.revoke(page_env.services, page_env.organizer.uid, job_id)
    response = page_env.client.get(f"/d/{token}", headers=BROWSER)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert b"was withdrawn" in response.data and f'data-job="{job_id}"'.encode() in response.data
    state = page_env.client.get(f"/api/links/{token}").get_json()
    assert (state["state"], state["job_id"]) == ("revoked", job_id)
    assert "withdrawn" in state["message"]


def test_expired_link_says_expired(page_env):
    job_id, _ = _done_job(page_env)
    secret = page_env.services.settings.effective_link_secret()
    past = int((page_env.services.clock.now() - timedelta(days=1)).timestamp())
    token = links.make_token(secret, page_env.organizer.uid, job_id, past)
    state = page_env.client.get(f"/api/links/{token}").get_json()
    assert (state["state"], state["job_id"]) == ("expired", job_id)
    assert "expired" in state["message"]
    assert "url" not in state


def test_forged_link_is_invalid_and_reveals_no_job(page_env):
    response = page_env.client.get("/api/links/eyJ1IjoieCIsImoiOiJ5IiwiZSI6OTk5OTk5OTk5OX0.forged")
    state = response.get_json()
    assert state["state"] == "invalid"
    assert "job_id" not in state


def _signed_link(env) -> tuple[str, str]:
    """(job id, local /files/ path + query) of a finished job in signed link mode."""
    job_id = start_job(env, env.headers("organizer@example.com"))
    finish(env, env.organizer.uid, job_id)
    link = env.client.get(f"/api/jobs/{job_id}", headers=env.headers("organizer@example.com")).get_json()["link"]
    return job_id, link.split("127.0.0.1:8080", 1)[1]


def test_tampered_local_file_link_is_invalid_not_expired(env):
    _, path = _signed_link(env)
    other = path.replace(env.organizer.uid, env.admin.uid)
    response = env.client.get(other)
    assert response.status_code == 410 and response.is_json
    assert response.get_json()["error"]["code"] == "invalid"
    assert "job_id" not in response.get_json()["error"]
    page = env.client.get(other, headers=BROWSER)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert b"not valid" in page.data and b"data-job" not in page.data


def test_expired_local_file_link_names_the_job_for_a_fresh_link(env):
    job_id, _ = _signed_link(env)
    pdf = f"badges/{env.organizer.uid}/{job_id}/badges.pdf"
    link = env.services.links.signed_url(pdf, expires=timedelta(seconds=-5), download_name="badges.pdf")
    path = link.split("127.0.0.1:8080", 1)[1]
    response = env.client.get(path)
    assert response.status_code == 410
    assert response.get_json()["error"] == {"code": "expired", "message": ANY_TEXT, "job_id": job_id}
    page = env.client.get(path, headers=BROWSER)
    assert b"has expired" in page.data and f'data-job="{job_id}"'.encode() in page.data
    assert b"Email me a fresh link" in page.data


def test_local_file_link_of_a_deleted_job_says_the_badges_are_gone(env):
    job_id, path = _signed_link(env)
    env.services.blobs.delete(f"badges/{env.organizer.uid}/{job_id}/badges.pdf")
    response = env.client.get(path)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "deleted"
    page = env.client.get(path, headers=BROWSER)
    assert page.status_code == 200 and b"no longer available" in page.data and b"upload it again" in page.data


def test_page_link_of_a_deleted_job_says_so_and_offers_no_fresh_link(page_env):
    job_id, token = _done_job(page_env)
    page_env.services.db.delete(f"jobs/{page_env.organizer.uid}/{job_id}")
    response = page_env.client.get(f"/d/{token}")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "deleted"
    page = page_env.client.get(f"/d/{token}", headers=BROWSER)
    assert page.status_code == 200 and b"no longer available" in page.data and b"data-job" not in page.data


def test_api_clients_get_json_from_a_dead_page_link(page_env):
    for accept in (None, "*/*", "application/json", "text/html;q=0.5, application/json"):
        response = page_env.client.get("/d/not.a-token", headers={"Accept": accept} if accept else {})
        assert response.status_code == 410 and response.is_json, accept
        assert response.get_json()["error"]["code"] == "invalid"
        assert response.headers["Vary"] == "Accept"


def test_dead_link_page_is_rendered_without_the_pages_beside_it(page_env):
    page_env.app.config["BADGEFORGE_WEB_DIR"] = None  # as deployed: the static pages are on Hosting
    response = page_env.client.get("/d/not.a-token", headers=BROWSER)
    assert response.status_code == 200 and b"This download link is not valid" in response.data
    assert b"<script>" not in response.data  # the explanation needs no script; download.js is a module file
