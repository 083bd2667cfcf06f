"""Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP), with the stdlib only, plus recovery codes.

Why our own ~60 lines and not a library: the algorithm is a few HMAC calls, and owning it keeps the replay rule
(a code's time step may be used once) next to the check. Secrets are base32 (what authenticator apps read from
the otpauth:// URI). Recovery codes are random, shown once and stored only as SHA-256 digests.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

DIGITS = 6
PERIOD_S = 30
WINDOW = 1  # steps either side of now that still count: authenticator clocks drift by a few seconds
RECOVERY_CODES = 10


def new_secret() -> str:
    """160 random bits (RFC 4226's recommended key length), base32 without padding."""
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def _key(secret: str) -> bytes:
    cleaned = secret.replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def hotp(secret: str, counter: int, digits: int = DIGITS) -> str:
    """RFC 4226 section 5.3: HMAC-SHA1 of the counter, dynamically truncated to `digits` decimal digits."""
    digest = hmac.new(_key(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def step_at(unix_seconds: float) -> int:
    return int(unix_seconds // PERIOD_S)


def code_at(secret: str, unix_seconds: float) -> str:
    return hotp(secret, step_at(unix_seconds))


def matching_step(secret: str, code: str, unix_seconds: float, window: int = WINDOW) -> int | None:
    """The time step `code` belongs to (within `window` steps of now), else None. The caller refuses a step it has
    seen before, so an overheard code cannot be replayed."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    now = step_at(unix_seconds)
    for step in range(now - window, now + window + 1):
        if hmac.compare_digest(hotp(secret, step), code):
            return step
    return None


def otpauth_uri(secret: str, account: str, issuer: str = "BadgeForge") -> str:
    """The Key URI Format authenticator apps scan: otpauth://totp/Issuer:account?secret=...&issuer=..."""
    label = quote(f"{issuer}:{account}", safe="@:")
    query = urlencode({"secret": secret, "issuer": issuer, "digits": DIGITS, "period": PERIOD_S})
    return f"otpauth://totp/{label}?{query}"


def qr_data_uri(uri: str) -> str:
    """The URI as an SVG QR code in a data: URI for an <img> (segno: pure Python, no network). Why an image and
    not inline SVG: the page inserts no markup it did not write itself."""
    import segno

    return segno.make(uri, error="m").svg_data_uri(scale=5, dark="#000", light="#fff")


def new_recovery_codes(count: int = RECOVERY_CODES) -> list[str]:
    """Codes like 'k7f3-9qxm-2h4t': 60 random bits each, easy to read out and type."""
    alphabet = "23456789abcdefghjkmnpqrstuvwxyz"
    return ["-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3)) for _ in range(count)]


def recovery_digest(code: str) -> str:
    """How a recovery code is stored: SHA-256 of its normalised form (60 random bits need no slow hash)."""
    return hashlib.sha256("".join(code.lower().split()).replace("-", "").encode()).hexdigest()
