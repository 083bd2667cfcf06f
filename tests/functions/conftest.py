"""Fixtures for tests that run the real decorated functions in functions/main.py through the local adapters.

Test doubles used here, and why: a Clock that can be moved (leases expire without waiting), a BlobStore wrapper that
fails writes under badges/ and a Mailer that can be switched "down" (fault injection: the real failures cannot be
caused on purpose). Everything else is the real local adapter.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from badgeforge import config
from badgeforge.ports import MailPermanentError, MailTemporaryError
from badgeforge.runtime import LocalRuntime
from tests.clocks import MovableClock

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_CSV = ROOT / "examples" / "attendees.csv"


class FailingBadgeWrites:
    """Fault injection: a BlobStore that refuses every write under badges/ (a Storage outage mid-job)."""

    def __init__(self, inner, suffix: str = "") -> None:
        self.inner = inner
        self.bucket = inner.bucket
        self.suffix = suffix  # ".pdf": only the PDFs (a fan-out plan's row files still get written)

    def _refuse(self, path: str) -> None:
        if path.startswith("badges/") and path.endswith(self.suffix):
            raise OSError("503 Service Unavailable (injected)")

    def write_bytes(self, path, data, **kwargs):
        self._refuse(path)
        return self.inner.write_bytes(path, data, **kwargs)

    def write_file(self, path, local_path, **kwargs):
        self._refuse(path)
        return self.inner.write_file(path, local_path, **kwargs)

    def __getattr__(self, name):
        return getattr(self.inner, name)


class SwitchableMailer:
    """Fault injection: the real outbox mailer, or MailTemporaryError while `down` is set (provider outage)."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.down = False
        self.calls = 0
        self._lock = threading.Lock()

    def send(self, mail):
        with self._lock:
            self.calls += 1
        if self.down:
            raise MailTemporaryError("503 from provider (injected)")
        return self.inner.send(mail)


@pytest.fixture
def settings(tmp_path) -> config.Settings:
    # jobs_per_minute above any burst these tests make: the job rate has its own tests (test_direct_upload_limits)
    return config.Settings(
        home=tmp_path / "home", default_allowed_usage=10, link_secret="test-secret", jobs_per_minute=100
    )


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def services(settings, clock) -> config.Services:
    built = config.build_services(settings)
    return dataclasses.replace(built, clock=clock, mailer=SwitchableMailer(built.mailer))


@pytest.fixture
def runtime(services):
    rt = LocalRuntime(services)
    yield rt
    rt.close()
    config.use_services(None)


@pytest.fixture
def small_csv() -> bytes:
    lines = EXAMPLE_CSV.read_bytes().splitlines(keepends=True)
    return b"".join(lines[:4])  # header + 3 attendees: fast, still real


def outbox(services) -> list[Path]:
    return sorted((services.settings.home / "outbox").glob("*.eml"))


def make_user(services, email: str = "org@example.com", usage: int = 10):
    from badgeforge.services.usage import ensure_user

    record = services.users.create(email)
    ensure_user(services, record, allowed_usage=usage)
    return record


EXPIRED = "2000-01-01T00:00:00.000000Z"  # a lease that ran out long ago: its instance died


def refuse_mail(mail):
    """Fault injection for Mailer.send: the provider refuses the message for good (a 400)."""
    raise MailPermanentError("400 invalid recipient (injected)")


def left_open(services, uid: str, job_id: str = "j1", due: str = EXPIRED) -> None:
    """The open-work entry the services write before a claim (tests that write a job's state by hand add it)."""
    services.db.set(f"open_work/{uid}:{job_id}", {"uid": uid, "job": job_id, "due_at": due})


def die_while_rendering(services, uid: str, job_id: str = "j1") -> None:
    """As if the instance rendering the job died: the job stays 'rendering' and its lease has run out."""
    services.db.update(f"jobs/{uid}/{job_id}", {"status": "rendering", "lease_until": EXPIRED})
    left_open(services, uid, job_id)  # its claim had marked it due at the lease


def dead_first_attempt(services, uid: str, csv: bytes, job_id: str = "j1") -> None:
    """The CSV is uploaded (its event long gone) and its first attempt died while rendering: only the sweep is left."""
    source = f"uploads/{uid}/{job_id}/attendees.csv"
    services.blobs.write_bytes(source, csv, content_type="text/csv")
    services.db.set(f"jobs/{uid}/{job_id}", {"status": "rendering", "attempts": 1, "source": source})
    die_while_rendering(services, uid, job_id)


def at_once(*calls: Callable[[], object]) -> list[BaseException]:
    """Run the calls on threads released together by a barrier (concurrent deliveries); return what they raised."""
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            call()
        except BaseException as err:  # reported to the test, which asserts there were none
            errors.append(err)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
