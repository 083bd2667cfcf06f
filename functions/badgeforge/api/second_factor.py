"""TOTP two-factor for local accounts: set up (secret, otpauth URI, QR), enable with a first code, check, disable.

Why the secret is made on the server and shown once: the browser only ever holds it while the QR is on screen
(no client-side storage); recovery codes are shown once too and kept only as digests.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from badgeforge.services import totp

from .errors import ApiError


def check_code(users: Any, uid: str, code: str, now: datetime) -> bool:
    """A current TOTP code (each time step once) or an unused recovery code; spends what it accepts."""
    state = users.second_factors.state(uid)
    if not state.secret:
        return False
    cleaned = "".join(str(code).split())
    if cleaned.isascii() and cleaned.isdigit():
        step = totp.matching_step(state.secret, cleaned, now.timestamp())
        return step is not None and users.second_factors.spend_step(uid, step)
    return users.second_factors.spend_recovery(uid, totp.recovery_digest(cleaned))


def start_setup(users: Any, uid: str, email: str) -> dict[str, str]:
    """A new pending secret, as text and as a QR of its otpauth:// URI."""
    secret = totp.new_secret()
    users.second_factors.start(uid, secret)
    uri = totp.otpauth_uri(secret, email)
    return {"secret": secret, "otpauth_uri": uri, "qr": totp.qr_data_uri(uri)}


def enable(users: Any, uid: str, code: str, now: datetime) -> list[str]:
    """Turn two-factor on once a code from the pending secret is right; returns the recovery codes (shown once)."""
    pending = users.second_factors.state(uid).pending
    if not pending:
        raise ApiError(409, "no_setup", "Start the two-factor setup first (scan a new QR code).")
    step = totp.matching_step(pending, str(code), now.timestamp())
    if step is None:
        raise ApiError(400, "wrong_code", "That code is not right; check the app's clock and try the newest code.")
    codes = totp.new_recovery_codes()
    if not users.second_factors.enable(uid, pending, step, [totp.recovery_digest(c) for c in codes]):
        raise ApiError(409, "setup_changed", "The setup was restarted meanwhile; scan the newest QR code.")
    return codes
