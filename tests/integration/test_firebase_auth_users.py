"""FirebaseUserDirectory against firebase-tools' Auth emulator (skipped, with the reason, if it is not installed)."""

from __future__ import annotations

import pytest
from firebase_admin import auth

from badgeforge.adapters.firebase.auth_users import FirebaseUserDirectory
from badgeforge.ports import UserDirectory, UserExists
from tests.servers.auth_emulator import XDIST_GROUP

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group(XDIST_GROUP)]


@pytest.fixture
def users(firebase_auth_app) -> FirebaseUserDirectory:
    return FirebaseUserDirectory(firebase_auth_app)


def test_create_get_and_find(users):
    assert isinstance(users, UserDirectory)
    made = users.create("Ada@Example.com", password="correct horse battery", display_name="Ada Lovelace")
    assert made.email == "ada@example.com" and not made.admin
    assert users.get(made.uid) == made
    assert users.find_by_email("ada@example.com") == made
    assert users.get("nope") is None
    assert users.find_by_email("nobody@example.com") is None


def test_admin_is_a_custom_claim_and_other_claims_survive(users, firebase_auth_app):
    boss = users.create("boss@example.com", admin=True)
    assert users.get(boss.uid).admin
    assert auth.get_user(boss.uid, app=firebase_auth_app).custom_claims == {"admin": True}
    auth.set_custom_user_claims(boss.uid, {"admin": True, "org": "fossasia"}, app=firebase_auth_app)
    users.set_admin(boss.uid, False)
    assert not users.get(boss.uid).admin
    assert auth.get_user(boss.uid, app=firebase_auth_app).custom_claims == {"org": "fossasia"}
    users.set_admin(boss.uid, True)
    assert users.get(boss.uid).admin


def test_duplicate_email_and_bad_email(users):
    users.create("a@example.com")
    with pytest.raises(UserExists):
        users.create("A@example.com")
    with pytest.raises(ValueError):
        users.create("not-an-email")
