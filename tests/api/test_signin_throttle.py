"""Sign-in throttle (per email and per client address, back-off with 429 + Retry-After) and the bound on concurrent
password hashing, against the Flask app on the real local directory (scrypt) and SQLite tree.

Test doubles: a clock that stands still until the test moves it (back-off expires without waiting, and a slow
machine cannot let a lock run out mid-test), smaller back-off thresholds where a test would otherwise hash dozens of
passwords, and in the concurrency test a spy around hashlib.scrypt that counts calls in flight, then runs the real one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from datetime import UTC, datetime, timedelta

import pytest

from badgeforge.adapters.local import users as local_users
from badgeforge.api import create_app, throttle
from badgeforge.ports import DirectoryBusy

from .conftest import PASSWORD
from .test_concurrent_limits import at_once

EMAIL = "organizer@example.com"


class StoppedClock:
    def __init__(self) -> None:
        self.at = datetime.now(UTC)
        self.offset = timedelta()

    def now(self) -> datetime:
        return self.at + self.offset


@pytest.fixture
def throttled(env):
    """(client factory, clock): the app on the env's real adapters with a clock the test can move."""
    clock = StoppedClock()
    app = create_app(dataclasses.replace(env.services, clock=clock), submitter=env.submitter)
    app.testing = True
    return app, clock


def sign_in(app, email: str = EMAIL, password: str = PASSWORD):
    return app.test_client().post("/api/auth/signin", json={"email": email, "password": password})


def test_a_hundred_wrong_passwords_lock_the_account_with_back_off(throttled):
    app, clock = throttled
    codes = [sign_in(app, password=f"guess {i}").status_code for i in range(100)]
    assert codes[:6] == [401] * 6 and set(codes[6:]) == {429}
    locked = sign_in(app)
    assert locked.status_code == 429 and locked.get_json()["error"]["code"] == "too_many_attempts"
    wait = int(locked.headers["Retry-After"])
    assert 1 <= wait <= 2, "six failures: the first back-off step"
    clock.offset += timedelta(seconds=wait)
    assert sign_in(app).status_code == 200


def test_back_off_doubles_with_each_further_failure(throttled):
    app, clock = throttled
    waits = []
    for i in range(9):
        response = sign_in(app, password=f"guess {i}")
        if response.status_code == 429:
            waits.append(int(response.headers["Retry-After"]))
            clock.offset += timedelta(seconds=waits[-1])
            assert sign_in(app, password="again wrong").status_code == 401
    locked = sign_in(app, password="x")
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) >= 8


def test_a_right_password_resets_the_count_for_its_account(throttled, monkeypatch):
    app, _ = throttled
    monkeypatch.setattr(throttle, "PER_EMAIL", throttle.BackOff(free=2))
    assert sign_in(app, password="wrong").status_code == 401
    assert sign_in(app).status_code == 200
    for _ in range(2):
        assert sign_in(app, password="wrong").status_code == 401
    assert sign_in(app, password="wrong").status_code == 401  # the third in a row now: it locks
    assert sign_in(app).status_code == 429


def test_one_address_guessing_many_accounts_is_throttled_too(throttled, monkeypatch):
    app, _ = throttled
    assert throttle.PER_ADDRESS.free > throttle.PER_EMAIL.free
    monkeypatch.setattr(throttle, "PER_ADDRESS", throttle.BackOff(free=3))
    codes = [sign_in(app, email=f"user{i}@example.com", password="x").status_code for i in range(5)]
    assert codes == [401, 401, 401, 401, 429]
    response = sign_in(app, email="someone-else@example.com", password="x")
    assert response.status_code == 429 and "address" in response.get_json()["error"]["message"]


def test_sixty_concurrent_attempts_hash_a_few_passwords_two_at_a_time(throttled, monkeypatch):
    app, _ = throttled
    real_scrypt, lock = hashlib.scrypt, threading.Lock()
    seen = {"now": 0, "most": 0, "calls": 0}

    def spy(*args, **kwargs):
        with lock:
            seen["now"] += 1
            seen["calls"] += 1
            seen["most"] = max(seen["most"], seen["now"])
        try:
            return real_scrypt(*args, **kwargs)
        finally:
            with lock:
                seen["now"] -= 1

    monkeypatch.setattr(hashlib, "scrypt", spy)
    responses = at_once(60, lambda i: sign_in(app, password=f"guess {i}"))
    codes = [r.status_code for r in responses]
    assert set(codes) <= {401, 429} and codes.count(401) <= 6, codes
    assert seen["most"] <= local_users.MAX_CONCURRENT_HASHES
    assert seen["calls"] <= 6


def test_a_saturated_directory_says_busy_instead_of_queueing_forever(env, monkeypatch):
    monkeypatch.setattr(local_users, "HASH_WAIT_S", 0.01)
    taken = [local_users._hash_slots.acquire() for _ in range(local_users.MAX_CONCURRENT_HASHES)]
    try:
        with pytest.raises(DirectoryBusy):
            env.services.users.verify_password(EMAIL, PASSWORD)
        response = env.client.post("/api/auth/signin", json={"email": EMAIL, "password": PASSWORD})
        assert response.status_code == 503 and response.get_json()["error"]["code"] == "busy"
        assert response.headers["Retry-After"]
    finally:
        for _ in taken:
            local_users._hash_slots.release()
