"""Database keys taken from a URL or a JSON body. Why a check at the edge: a key such as `../x`, `/` or one with a
NUL is not a node of ours; it must be a 400 that names the field, not a path the database adapter chokes on."""

from __future__ import annotations

from typing import Any

from badgeforge.services.keys import is_safe_key

from .errors import ApiError


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
