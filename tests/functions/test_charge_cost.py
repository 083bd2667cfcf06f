"""A charge costs the same whatever the account's history: the settle transaction's node stays small, old charges
live in the ledger charges/{uid}/{jobId}, and a charge moved there still counts once.

Test double: a TreeDatabase wrapper that records the value each transaction on users/ writes (to measure it);
every call goes to the real SQLite tree.
"""

from __future__ import annotations

import dataclasses
import json

from badgeforge.api import pipeline
from badgeforge.services import usage
from tests.functions.conftest import make_user


class WrittenNodes:
    """Records len(JSON) of what each transaction on users/ wrote."""

    def __init__(self, inner) -> None:
        self.inner, self.sizes = inner, []

    def transaction(self, path, fn):
        result = self.inner.transaction(path, fn)
        if path.startswith("users/"):
            self.sizes.append(len(json.dumps(result, sort_keys=True)))
        return result

    def __getattr__(self, name):
        return getattr(self.inner, name)


def _settle_history(services, clock, uid: str, jobs: int) -> None:
    for i in range(jobs):
        services.db.set(f"users/{uid}/holds/past{i:04d}", "t")
        assert usage.settle_job(services, uid, f"past{i:04d}") is not None
        clock.advance(minutes=11)  # later than RECENT_CHARGES: the next charge moves this one to the ledger


def _next_settle_size(services, clock, uid: str) -> int:
    recorder = WrittenNodes(services.db)
    measured = dataclasses.replace(services, db=recorder)
    measured.db.set(f"users/{uid}/holds/next", "t")
    usage.settle_job(measured, uid, "next")
    return recorder.sizes[0]


def test_the_settle_transaction_writes_the_same_node_after_5_or_60_past_jobs(services, clock):
    short, long = make_user(services, "a@example.com", usage=1000), make_user(services, "b@example.com", usage=1000)
    _settle_history(services, clock, short.uid, 5)
    _settle_history(services, clock, long.uid, 60)
    small, big = _next_settle_size(services, clock, short.uid), _next_settle_size(services, clock, long.uid)
    assert abs(big - small) <= 2, (small, big)  # only the digits of `used`/allowed_usage differ
    node = services.db.get(f"users/{long.uid}")
    assert set(node["charged"]) <= {"past0059", "next"} and node["used"] == 61
    assert len(services.db.get(f"charges/{long.uid}")) >= 60
    assert pipeline.usage_of(services, long.uid)["used"] == 61


def test_a_charge_moved_to_the_ledger_is_never_charged_or_held_again(services, clock):
    user = make_user(services, usage=5)
    services.db.set(f"users/{user.uid}/holds/j1", "t")
    assert usage.settle_job(services, user.uid, "j1") is not None
    clock.advance(minutes=11)
    services.db.set(f"users/{user.uid}/holds/j2", "t")
    usage.settle_job(services, user.uid, "j2")  # moves j1's marker to the ledger
    assert "j1" not in services.db.get(f"users/{user.uid}")["charged"]
    assert usage.settle_job(services, user.uid, "j1") is None
    usage.confirm_job(services, user.uid, "j1")  # the web page handing the PDF out again
    account = services.db.get(f"users/{user.uid}")
    assert account["allowed_usage"] == 3 and not account.get("holds") and account["used"] == 2
    assert len(services.db.get(f"usage_log/{user.uid}")) == 2


def test_an_account_with_a_long_charged_map_is_compacted_by_its_next_charge(services):
    user = make_user(services, usage=10)
    legacy = {f"old{i:05d}": "2026-01-01T00:00:00.000000Z" for i in range(2000)}
    services.db.set(f"users/{user.uid}/charged", legacy)
    services.db.set(f"users/{user.uid}/holds/j1", "t")
    assert usage.settle_job(services, user.uid, "j1") is not None
    node = services.db.get(f"users/{user.uid}")
    assert list(node["charged"]) == ["j1"] and node["used"] == 2001 and node["allowed_usage"] == 9
    assert len(services.db.get(f"charges/{user.uid}")) == 2001
    assert usage.settle_job(services, user.uid, "old00042") is None, "a legacy charge still counts once"


class AdminCutsUsageAfterFirstUserTransaction:
    """Fault injection: right after the first transaction on users/ commits, an admin sets allowed usage to 0 (the
    gap between two transactions cannot be hit on purpose otherwise)."""

    def __init__(self, inner, uid: str) -> None:
        self.inner, self.uid, self.fired = inner, uid, False

    def transaction(self, path, fn):
        result = self.inner.transaction(path, fn)
        if path == f"users/{self.uid}" and not self.fired:
            self.fired = True
            self.inner.update(path, {"allowed_usage": 0})
        return result

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_handing_out_the_pdf_confirms_and_charges_in_one_step(services):
    """The web link used to confirm, then settle: an admin cut between the two was charged past zero."""
    user = make_user(services, usage=1)
    services.db.set(f"users/{user.uid}/holds/j1", "t")
    services.db.set(f"jobs/{user.uid}/j1", {"status": "done", "output": "badges/x/j1/badges.pdf"})
    racing = dataclasses.replace(services, db=AdminCutsUsageAfterFirstUserTransaction(services.db, user.uid))
    assert pipeline.job_link(racing, user.uid, "j1", services.db.get(f"jobs/{user.uid}/j1"))
    (entry,) = services.db.get(f"usage_log/{user.uid}").values()
    assert (entry["before"], entry["after"]) == (1, 0), "charged while the use was still allowed"
