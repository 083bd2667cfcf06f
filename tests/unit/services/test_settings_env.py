"""Settings from the environment: defaults, Cloud Functions detection, limits that protect links."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from badgeforge.config import ConfigError, Settings


def test_defaults_are_local():
    settings = Settings.from_env({})
    assert settings.mode == "local" and settings.default_allowed_usage == 10 and settings.link_mode == "signed"


def test_cloud_functions_means_firebase_mode_and_reads_firebase_config():
    env = {
        "K_SERVICE": "render_badges",
        "FIREBASE_CONFIG": json.dumps(
            {"projectId": "p1", "storageBucket": "p1.appspot.com", "databaseURL": "https://p1.firebaseio.com"}
        ),
    }
    settings = Settings.from_env(env)
    assert (settings.mode, settings.bucket, settings.project_id) == ("firebase", "p1.appspot.com", "p1")


def test_signed_links_cannot_outlive_seven_days():
    with pytest.raises(ConfigError, match="168"):
        Settings.from_env({"BADGEFORGE_LINK_TTL_HOURS": "200"})
    assert Settings.from_env({"BADGEFORGE_LINK_TTL_HOURS": "200", "BADGEFORGE_LINK_MODE": "page"}).link_mode == "page"


def test_bad_values_name_the_variable():
    with pytest.raises(ConfigError, match="BADGEFORGE_DEFAULT_USAGE"):
        Settings.from_env({"BADGEFORGE_DEFAULT_USAGE": "ten"})
    with pytest.raises(ConfigError, match="BADGEFORGE_MODE"):
        Settings.from_env({"BADGEFORGE_MODE": "cloud"})


def test_firebase_mode_needs_a_link_secret_for_page_links(tmp_path):
    with pytest.raises(ConfigError, match="BADGEFORGE_LINK_SECRET"):
        Settings(mode="firebase", home=tmp_path).effective_link_secret()
    local = Settings(home=tmp_path)
    assert local.effective_link_secret() == local.effective_link_secret()  # kept in BADGEFORGE_HOME


def test_recovery_settings_come_from_the_environment(tmp_path):
    default = Settings.from_env({"BADGEFORGE_HOME": str(tmp_path)})
    assert default.render_lease == timedelta(minutes=10) and default.database_max_bytes == 0
    assert default.render_scratch_root() == tmp_path.resolve() / "scratch"
    tuned = Settings.from_env(
        {
            "BADGEFORGE_RENDER_LEASE_SECONDS": "5",
            "BADGEFORGE_SWEEP_INTERVAL_SECONDS": "0",
            "BADGEFORGE_DATABASE_MAX_BYTES": "1000000",
            "BADGEFORGE_SCRATCH_DIR": str(tmp_path / "s"),
        }
    )
    assert tuned.render_lease == timedelta(seconds=5) and tuned.sweep_interval == timedelta(0)
    assert tuned.database_max_bytes == 1_000_000 and tuned.render_scratch_root() == tmp_path / "s"
    with pytest.raises(ConfigError, match="BADGEFORGE_RENDER_LEASE_SECONDS must be at least 1"):
        Settings.from_env({"BADGEFORGE_RENDER_LEASE_SECONDS": "0"})


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("BADGEFORGE_DEFAULT_USAGE", str(10**30)),
        ("BADGEFORGE_DEFAULT_USAGE", "-1"),
        ("BADGEFORGE_DEFAULT_USAGE", "1_000"),
        ("BADGEFORGE_DEFAULT_USAGE", "\u0661\u0662"),
        ("BADGEFORGE_PAGE_LINK_TTL_DAYS", str(10**12)),  # timedelta would overflow: a traceback, not a message
        ("BADGEFORGE_PAGE_LINK_TTL_DAYS", "0"),
        ("BADGEFORGE_LINK_TTL_HOURS", "-5"),
        ("BADGEFORGE_MAX_ATTEMPTS", "0"),
        ("BADGEFORGE_IMAGE_MAX_BYTES", "20000000"),  # above the renderer's cap: the API would accept what it refuses
        ("BADGEFORGE_CSV_MAX_ROWS", "0"),
        ("BADGEFORGE_CSV_MAX_BYTES", "-1"),
    ],
)
def test_numbers_out_of_range_name_the_variable_and_the_range(name, raw):
    env = {name: raw, "BADGEFORGE_LINK_MODE": "page"}
    with pytest.raises(ConfigError, match=name):
        Settings.from_env(env)


def test_numbers_in_range_are_read():
    settings = Settings.from_env({"BADGEFORGE_DEFAULT_USAGE": "1000000", "BADGEFORGE_MAX_ATTEMPTS": " 7 "})
    assert (settings.default_allowed_usage, settings.max_attempts) == (1_000_000, 7)
