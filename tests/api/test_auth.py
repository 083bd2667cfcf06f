"""Sign-in and authorisation: 401 without or with a bad token, 403 for non-admins on every admin route."""

from __future__ import annotations

import pytest

from .conftest import PASSWORD

ADMIN_ROUTES = [
    ("get", "/api/admin/users"),
    ("get", "/api/admin/usage-log?uid=x"),
    ("get", "/api/admin/failed"),
    ("post", "/api/admin/redrive"),
]
USER_ROUTES = [
    ("get", "/api/me"),
    ("get", "/api/designs"),
    ("get", "/api/presets"),
    ("post", "/api/preview"),
    ("post", "/api/jobs"),
    ("get", "/api/jobs"),
    ("get", "/api/jobs/abc"),
    ("delete", "/api/jobs/abc"),
    ("post", "/api/jobs/abc/link"),
]


def test_signin_returns_a_token_that_identifies_the_user(env):
    response = env.client.post("/api/auth/signin", json={"email": "Organizer@Example.com", "password": PASSWORD})
    assert response.status_code == 200
    token = response.get_json()["token"]
    me = env.client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert me["email"] == "organizer@example.com"
    assert me["admin"] is False
    assert me["usage_left"] == 3


@pytest.mark.parametrize(
    "body", [{"email": "organizer@example.com", "password": "wrong"}, {"email": "nobody@example.com", "password": "x"}]
)
def test_signin_refuses_bad_credentials_without_saying_which(env, body):
    response = env.client.post("/api/auth/signin", json=body)
    assert response.status_code == 401
    assert response.get_json()["error"] == {
        "code": "bad_credentials",
        "message": "Wrong email or password.",
        "key": "auth.bad_credentials",  # the catalogue entry (templates/i18n/messages.*.json)
        "params": {},
    }


def test_signin_needs_both_fields(env):
    response = env.client.post("/api/auth/signin", json={"email": "organizer@example.com"})
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "password"


@pytest.mark.parametrize(("method", "path"), USER_ROUTES + ADMIN_ROUTES)
def test_every_route_needs_a_token(env, method, path):
    response = getattr(env.client, method)(path)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "not_signed_in"


@pytest.mark.parametrize(("method", "path"), USER_ROUTES + ADMIN_ROUTES)
def test_a_forged_token_is_refused(env, method, path):
    token = env.token("organizer@example.com")
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    response = getattr(env.client, method)(path, headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "bad_token"


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_non_admin_gets_403_from_every_admin_route(env, method, path):
    response = getattr(env.client, method)(path, headers=env.headers("organizer@example.com"), json={})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "not_admin"


def test_admin_flag_is_read_from_the_directory_on_each_request(env):
    headers = env.headers("organizer@example.com")
    env.services.users.set_admin(env.organizer.uid, True)
    assert env.client.get("/api/admin/users", headers=headers).status_code == 200
    env.services.users.set_admin(env.organizer.uid, False)
    assert env.client.get("/api/admin/users", headers=headers).status_code == 403


def test_auth_config_tells_the_pages_the_mode(env):
    assert env.client.get("/api/auth/config").get_json() == {"mode": "local", "signup": "open", "starting_usage": 3}
