"""Integration fixtures: the real local servers from tests/servers."""

from tests.servers.fixtures import *  # noqa: F403
