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


def test_unknown_email_costs_the_same_key_derivation_as_a_wrong_password(tmp_path, monkeypatch):
    """Sign-in must not reveal which emails have accounts by answering faster for unknown ones; we count scrypt
    runs instead of timing them (timing assertions are flaky)."""
    import hashlib

    users = LocalUserDirectory(tmp_path / "users.sqlite")
    users.create("known@example.com", password="correct horse battery")
    users.verify_password("warm@example.com", "x")  # the dummy hash is made once per process
    runs = []
    real = hashlib.scrypt
    monkeypatch.setattr(hashlib, "scrypt", lambda *a, **k: runs.append(1) or real(*a, **k))
    assert users.verify_password("known@example.com", "wrong password") is None
    wrong_password = len(runs)
    assert users.verify_password("nobody@example.com", "wrong password") is None
    assert len(runs) - wrong_password == wrong_password == 1
