"""The HTTP API for the web pages (Flask): `create_app(services)`; `handle_request(req)` for main.py's `api`."""

from __future__ import annotations

from .app import create_app, handle_request

__all__ = ["create_app", "handle_request"]
