"""Who is calling: Firebase ID tokens in the cloud, signed session tokens for local email+password accounts.

Both arrive as `Authorization: Bearer <token>` so the pages and the API do not care which mode they run in.
The admin flag is always taken from the server side (custom claim, or the local directory read on every request),
never from anything the browser could edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from flask import request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from badgeforge.ports import DirectoryBusy
from badgeforge.services.rate_limits import RateLimited

from .errors import ApiError

SESSION_MAX_AGE_S = 12 * 3600


@dataclass(frozen=True)
class Principal:
    """The signed-in caller as the server trusts it."""

    uid: str
    email: str
    admin: bool = False


class Authenticator(Protocol):
    def principal_from_token(self, token: str) -> Principal: ...


class LocalSessions:
    """Email+password sign-in against the local UserDirectory; sessions are HMAC-signed tokens with an expiry.

    `users` is the local directory (badgeforge.adapters.local.users): it checks the scrypt hashes itself in
    `verify_password(email, password) -> UserRecord | None`, so the API never sees a hash.
    """

    def __init__(self, users: Any, secret: str | bytes, throttle: Any = None) -> None:
        self._users = users
        self._serializer = URLSafeTimedSerializer(secret, salt="badgeforge-session")
        self._throttle = throttle  # api.throttle.SignInThrottle; None only in tests of the token format

    def sign_in(self, email: str, password: str, address: str = "") -> tuple[str, Principal]:
        """Return (token, principal) or raise 401 without saying which half was wrong; 429 (with Retry-After) when
        this email or address failed too often, 503 when the directory is busy checking other passwords."""
        email = email.strip()
        if self._throttle is not None:
            try:
                self._throttle.before(email, address)
            except RateLimited as err:
                raise ApiError(429, "too_many_attempts", str(err), retry_after=err.retry_after) from err
        try:
            record = self._users.verify_password(email, password) if password else None
        except DirectoryBusy as err:
            raise ApiError(503, "busy", str(err), retry_after=2) from err
        if record is None:
            raise ApiError(401, "bad_credentials", "Wrong email or password.")
        if self._throttle is not None:
            self._throttle.succeeded(email, address)
        principal = Principal(uid=record.uid, email=record.email, admin=bool(record.admin))
        return self._serializer.dumps({"uid": record.uid}), principal

    def principal_from_token(self, token: str) -> Principal:
        try:
            data = self._serializer.loads(token, max_age=SESSION_MAX_AGE_S)
        except SignatureExpired as err:
            raise ApiError(401, "session_expired", "Your session has expired; please sign in again.") from err
        except BadSignature as err:
            raise ApiError(401, "bad_token", "This sign-in token is not valid; please sign in again.") from err
        record = self._users.get(str(data.get("uid", "")))
        if record is None:
            raise ApiError(401, "unknown_user", "This account no longer exists.")
        return Principal(uid=record.uid, email=record.email, admin=bool(record.admin))


class FirebaseTokens:
    """Firebase ID tokens verified by firebase-admin; the `admin` custom claim marks console users."""

    def principal_from_token(self, token: str) -> Principal:
        from firebase_admin import auth  # lazy: local mode never imports firebase

        try:
            claims = auth.verify_id_token(token)
        except auth.ExpiredIdTokenError as err:
            raise ApiError(401, "session_expired", "Your session has expired; please sign in again.") from err
        except (auth.InvalidIdTokenError, ValueError) as err:
            raise ApiError(401, "bad_token", "This sign-in token is not valid; please sign in again.") from err
        return Principal(uid=claims["uid"], email=claims.get("email", ""), admin=claims.get("admin") is True)


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "not_signed_in", "Please sign in first.")
    return token.strip()
