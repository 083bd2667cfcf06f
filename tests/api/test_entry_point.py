"""handle_request: the function main.py's `api` HTTPS function calls with the Functions Framework's request."""

from __future__ import annotations

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from badgeforge import config
from badgeforge.api import app as app_module


def test_handle_request_answers_through_the_app_built_from_the_process_services(env, monkeypatch):
    monkeypatch.setattr(app_module, "_cloud_app", None)
    config.use_services(env.services)
    try:
        response = app_module.handle_request(Request(EnvironBuilder(path="/api/auth/config").get_environ()))
        assert response.status_code == 200
        assert response.get_json()["mode"] == "local"
        unauthorised = app_module.handle_request(Request(EnvironBuilder(path="/api/me").get_environ()))
        assert unauthorised.status_code == 401
    finally:
        config.use_services(None)
