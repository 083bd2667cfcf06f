"""The desk on the real local adapters (folder storage, SQLite tree, outbox) with a job that really rendered and
was really charged (render_badges + send_badge_mail through the services), so "costs nothing more" is measured
against a real balance and usage log. Nothing here is a stand-in."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest

from badgeforge.api import create_app
from badgeforge.api.limits import JobRate
from badgeforge.config import build_services
from badgeforge.services import mail_job, render_job
from badgeforge.services.usage import ensure_user
from tests.api.conftest import Env, RecordingSubmitter, make_env

CSV = (
    "First Name,Last Name,Company,Email,Ticket Type,Ticket Code\n"
    "Ada,Lovelace,Analytical Engines,ada@example.org,Speaker,PCE-001\n"
    "Grace,Hopper,US Navy,grace@example.org,Attendee,PCE-002\n"
    "Alan,Turing,Bletchley Park,alan@example.org,Attendee,PCE-003\n"
    '=HYPERLINK("http://x"),Mallory,Evil Corp,m@example.org,Attendee,PCE-004\n'
)


def finished_job(env: Env, csv: str = CSV, job_id: str = "job1", options: bytes | None = None) -> str:
    """Upload, render and mail (which charges) one job of the organizer; returns its id (already there: as is)."""
    if (env.services.db.get(f"jobs/{env.organizer.uid}/{job_id}") or {}).get("status") == "done":
        return job_id
    services = env.services
    uid = env.organizer.uid
    base = f"uploads/{uid}/{job_id}/"
    if options is not None:
        services.blobs.write_bytes(base + "job.json", options, content_type="application/json")
    services.blobs.write_bytes(base + "attendees.csv", csv.encode(), content_type="text/csv")
    outcome = render_job.handle_upload(services, base + "attendees.csv")
    assert outcome.status == "done", outcome.error
    mail = mail_job.send_badge_mail(services, uid, outcome.mail_key)
    assert services.db.get(f"charges/{uid}/{job_id}") is not None or services.db.get(f"users/{uid}/charged/{job_id}"), (
        mail
    )
    return job_id


@pytest.fixture(scope="session")
def _rendered_home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Env]:
    """One organizer with one finished, charged job ("job1"), rendered once per run (a render takes seconds)."""
    env = make_env(tmp_path_factory.mktemp("desk-template"))
    ensure_user(env.services, env.organizer, allowed_usage=5)
    finished_job(env)
    return Path(env.services.settings.home), env


@pytest.fixture
def desk_env(tmp_path: Path, _rendered_home: tuple[Path, Env]) -> Env:
    """A fresh copy of that home for each test: the same job, users and balance, nothing another test did."""
    home, template = _rendered_home
    copy = tmp_path / "home"
    shutil.copytree(home, copy)
    settings = dataclasses.replace(template.services.settings, home=copy)
    services = build_services(settings)
    app = create_app(services, submitter=RecordingSubmitter(), job_rate=JobRate(max_jobs=3))
    app.testing = True
    return Env(app, app.test_client(), services, template.submitter, template.organizer, template.admin)


def usage_state(env: Env) -> tuple[Any, Any]:
    uid = env.organizer.uid
    user = env.services.db.get(f"users/{uid}") or {}
    return user.get("allowed_usage"), env.services.db.get(f"usage_log/{uid}")
