"""Every UserDirectory creates, finds (email case-insensitively) and flags admins."""

from __future__ import annotations


def test_create_get_find_and_admin(user_directory):
    user = user_directory.create("Ada@Example.com", password="correct horse battery", display_name="Ada")
    assert user.uid and user.email.lower() == "ada@example.com" and not user.admin
    assert user_directory.get(user.uid).email.lower() == "ada@example.com"
    assert user_directory.find_by_email("ada@example.com").uid == user.uid
    assert user_directory.find_by_email("nobody@example.com") is None
    assert user_directory.get("no-such-uid") is None
    user_directory.set_admin(user.uid, True)
    assert user_directory.get(user.uid).admin


def test_uids_are_distinct(user_directory):
    a = user_directory.create("a@example.com")
    b = user_directory.create("b@example.com")
    assert a.uid != b.uid
