"""The local directory's extras used by `badgeforge serve` sign-in: scrypt password hashes, duplicate emails."""

from __future__ import annotations

import pytest

from badgeforge.adapters.local.users import LocalUserDirectory, check_password, hash_password
from badgeforge.ports import UserExists


def test_passwords_are_salted_scrypt_hashes():
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first.startswith("scrypt$") and first != second and "correct" not in first
    assert check_password("correct horse", first) and not check_password("wrong horse", first)
    assert not check_password("x", "md5$abc")


def test_sign_in_and_duplicates(tmp_path):
    users = LocalUserDirectory(tmp_path / "users.sqlite")
    created = users.create("Ada@Example.com", password="analytical")
    assert users.verify_password("ada@example.com", "analytical").uid == created.uid
    assert users.verify_password("ada@example.com", "wrong") is None
    assert users.verify_password("nobody@example.com", "analytical") is None
    with pytest.raises(UserExists):
        users.create("ada@example.com")
    without = users.create("bob@example.com")
    assert users.verify_password("bob@example.com", "") is None  # no password set: cannot sign in
    users.set_password(without.uid, "now-has-one")
    assert users.verify_password("bob@example.com", "now-has-one").uid == without.uid
