"""Mail failure paths that must still end with one email and one charge, or none of either and the hold released.

Fault injection here (the real failures cannot be caused on purpose): a Mailer that raises an unexpected error, and a
TreeDatabase wrapper whose next transaction on users/ gives up as RTDB does after 25 conflicts.
"""

from __future__ import annotations

import dataclasses

from badgeforge import config
from badgeforge.ports import TransactionAborted
from badgeforge.runtime import LocalRuntime
from badgeforge.services import mail_job, usage
from tests.clocks import FrozenClock
from tests.functions.conftest import EXPIRED, make_user, outbox, refuse_mail


def _account(services, uid):
    return services.db.get(f"users/{uid}")


def _only_mail(services, uid):
    ((key, node),) = services.db.get(f"badgeMails/{uid}").items()
    return key, node


def test_unexpected_mail_error_on_every_attempt_gives_up_and_releases_the_hold(services, runtime, small_csv):
    user = make_user(services)

    def broken(mail):
        raise RuntimeError("template blew up (injected)")

    services.mailer.send = broken
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv})
    for _ in range(services.settings.max_attempts + 2):
        runtime.sweep()
    _, node = _only_mail(services, user.uid)
    assert node["status"] == "failed" and node["attempts"] == services.settings.max_attempts
    assert "gave up" in node["error"] and "template blew up" in node["error"]
    account = _account(services, user.uid)
    assert account["allowed_usage"] == 10 and not account.get("holds") and not account.get("charged")


def test_mail_left_sending_by_a_dead_last_attempt_gives_up_and_releases_the_hold(services, runtime, small_csv):
    user = make_user(services)
    services.mailer.down = True
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv})
    key, _ = _only_mail(services, user.uid)
    # The last allowed attempt claimed the node and its instance died mid-send: its lease has run out.
    services.db.update(
        f"badgeMails/{user.uid}/{key}",
        {"status": "sending", "attempts": services.settings.max_attempts, "lease_until": EXPIRED},
    )
    services.mailer.down = False
    runtime.sweep()
    runtime.sweep()
    _, node = _only_mail(services, user.uid)
    assert node["status"] == "failed" and "gave up" in node["error"] and node.get("lease_until") is None
    assert services.mailer.calls == 1 and outbox(services) == []  # bounded: no attempt beyond the limit
    account = _account(services, user.uid)
    assert account["allowed_usage"] == 10 and not account.get("holds") and not account.get("charged")


class AbortNextUserTransaction:
    """A TreeDatabase whose next transaction on users/ (once armed) raises TransactionAborted, writing nothing."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.armed = False

    def transaction(self, path, fn):
        if self.armed and path.startswith("users/"):
            self.armed = False
            raise TransactionAborted("too many conflicts (injected)")
        return self.inner.transaction(path, fn)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_mail_sent_but_charge_aborted_is_charged_once_by_the_sweep(services, small_csv):
    db = AbortNextUserTransaction(services.db)
    flaky = dataclasses.replace(services, db=db)
    real_send = services.mailer.send

    def send_then_arm(mail):
        receipt = real_send(mail)
        db.armed = True  # the charge right after this send is the transaction that aborts
        return receipt

    services.mailer.send = send_then_arm
    runtime = LocalRuntime(flaky)
    try:
        user = make_user(flaky)
        runtime.upload(user.uid, "j1", {"attendees.csv": small_csv})
        _, node = _only_mail(flaky, user.uid)
        assert node["status"] == "sent" and "j1" in _account(flaky, user.uid)["holds"]  # sent, not yet charged
        runtime.sweep()
        runtime.sweep()
        account = _account(flaky, user.uid)
        assert account["allowed_usage"] == 9 and not account.get("holds") and "j1" in account["charged"]
        assert len(outbox(flaky)) == 1 and len(flaky.db.get(f"usage_log/{user.uid}")) == 1
    finally:
        runtime.close()
        config.use_services(None)


def test_redriven_mail_of_a_released_job_never_overdraws(services, runtime, small_csv):
    user = make_user(services, usage=1)
    real_send = services.mailer.send
    services.mailer.send = refuse_mail
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv})  # refused for good: hold released, no charge
    key, _ = _only_mail(services, user.uid)
    services.mailer.send = real_send
    runtime.upload(user.uid, "j2", {"attendees.csv": small_csv})  # the one use left
    assert _account(services, user.uid)["allowed_usage"] == 0
    # An admin re-drives the first mail (as api.pipeline does: attempts reset, permanent cleared).
    services.db.update(f"badgeMails/{user.uid}/{key}", {"attempts": 0, "permanent": None})
    outcome = mail_job.send_badge_mail(services, user.uid, key)
    assert outcome.status == "failed" and "no badge generations left" in outcome.error.lower()
    assert len(outbox(services)) == 1 and _account(services, user.uid)["allowed_usage"] == 0
    assert not _account(services, user.uid).get("holds")


def test_admin_set_below_running_holds_mails_only_what_is_allowed(services, runtime, small_csv):
    user = make_user(services, usage=2)
    services.mailer.down = True
    for job in ("j1", "j2"):
        runtime.upload(user.uid, job, {"attendees.csv": small_csv})  # both rendered, both held, mails failed
    assert len(_account(services, user.uid)["holds"]) == 2
    usage.adjust_usage(services, True, "admin@example.com", uid=user.uid, set_to=1, reason="one more only")
    services.mailer.down = False
    runtime.sweep()
    statuses = sorted(n["status"] for n in services.db.get(f"badgeMails/{user.uid}").values())
    assert statuses == ["failed", "sent"] and len(outbox(services)) == 1
    account = _account(services, user.uid)
    assert account["allowed_usage"] == 0 and not account.get("holds") and len(account["charged"]) == 1


def test_settling_twice_at_the_same_instant_charges_and_logs_once(services):
    frozen = dataclasses.replace(services, clock=FrozenClock())
    user = make_user(frozen)
    frozen.db.set(f"users/{user.uid}/holds/j1", "t")
    first = usage.settle_job(frozen, user.uid, "j1")
    second = usage.settle_job(frozen, user.uid, "j1")
    assert first is not None and second is None
    assert _account(frozen, user.uid)["allowed_usage"] == 9 and len(frozen.db.get(f"usage_log/{user.uid}")) == 1


def test_a_mail_whose_badges_were_deleted_meanwhile_is_not_sent_nor_charged(services, runtime, small_csv):
    user = make_user(services)
    services.mailer.down = True
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv})
    # The organizer deletes the job (as the web API does) while its mail waits for the provider to come back.
    for blob in services.blobs.list(f"badges/{user.uid}/j1/"):
        services.blobs.delete(blob.path)
    services.db.delete(f"jobs/{user.uid}/j1")
    services.mailer.down = False
    runtime.sweep()
    _, node = _only_mail(services, user.uid)
    assert node["status"] == "failed" and node["permanent"] and "deleted" in node["error"]
    assert outbox(services) == []
    account = _account(services, user.uid)
    assert account["allowed_usage"] == 10 and not account.get("holds") and not account.get("charged")
