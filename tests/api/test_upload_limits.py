"""The API applies the same input limits as the settings and the renderer: one source, read from the environment.

Before, the API refused images over 8 MiB while settings and README said 10 MB, and ignored BADGEFORGE_CSV_MAX_*.
"""

from __future__ import annotations

import io
import json

import pytest

from badge_renderer import limits
from badge_renderer.attendees import CsvLimits
from badge_renderer.images import MAX_BYTES as RENDERER_IMAGE_MAX_BYTES
from badgeforge.api import limits as api_limits
from badgeforge.config import Settings

from .conftest import CSV
from .shared_env import module_env_fixture

env = module_env_fixture()  # refused uploads write nothing; accepted ones are only recorded by the submitter

PNG_HEADER = b"\x89PNG\r\n\x1a\n"


def _post(env, *, csv: bytes = CSV, logo: bytes | None = None, path: str = "/api/jobs"):
    form = {"csv": (io.BytesIO(csv), "attendees.csv"), "options": json.dumps({"event_name": "X"})}
    if logo is not None:
        form["logo"] = (io.BytesIO(logo), "logo.png")
    return env.client.post(path, headers=env.headers("organizer@example.com"), data=form)


def test_every_layer_starts_from_the_same_limits():
    settings = Settings()
    assert settings.csv_max_bytes == CsvLimits().max_bytes == limits.CSV_MAX_BYTES == 10_000_000
    assert settings.csv_max_rows == CsvLimits().max_rows == limits.CSV_MAX_ROWS
    assert settings.image_max_bytes == RENDERER_IMAGE_MAX_BYTES == limits.IMAGE_MAX_BYTES == 10_000_000
    assert api_limits.MAX_IMAGE_BYTES >= limits.IMAGE_MAX_BYTES, "the API's own ceiling never undercuts settings"


def test_an_image_between_8_mib_and_10_mb_is_accepted(env):
    response = _post(env.with_settings(), logo=PNG_HEADER + b"\x00" * 8_400_000)  # 8 MiB is 8,388,608 bytes
    assert response.status_code == 202, response.get_json()
    assert "logo.png" in env.submitter.calls[-1][2]


def test_an_image_over_the_configured_limit_names_it(env):
    calls = len(env.submitter.calls)
    response = _post(env.with_settings(image_max_bytes=2_000), logo=PNG_HEADER + b"\x00" * 3_000)
    assert response.status_code == 413
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == ("too_large", "logo")
    assert "2 kB" in error["message"]
    assert len(env.submitter.calls) == calls


def test_the_csv_byte_limit_comes_from_the_settings(env):
    env = env.with_settings(csv_max_bytes=60)
    for path in ("/api/jobs", "/api/preview"):
        response = _post(env, path=path)
        assert response.status_code == 413, path
        error = response.get_json()["error"]
        assert (error["code"], error["field"]) == ("too_large", "csv")
        assert "60 bytes" in error["message"]


def test_the_csv_row_limit_comes_from_the_settings(env):
    calls = len(env.submitter.calls)
    env = env.with_settings(csv_max_rows=1)
    for path in ("/api/jobs", "/api/preview"):
        response = _post(env, path=path)
        assert response.status_code == 400, path
        error = response.get_json()["error"]
        assert error["code"] == "too_many_rows" and "1 attendee" in error["message"]
    assert len(env.submitter.calls) == calls, "a CSV the render job would refuse never becomes a job"


@pytest.mark.parametrize("csv_max", [10_000_000, 50_000_000])
def test_the_body_limit_fits_the_largest_allowed_form(env, csv_max):
    env = env.with_settings(csv_max_bytes=csv_max)
    assert env.app.config["MAX_CONTENT_LENGTH"] >= csv_max + 2 * env.services.settings.image_max_bytes


@pytest.mark.parametrize(
    ("n", "text"), [(10_000_000, "10 MB"), (2_500_000, "2.5 MB"), (2_000, "2 kB"), (60, "60 bytes"), (1, "1 byte")]
)
def test_limits_read_as_people_write_them(n, text):
    assert limits.describe_bytes(n) == text
