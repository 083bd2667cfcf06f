"""Cloud mode: Firebase ID tokens verified with firebase_admin.auth.verify_id_token; the admin custom claim.

verify_id_token is replaced here because checking a real token needs Google's public keys over the network (the
call and its exceptions are the real firebase_admin ones); everything behind it is the real app and local adapters.
"""

from __future__ import annotations

import dataclasses

import pytest
from firebase_admin import auth

from badgeforge.api import create_app


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
