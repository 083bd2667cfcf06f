"""The pure usage rules (transaction bodies on users/{uid})."""

from __future__ import annotations

import pytest

from badgeforge.services import usage

DEFAULT = usage.new_user("a@example.com", 2, "t0")


def test_reserve_creates_the_user_with_the_default_and_holds():
    user = usage.reserve(None, "j1", "t1", default=DEFAULT)
    assert user["allowed_usage"] == 2 and user["holds"] == {"j1": "t1"} and user["email"] == "a@example.com"


def test_reserve_counts_holds_and_refuses_when_none_left():
    user = usage.reserve(usage.reserve(None, "j1", "t", default=DEFAULT), "j2", "t", default=DEFAULT)
    assert usage.available(user) == 0
    with pytest.raises(usage.NoUsageLeft, match="administrator"):
        usage.reserve(user, "j3", "t", default=DEFAULT)


def test_reserve_is_idempotent_for_held_or_charged_jobs():
    user = usage.reserve(None, "j1", "t", default=DEFAULT)
    assert usage.reserve(user, "j1", "t2", default=DEFAULT) == user
    charged = usage.settle(user, "j1", "t3")
    assert usage.reserve(charged, "j1", "t4", default=DEFAULT) == charged


def test_release_gives_the_use_back():
    user = usage.reserve(None, "j1", "t", default=DEFAULT)
    released = usage.release(user, "j1")
    assert usage.available(released) == 2 and not released.get("holds")
    assert usage.release(released, "j1") == released


def test_settle_charges_once():
    user = usage.reserve(None, "j1", "t", default=DEFAULT)
    once = usage.settle(user, "j1", "t2")
    assert once["allowed_usage"] == 1 and not once.get("holds") and once["charged"] == {"j1": "t2"}
    assert usage.settle(once, "j1", "t3") == once


def test_adjust_refuses_to_go_below_zero_or_above_the_cap_and_needs_a_user():
    with pytest.raises(usage.BelowZero, match="is 2; taking away 5 would go below zero"):
        usage.adjust({"allowed_usage": 2}, delta=-5)
    assert usage.adjust({"allowed_usage": 2}, delta=-2)["allowed_usage"] == 0
    assert usage.adjust({"allowed_usage": 2}, set_to=9)["allowed_usage"] == 9
    with pytest.raises(usage.InvalidRequest, match="at most"):
        usage.adjust({"allowed_usage": usage.MAX_ALLOWED_USAGE}, delta=1)
    with pytest.raises(usage.UnknownUser):
        usage.adjust(None, delta=1)


def test_confirm_keeps_a_hold_that_fits_and_takes_one_when_missing():
    user = usage.reserve(None, "j1", "t", default=DEFAULT)
    assert usage.confirm(user, "j1", "t2", default=DEFAULT) == (user, True)
    again, ok = usage.confirm(user, "j2", "t2", default=DEFAULT)  # a re-driven job whose hold was released
    assert ok and again["holds"] == {"j1": "t", "j2": "t2"}
    full, ok = usage.confirm(again, "j3", "t3", default=DEFAULT)
    assert not ok and full == again


def test_confirm_releases_an_over_committed_hold():
    user = usage.reserve(usage.reserve(None, "j1", "t", default=DEFAULT), "j2", "t", default=DEFAULT)
    lowered = usage.adjust(user, set_to=1)
    after, ok = usage.confirm(lowered, "j1", "t2", default=DEFAULT)
    assert not ok and after["holds"] == {"j2": "t"}
    assert usage.confirm(after, "j2", "t2", default=DEFAULT) == (after, True)
    charged = usage.settle(after, "j2", "t3")
    assert usage.confirm(charged, "j2", "t4", default=DEFAULT)[1]  # charged already: nothing to check


def test_confirm_creates_a_missing_user_from_the_default():
    user, ok = usage.confirm(None, "j1", "t", default=DEFAULT)
    assert ok and user["holds"] == {"j1": "t"} and user["allowed_usage"] == 2
