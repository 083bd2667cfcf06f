"""The sliding-window transaction body (services.rate_limits.admit): count, refuse, prune, idempotent keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from badgeforge.services.rate_limits import RateLimited, Window, admit

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PER_MINUTE = [Window(2, timedelta(minutes=1), "Jobs")]


def test_admits_up_to_the_limit_then_refuses_with_the_seconds_to_wait():
    events = admit(None, "a", T0, PER_MINUTE)
    events = admit(events, "b", T0 + timedelta(seconds=20), PER_MINUTE)
    with pytest.raises(RateLimited, match="at most 2 in a minute") as refused:
        admit(events, "c", T0 + timedelta(seconds=30), PER_MINUTE)
    assert refused.value.retry_after == 30  # "a" leaves the window 60 s after it came


def test_the_same_key_counts_once():
    events = admit(admit(None, "a", T0, PER_MINUTE), "a", T0 + timedelta(seconds=1), PER_MINUTE)
    assert list(events) == ["a"]


def test_old_events_are_dropped_so_the_node_stays_small():
    events = None
    for i in range(50):
        events = admit(events, f"k{i}", T0 + timedelta(minutes=i), PER_MINUTE)
    assert list(events) == ["k49"]


def test_tagged_windows_count_only_their_own_events():
    windows = [Window(1, timedelta(minutes=1), "Per job", same_tag=True), Window(3, timedelta(hours=1), "Per user")]
    events = admit(None, "m1", T0, windows, tag="j1")
    with pytest.raises(RateLimited, match="Per job"):
        admit(events, "m2", T0, windows, tag="j1")
    events = admit(events, "m2", T0, windows, tag="j2")
    events = admit(events, "m3", T0, windows, tag="j3")
    with pytest.raises(RateLimited, match="Per user"):
        admit(events, "m4", T0 + timedelta(minutes=5), windows, tag="j4")
