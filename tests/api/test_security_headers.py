"""Every answer of the app (pages, API, errors, signed files) carries the security headers Hosting sends."""

from __future__ import annotations

import pytest

from badgeforge.api import create_app
from badgeforge.api.app import WEB_DIR
from badgeforge.api.security_headers import SECURITY_HEADERS

from .conftest import RecordingSubmitter, make_env

EXPECTED_OVER_HTTP = {k: v for k, v in SECURITY_HEADERS.items() if k != "Strict-Transport-Security"}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The app as `badgeforge serve` builds it: API plus the static pages."""
    env = make_env(tmp_path_factory.mktemp("served"))
    app = create_app(env.services, submitter=RecordingSubmitter(), web_dir=WEB_DIR)
    app.testing = True
    return env, app.test_client()


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/admin", 200),
        ("/js/api.js", 200),
        ("/api/jobs", 401),
        ("/api/nothing-here", 404),
        ("/files/badges/u/j/badges.pdf?exp=1&sig=x", 410),
        ("/d/not.a-token", 200),
    ],
)
def test_pages_api_and_errors_carry_the_security_headers(served, path, status):
    _, client = served
    response = client.get(path)
    assert response.status_code == status
    for name, value in EXPECTED_OVER_HTTP.items():
        assert response.headers.get(name) == value, name
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_a_signed_in_json_answer_carries_them(served):
    env, client = served
    response = client.get("/api/designs", headers=env.headers("organizer@example.com"))
    assert response.status_code == 200 and response.is_json
    assert response.headers["Content-Security-Policy"] == SECURITY_HEADERS["Content-Security-Policy"]


def test_hsts_only_over_https(served):
    _, client = served
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://badges.example.com")
    assert secure.headers["Strict-Transport-Security"] == SECURITY_HEADERS["Strict-Transport-Security"]


def test_an_unexpected_error_still_carries_them(served):
    env, _ = served
    app = create_app(env.services, submitter=RecordingSubmitter())

    def boom():
        raise RuntimeError("bug")

    app.add_url_rule("/api/boom", "boom", boom)
    response = app.test_client().get("/api/boom")
    assert response.status_code == 500
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
