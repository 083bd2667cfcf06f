"""The download page /d/<token> (page link mode): valid links redirect, dead ones say why and offer a new link."""

from __future__ import annotations

from datetime import timedelta

import pytest

from badgeforge.services import links

from .conftest import make_env
from .test_jobs import finish, start_job


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
    response = page_env.client.get(f"/d/{token}")
    assert response.status_code == 200
    assert b"no longer works" in response.data
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


def test_tampered_local_file_link_is_refused(env):
    job_id = start_job(env, env.headers("organizer@example.com"))
    finish(env, env.organizer.uid, job_id)
    link = env.client.get(f"/api/jobs/{job_id}", headers=env.headers("organizer@example.com")).get_json()["link"]
    path = link.split("127.0.0.1:8080", 1)[1]
    other = path.replace(env.organizer.uid, env.admin.uid)
    response = env.client.get(other)
    assert response.status_code == 410
    assert response.get_json()["error"]["code"] == "expired"


def test_without_the_pages_beside_it_a_dead_link_goes_to_the_hosting_page(page_env):
    page_env.app.config["BADGEFORGE_WEB_DIR"] = None  # as deployed: the pages are on Hosting, not in the function
    response = page_env.client.get("/d/not.a-token")
    assert response.status_code == 302
    assert response.headers["Location"] == "/link#not.a-token"
