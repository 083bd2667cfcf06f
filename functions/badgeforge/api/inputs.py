"""Values taken from a request: JSON bodies and the database keys in them or in the URL.

Why checks at the edge: a key such as `../x`, `/` or one with a NUL is not a node of ours, and a body such as `[1]`
is not a form of ours; each must be a 400 that says what to send, not a 500 from deep inside a route.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request

from badgeforge.services.keys import is_safe_key

from .errors import ApiError

OWN_ERROR_SHAPE = {"callable.adjust_usage"}  # the callable protocol answers malformed bodies in its own shape


def request_key(value: Any, field: str, *, required: bool = True) -> str | None:
    """`value` as a database key, None when absent and not required; else ApiError 400 naming `field`."""
    if value is None or value == "":
        if required:
            raise ApiError(400, "missing_field", f"Say which one ({field}).", field=field)
        return None
    if not isinstance(value, str):
        raise ApiError(400, "invalid_key", f"{field} must be a text id.", field=field)
    key = value.strip()
    if not is_safe_key(key):
        raise ApiError(
            400,
            "invalid_key",
            f"{field} is not a valid id: it may not be empty, longer than 768 bytes, or contain . $ # [ ] / or "
            "control characters.",
            field=field,
        )
    return key


def require_object_bodies() -> None:
    """before_request: a JSON body must be an object. Why here: routes read `get_json(silent=True) or {}` and then
    call `.get` on it, which a list, string or number would turn into a 500."""
    if request.endpoint in OWN_ERROR_SHAPE or not request.is_json:
        return
    body = request.get_json(silent=True)
    if body is not None and not isinstance(body, dict):
        raise ApiError(400, "bad_json", 'Send a JSON object, such as {"email": "..."}, as the request body.')


def install(app: Flask) -> None:
    app.before_request(require_object_bodies)
