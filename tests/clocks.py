"""Clocks the tests hand to services in place of the real one (services only ever call `now()`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class MovableClock:
    """UTC now, plus an offset the test can move forward: time still runs between calls."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


class HeldClock:
    """The instant the test was set up, moved only by the test (`clock.at += ...`): a TOTP code computed from
    `clock.at` stays the server's code however slowly the test runs."""

    def __init__(self) -> None:
        self.at = datetime.now(UTC)

    def now(self) -> datetime:
        return self.at


class FrozenClock:
    """A clock that does not move: things can then happen 'at the same instant' (same microsecond)."""

    def now(self) -> datetime:
        return datetime(2026, 11, 23, 12, 0, 0, 123456, tzinfo=UTC)
