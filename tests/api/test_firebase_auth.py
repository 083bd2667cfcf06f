"""Cloud mode: Firebase ID tokens verified with firebase_admin.auth.verify_id_token; the admin custom claim.

verify_id_token is replaced here because checking a real token needs Google's public keys over the network (the
call and its exceptions are the real firebase_admin ones); everything behind it is the real app and local adapters.
"""

from __future__ import annotations

import dataclasses

import pytest
from firebase_admin import auth

from badgeforge.api import create_app
from badgeforge.api.errors import ApiError


@pytest.fixture
def cloud(env, monkeypatch):
    tokens = {
        "organizer-token": {"uid": env.organizer.uid, "email": "organizer@example.com"},
        "admin-token": {"uid": env.admin.uid, "email": "admin@example.com", "admin": True},
        "string-admin-token": {"uid": "u3", "email": "sneaky@example.com", "admin": "true"},
    }

    def verify_id_token(token, *args, **kwargs):
        if token == "expired-token":
            raise auth.ExpiredIdTokenError("Token expired", cause=None)
        if token not in tokens:
            raise auth.InvalidIdTokenError("Wrong signature")
        return tokens[token]

    monkeypatch.setattr(auth, "verify_id_token", verify_id_token)
    settings = dataclasses.replace(env.services.settings, mode="firebase")
    services = dataclasses.replace(env.services, settings=settings)
    app = create_app(services, submitter=env.submitter)
    return app.test_client()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_cloud_mode_has_no_password_sign_in(cloud):
    assert cloud.get("/api/auth/config").get_json()["mode"] == "firebase"
    assert cloud.post("/api/auth/signin", json={"email": "a@b.c", "password": "x"}).status_code == 404
    # Firebase Authentication signs people up and resets passwords there
    assert cloud.post("/api/auth/signup", json={"email": "a@b.c", "password": "x" * 12}).status_code == 404
    assert cloud.post("/api/auth/reset-request", json={"email": "a@b.c"}).status_code == 404


def test_a_verified_id_token_identifies_the_user(cloud):
    me = cloud.get("/api/me", headers=bearer("organizer-token")).get_json()
    assert (me["email"], me["admin"], me["usage_left"]) == ("organizer@example.com", False, 3)


@pytest.mark.parametrize(("token", "code"), [("expired-token", "session_expired"), ("forged", "bad_token")])
def test_bad_id_tokens_are_401(cloud, token, code):
    response = cloud.get("/api/me", headers=bearer(token))
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == code


def test_only_a_true_admin_claim_opens_the_console(cloud):
    assert cloud.get("/api/admin/users", headers=bearer("admin-token")).status_code == 200
    assert cloud.get("/api/admin/users", headers=bearer("organizer-token")).status_code == 403
    assert cloud.get("/api/admin/users", headers=bearer("string-admin-token")).status_code == 403


def test_tokens_are_checked_for_revocation_against_the_directorys_app(env, monkeypatch):
    """A password change or reset revokes other devices' tokens: their still-unexpired ID tokens must stop working."""
    from badgeforge.api.auth import FirebaseTokens

    seen = {}

    def verify_id_token(token, app=None, check_revoked=False, **kwargs):
        seen.update(app=app, check_revoked=check_revoked)
        raise auth.RevokedIdTokenError("The Firebase ID token has been revoked.")

    monkeypatch.setattr(auth, "verify_id_token", verify_id_token)
    app_marker = object()
    with pytest.raises(ApiError) as caught:
        FirebaseTokens(app_marker).principal_from_token("old-device-token")
    assert caught.value.status == 401 and caught.value.body["code"] == "session_ended"
    assert seen == {"app": app_marker, "check_revoked": True}


def test_local_pages_learn_their_sign_in_from_config_json(env):
    app = create_app(env.services, submitter=env.submitter, web_dir=env.services.settings.home)
    body = app.test_client().get("/config.json").get_json()
    assert body == {"auth": "local", "live": "sse"}


def test_serve_with_firebase_auth_hands_the_pages_the_emulator_and_allows_it(env, monkeypatch):
    """BADGEFORGE_AUTH=firebase under `badgeforge serve`: local data, accounts in the Auth emulator."""
    monkeypatch.setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
    settings = dataclasses.replace(env.services.settings, auth="firebase", project_id="demo-badgeforge")
    services = dataclasses.replace(env.services, settings=settings)
    client = create_app(services, submitter=env.submitter, web_dir=settings.home).test_client()
    response = client.get("/config.json")
    body = response.get_json()
    assert body["auth"] == "firebase" and body["live"] == "sse"  # the local tree has no SDK listeners
    assert body["authEmulator"] == "http://127.0.0.1:9099"
    assert body["firebase"]["projectId"] == "demo-badgeforge"
    assert body["firebase"]["apiKey"], "the SDK refuses to start without an API key (any string for the emulator)"
    policy = response.headers["Content-Security-Policy"]
    connect = next(part for part in policy.split("; ") if part.startswith("connect-src"))
    frames = next(part for part in policy.split("; ") if part.startswith("frame-src"))
    assert "http://127.0.0.1:9099" in connect and "http://127.0.0.1:9099" in frames
    assert "https://apis.google.com" in next(p for p in policy.split("; ") if p.startswith("script-src"))
    assert client.post("/api/auth/signin", json={"email": "a@b.c", "password": "x" * 12}).status_code == 404


def test_firebase_mode_refuses_local_sign_in_settings():
    from badgeforge.config import ConfigError, Settings

    with pytest.raises(ConfigError, match="BADGEFORGE_AUTH"):
        Settings.from_env({"BADGEFORGE_MODE": "firebase", "BADGEFORGE_AUTH": "local"})
    with pytest.raises(ConfigError, match="BADGEFORGE_AUTH must be"):
        Settings.from_env({"BADGEFORGE_AUTH": "google"})
    assert Settings.from_env({"BADGEFORGE_AUTH": "firebase"}).auth == "firebase"
    assert Settings.from_env({}).auth == "local"
