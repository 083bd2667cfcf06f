"""Sign-in throttle: per email and per client address, with exponential back-off, checked and counted atomically.

Why count before hashing: if failures were recorded only after the password check, 60 concurrent guesses would all
see "no failures yet" and all be checked. Each attempt is counted as a failure in the same transaction that checks
the lock, and a correct password gives its count back, so only the first few concurrent guesses are ever hashed.
State lives in the tree (limits/signin/...), so it holds across threads, processes and restarts.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from badgeforge.services.keys import iso, parse_iso
from badgeforge.services.rate_limits import RateLimited


@dataclass(frozen=True)
class BackOff:
    """`free` failures in a row are allowed; each one after waits `first` doubled per failure, up to `longest`.
    A key with no failure for `forget` starts again from zero."""

    free: int
    first: timedelta = timedelta(seconds=1)
    longest: timedelta = timedelta(minutes=15)
    forget: timedelta = timedelta(hours=1)

    def delay(self, failures: int) -> timedelta:
        if failures <= self.free:
            return timedelta(0)
        return min(self.first * 2 ** min(failures - self.free - 1, 20), self.longest)


PER_EMAIL = BackOff(free=5)
PER_ADDRESS = BackOff(free=20)  # an office or a NAT shares one address: looser, but still bounded


def count_attempt(node: Any, now: datetime, policy: BackOff, what: str) -> dict[str, Any]:
    """Transaction body: RateLimited while locked; otherwise this attempt counts as a failure (and may lock)."""
    node = node if isinstance(node, dict) else {}
    until = parse_iso(node.get("until"))
    if until is not None and until > now:
        wait = math.ceil((until - now).total_seconds())
        raise RateLimited(f"Too many sign-in attempts {what}. Try again in {wait} seconds.", wait)
    last = parse_iso(node.get("last"))
    failures = int(node.get("failures", 0)) if last is not None and now - last < policy.forget else 0
    failures += 1
    delay = policy.delay(failures)
    return {"failures": failures, "last": iso(now), "until": iso(now + delay) if delay else None}


def give_back(node: Any) -> dict[str, Any] | None:
    """Transaction body after a correct password from this address: this attempt was not a failure after all."""
    if not isinstance(node, dict):
        return None
    failures = int(node.get("failures", 0)) - 1
    return {**node, "failures": failures} if failures > 0 else None


class SignInThrottle:
    """Wraps one sign-in: `before(email, address)`, then `succeeded(email, address)` when the password was right."""

    def __init__(self, db: Any, clock: Any) -> None:
        self._db, self._clock = db, clock

    def before(self, email: str, address: str) -> None:
        now = self._clock.now()
        self._db.transaction(_node("email", email), lambda n: count_attempt(n, now, PER_EMAIL, "for this account"))
        self._db.transaction(
            _node("address", address), lambda n: count_attempt(n, now, PER_ADDRESS, "from your address")
        )

    def succeeded(self, email: str, address: str) -> None:
        self._db.delete(_node("email", email))
        self._db.transaction(_node("address", address), give_back)


def _node(kind: str, value: str) -> str:
    """limits/signin/{kind}/{digest}: emails and addresses hold '.', which database keys may not."""
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"limits/signin/{kind}/{digest}"
