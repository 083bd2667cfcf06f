"""Who is calling: Firebase ID tokens in the cloud, signed session tokens for local email+password accounts.

Both arrive as `Authorization: Bearer <token>` so the pages and the API do not care which mode they run in.
The admin flag is always taken from the server side (custom claim, or the local directory read on every request),
never from anything the browser could edit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from flask import request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from badgeforge.adapters.local.account_tokens import SECOND_FACTOR, SESSION
from badgeforge.ports import DirectoryBusy
from badgeforge.services.rate_limits import RateLimited

from . import second_factor
from .errors import ApiError

SESSION_MAX_AGE_S = 12 * 3600
SECOND_FACTOR_TTL = timedelta(minutes=5)  # between the right password and the code


@dataclass(frozen=True)
class Principal:
    """The signed-in caller as the server trusts it."""

    uid: str
    email: str
    admin: bool = False
    pending: bool = False  # password right, two-factor code still due: not signed in yet


class Authenticator(Protocol):
    def principal_from_token(self, token: str) -> Principal: ...


class LocalSessions:
    """Email+password sign-in against the local UserDirectory, then a TOTP code if the account has two-factor on.

    `users` is the local directory (badgeforge.adapters.local.users): it checks the scrypt hashes itself in
    `verify_password(email, password) -> UserRecord | None`, so the API never sees a hash. A session is a random
    id kept (as a digest) in users.tokens and signed with the session key: the browser holds an opaque string
    that says nothing about the account, a forged one is refused without a lookup, and a new password ends it.
    """

    def __init__(self, users: Any, secret: str | bytes, throttle: Any = None, clock: Any = None) -> None:
        self._users = users
        self._serializer = URLSafeTimedSerializer(secret, salt="badgeforge-session")
        self._throttle = throttle  # api.throttle.SignInThrottle; None only in tests of the token format
        self._clock = clock

    def _now(self) -> datetime:
        return self._clock.now() if self._clock is not None else datetime.now(UTC)

    def _checked(self, email: str, address: str, check: Callable[[], Any]) -> Any:
        """Run one throttled check (a password, a code): 429 while locked, 503 when the directory is busy."""
        if self._throttle is not None:
            try:
                self._throttle.before(email, address)
            except RateLimited as err:
                raise ApiError(429, "too_many_attempts", str(err), retry_after=err.retry_after) from err
        try:
            result = check()
        except DirectoryBusy as err:
            raise ApiError(503, "busy", str(err), retry_after=2) from err
        if result and self._throttle is not None:
            self._throttle.succeeded(email, address)
        return result

    def sign_in(self, email: str, password: str, address: str = "") -> tuple[str, Principal]:
        """Return (token, principal) or raise 401 without saying which half was wrong; 429 (with Retry-After) when
        this email or address failed too often, 503 when the directory is busy checking other passwords.
        With two-factor on, the token is a short challenge for `second_factor`, and principal.pending is True."""
        email = email.strip()
        record = self._checked(
            email, address, lambda: self._users.verify_password(email, password) if password else None
        )
        if record is None:
            raise ApiError(401, "bad_credentials", "Wrong email or password.")
        principal = Principal(uid=record.uid, email=record.email, admin=bool(record.admin))
        if self._users.second_factors.state(record.uid).secret:
            challenge = self._users.tokens.issue(record.uid, SECOND_FACTOR, SECOND_FACTOR_TTL, self._now())
            return challenge, Principal(principal.uid, principal.email, principal.admin, pending=True)
        return self.open_session(record.uid), principal

    def second_factor(self, challenge: str, code: str, address: str = "") -> tuple[str, Principal]:
        """Trade the challenge from `sign_in` and a TOTP (or recovery) code for a session token."""
        tokens = self._users.tokens
        uid = tokens.lookup(challenge, SECOND_FACTOR, self._now())
        record = self._users.get(uid) if uid else None
        if record is None:
            raise ApiError(401, "challenge_expired", "Too slow: sign in with your password again.")
        if not self._checked(
            record.email, address, lambda: second_factor.check_code(self._users, uid, code, self._now())
        ):
            raise ApiError(401, "wrong_code", "That code is not right (or was used already); try the newest one.")
        if tokens.consume(challenge, SECOND_FACTOR, self._now()) is None:
            raise ApiError(401, "challenge_expired", "Too slow: sign in with your password again.")
        return self.open_session(record.uid), Principal(uid=record.uid, email=record.email, admin=bool(record.admin))

    def open_session(self, uid: str) -> str:
        sid = self._users.tokens.issue(uid, SESSION, timedelta(seconds=SESSION_MAX_AGE_S), self._now())
        return self._serializer.dumps(sid)

    def session_id(self, token: str) -> str:
        """The random id inside a signed token (for sign-out and for keeping this session on a password change)."""
        try:
            return str(self._serializer.loads(token, max_age=SESSION_MAX_AGE_S))
        except SignatureExpired as err:
            raise ApiError(401, "session_expired", "Your session has expired; please sign in again.") from err
        except BadSignature as err:
            raise ApiError(401, "bad_token", "This sign-in token is not valid; please sign in again.") from err

    def sign_out(self, token: str) -> None:
        self._users.tokens.end(self.session_id(token))

    def principal_from_token(self, token: str) -> Principal:
        uid = self._users.tokens.lookup(self.session_id(token), SESSION, self._now())
        if uid is None:
            raise ApiError(
                401, "session_ended", "You were signed out (or your password changed); please sign in again."
            )
        record = self._users.get(uid)
        if record is None:
            raise ApiError(401, "unknown_user", "This account no longer exists.")
        return Principal(uid=record.uid, email=record.email, admin=bool(record.admin))


class FirebaseTokens:
    """Firebase ID tokens verified by firebase-admin; the `admin` custom claim marks console users.

    `app` is the firebase_admin App of the user directory (None: the default App, which firebase-functions sets up
    in the cloud). With FIREBASE_AUTH_EMULATOR_HOST set, firebase-admin accepts the emulator's unsigned tokens.
    Revoked tokens are refused too (one Auth lookup per call): a password change or reset revokes the refresh
    tokens of every other device, and without the check their ID tokens would still work for up to an hour.
    """

    def __init__(self, app: Any = None) -> None:
        self._app = app

    def principal_from_token(self, token: str) -> Principal:
        from firebase_admin import auth  # lazy: local mode never imports firebase

        try:
            claims = auth.verify_id_token(token, app=self._app, check_revoked=True)
        except auth.ExpiredIdTokenError as err:
            raise ApiError(401, "session_expired", "Your session has expired; please sign in again.") from err
        except (auth.RevokedIdTokenError, auth.UserDisabledError) as err:
            raise ApiError(
                401, "session_ended", "You were signed out (or your password changed); please sign in again."
            ) from err
        except (auth.InvalidIdTokenError, ValueError) as err:
            raise ApiError(401, "bad_token", "This sign-in token is not valid; please sign in again.") from err
        except auth.UserNotFoundError as err:
            raise ApiError(401, "unknown_user", "This account no longer exists.") from err
        return Principal(uid=claims["uid"], email=claims.get("email", ""), admin=claims.get("admin") is True)


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "not_signed_in", "Please sign in first.")
    return token.strip()
