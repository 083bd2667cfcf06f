"""One API environment per test module, for edge tests that send many small requests and change little.

Why: each environment hashes two passwords and every sign-in hashes one more (scrypt, on purpose slow); building
one per parametrized case made a few dozen edge cases cost a minute. Tests that change state say so and reset it.
"""

from __future__ import annotations

import dataclasses

import pytest

from badgeforge.api import create_app
from badgeforge.api.limits import JobRate

from .conftest import Env, make_env

_TOKENS: dict[tuple[str, str], dict[str, str]] = {}  # (home, email) -> bearer header


class SharedEnv(Env):
    """An Env whose bearer headers are made once per email (the session key lives in the home, so they stay valid
    for every app built on the same home)."""

    def headers(self, email: str) -> dict[str, str]:
        key = (str(self.services.settings.home), email)
        if key not in _TOKENS:
            _TOKENS[key] = super().headers(email)
        return _TOKENS[key]

    def with_settings(self, **changes) -> SharedEnv:
        """The same data and sign-ins behind an app built with other settings (e.g. smaller limits)."""
        services = dataclasses.replace(self.services, settings=dataclasses.replace(self.services.settings, **changes))
        app = create_app(services, submitter=self.submitter, job_rate=JobRate(max_jobs=1000))
        app.testing = True
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return SharedEnv(**{**fields, "app": app, "client": app.test_client(), "services": services})


def module_env_fixture():
    """A module-scoped `env` fixture (overrides the per-test one from conftest)."""

    @pytest.fixture(scope="module")
    def env(tmp_path_factory) -> SharedEnv:
        base = make_env(tmp_path_factory.mktemp("api"))
        fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
        return SharedEnv(**fields)

    return env
