"""API tests run the Flask app on the real local adapters (folder storage, SQLite, outbox) in a temp home.

The only stand-in is the job submitter: it records the upload instead of running render_badges, because these
tests are about the HTTP edge; the full flow through the pipeline is covered by tests/e2e.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from badgeforge.api import create_app
from badgeforge.api.limits import JobRate
from badgeforge.config import Settings, build_services

PASSWORD = "correct horse battery"
CSV = b"name,role,company\nAda Lovelace,Speaker,Analytical Engines\nGrace Hopper,Attendee,Navy\n"


@dataclass
class RecordingSubmitter:
    """Keeps each submitted upload (uid, job id, files, metadata) so tests can look at what would reach Storage."""

    calls: list = field(default_factory=list)
    redelivered: list = field(default_factory=list)

    def submit(self, uid, job_id, files, metadata):
        self.calls.append((uid, job_id, dict(files), dict(metadata)))

    def redeliver(self, csv_path):
        self.redelivered.append(csv_path)


@dataclass
class Env:
    app: object
    client: object
    services: object
    submitter: RecordingSubmitter
    organizer: object
    admin: object

    def token(self, email: str, password: str = PASSWORD) -> str:
        response = self.client.post("/api/auth/signin", json={"email": email, "password": password})
        assert response.status_code == 200, response.get_json()
        return response.get_json()["token"]

    def headers(self, email: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(email)}"}


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path)


def make_env(tmp_path: Path, **settings_fields) -> Env:
    settings = Settings(mode="local", home=tmp_path / "home", default_allowed_usage=3, **settings_fields)
    services = build_services(settings)
    organizer = services.users.create("organizer@example.com", password=PASSWORD)
    admin = services.users.create("admin@example.com", password=PASSWORD, admin=True)
    submitter = RecordingSubmitter()
    app = create_app(services, submitter=submitter, job_rate=JobRate(max_jobs=3))
    app.testing = True
    return Env(app, app.test_client(), services, submitter, organizer, admin)


def upload_form(csv: bytes = CSV, **extra) -> dict:
    import io

    form = {"csv": (io.BytesIO(csv), "attendees.csv")}
    form.update(extra)
    return form
