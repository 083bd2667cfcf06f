"""Only verified email addresses get usage and badge mail.

Test double, and why: the local directory has no unverified accounts (no verification mail locally), so
`UnverifiedUsers` wraps it and reports chosen uids with email_verified=False, as Firebase Auth does for a sign-up
that never clicked its link. Everything else is the real local adapter and the real decorated functions.
"""

from __future__ import annotations

import dataclasses

import pytest
from firebase_admin import auth

from badgeforge.adapters.firebase.auth_users import _record
from badgeforge.services.usage import ensure_user
from tests.functions.conftest import make_user, outbox


class UnverifiedUsers:
    def __init__(self, inner, uids: set[str]) -> None:
        self.inner, self.uids = inner, uids

    def get(self, uid):
        record = self.inner.get(uid)
        if record is not None and uid in self.uids:
            return dataclasses.replace(record, email_verified=False)
        return record

    def __getattr__(self, name):
        return getattr(self.inner, name)


@pytest.fixture
def unverified(services):
    return dataclasses.replace(services, users=UnverifiedUsers(services.users, set()))


@pytest.fixture
def rt(unverified):
    from badgeforge import config
    from badgeforge.runtime import LocalRuntime

    runtime = LocalRuntime(unverified)
    yield runtime
    runtime.close()
    config.use_services(None)


def test_an_unverified_sign_up_gets_no_default_usage_and_no_mail(unverified, rt, small_csv):
    record = unverified.users.create("someone-else@example.com")  # a first upload: no users/{uid} node yet
    unverified.users.uids.add(record.uid)
    rt.upload(record.uid, "j1", {"attendees.csv": small_csv})
    job = unverified.db.get(f"jobs/{record.uid}/j1")
    assert job["status"] == "failed"
    assert job["error"]["code"] == "email_not_verified"
    assert "not verified" in job["error"]["message"] and "verification link" in job["error"]["message"]
    assert unverified.db.get(f"badgeMails/{record.uid}") is None
    user = unverified.db.get(f"users/{record.uid}") or {}
    assert int(user.get("allowed_usage", 0)) == 0 and not user.get("holds")
    assert outbox(unverified) == []


def test_a_verified_sign_up_gets_the_default_usage(unverified, rt, small_csv):
    record = unverified.users.create("org@example.com")
    rt.upload(record.uid, "j1", {"attendees.csv": small_csv})
    assert unverified.db.get(f"jobs/{record.uid}/j1/status") == "done"
    assert unverified.db.get(f"users/{record.uid}/allowed_usage") == 9
    assert len(outbox(unverified)) == 1


def test_granted_usage_still_mails_only_a_verified_address(unverified, rt, small_csv):
    """An administrator granted generations to an unverified account: it may render, but nothing is mailed to the
    unverified address, the hold goes back and nothing is charged."""
    record = unverified.users.create("unverified@example.com")
    ensure_user(unverified, record, allowed_usage=5)
    unverified.users.uids.add(record.uid)
    rt.upload(record.uid, "j1", {"attendees.csv": small_csv})
    mails = unverified.db.get(f"badgeMails/{record.uid}")
    (node,) = mails.values()
    assert node["status"] == "failed" and node["permanent"] is True
    assert "not verified" in node["error"]
    user = unverified.db.get(f"users/{record.uid}")
    assert user["allowed_usage"] == 5 and not user.get("holds") and not user.get("charged")
    assert outbox(unverified) == []


def test_local_accounts_count_as_verified(services):
    assert make_user(services).email_verified is True


@pytest.mark.parametrize("verified", [True, False])
def test_firebase_directory_reports_email_verified(verified):
    user = auth.UserRecord({"localId": "u1", "email": "a@example.com", "emailVerified": verified})
    assert _record(user).email_verified is verified
