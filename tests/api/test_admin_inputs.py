"""Admin inputs are bounded: usage amounts, reasons and user ids, with a message that says what is allowed.

The callable runs on the real local adapters; nothing is written (no usage change, no log entry) when refused.
"""

from __future__ import annotations

import pytest

from badgeforge.services import usage

from .shared_env import module_env_fixture
from .test_admin import call

env = module_env_fixture()  # each case first sets the organizer back to 3 (_seed)


def _state(env) -> tuple[int, dict]:
    uid = env.organizer.uid
    return env.services.db.get(f"users/{uid}/allowed_usage"), env.services.db.get(f"usage_log/{uid}") or {}


def _seed(env) -> None:
    status, _ = call(env, "admin@example.com", {"uid": env.organizer.uid, "set": 3, "reason": "start"})
    assert status == 200


@pytest.mark.parametrize(
    "change",
    [
        {"delta": 10**30},
        {"set": 10**30},
        {"delta": -(10**30)},
        {"delta": usage.MAX_ALLOWED_USAGE},  # 3 + the maximum is over the maximum
        {"set": usage.MAX_ALLOWED_USAGE + 1},
    ],
)
def test_usage_amounts_beyond_the_maximum_are_refused(env, change):
    _seed(env)
    before = _state(env)
    status, body = call(env, "admin@example.com", {"uid": env.organizer.uid, "reason": "typo", **change})
    assert status == 400
    assert body["error"]["status"] == "INVALID_ARGUMENT"
    assert f"{usage.MAX_ALLOWED_USAGE:,}" in body["error"]["message"]
    assert _state(env) == before


def test_the_maximum_itself_is_allowed(env):
    status, body = call(
        env, "admin@example.com", {"uid": env.organizer.uid, "set": usage.MAX_ALLOWED_USAGE, "reason": "unlimited"}
    )
    assert status == 200 and body["result"]["after"] == usage.MAX_ALLOWED_USAGE


@pytest.mark.parametrize("reason", ["x" * 501, "x" * 100_000, "\U0001f600" * 251])  # emoji: 2 UTF-16 units each
def test_reasons_longer_than_the_rules_allow_are_refused(env, reason):
    _seed(env)
    before = _state(env)
    status, body = call(env, "admin@example.com", {"uid": env.organizer.uid, "delta": 1, "reason": reason})
    assert status == 400
    assert "500" in body["error"]["message"]
    assert _state(env) == before


def test_a_reason_of_exactly_500_is_kept(env):
    status, _ = call(env, "admin@example.com", {"uid": env.organizer.uid, "delta": 1, "reason": "y" * 500})
    assert status == 200
    log = _state(env)[1]
    assert log[max(log)]["reason"] == "y" * 500


def test_taking_away_more_than_is_left_says_so_and_changes_nothing(env):
    _seed(env)
    before = _state(env)
    status, body = call(env, "admin@example.com", {"uid": env.organizer.uid, "delta": -5, "reason": "refund"})
    assert status == 400
    assert body["error"]["status"] == "FAILED_PRECONDITION"
    message = body["error"]["message"]
    assert "3" in message and "below zero" in message and "set" in message
    assert _state(env) == before, "no '3 -> 0' and no '0 -> 0' entry in the log"
    status, body = call(env, "admin@example.com", {"uid": env.organizer.uid, "delta": -3, "reason": "refund"})
    assert status == 200 and (body["result"]["before"], body["result"]["after"]) == (3, 0)


@pytest.mark.parametrize(
    "target", [{"uid": {"a": 1}}, {"uid": ["x"]}, {"uid": "../x"}, {"uid": "a/b"}, {"email": 5}, {"email": "a" * 400}]
)
def test_user_ids_that_are_not_ids_are_invalid_arguments(env, target):
    status, body = call(env, "admin@example.com", {**target, "delta": 1, "reason": "r"})
    assert status == 400, body
    assert body["error"]["status"] == "INVALID_ARGUMENT"
