"""UserDirectory over Firebase Authentication (firebase_admin.auth); `admin` is a custom claim.

Why custom claims: they ride inside every ID token, so the callable `adjust_usage` can check `req.auth.token
["admin"]` without a database read. Other claims a user may carry are kept when admin is toggled. A changed claim
reaches the user's client at its next token refresh (at most an hour).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import firebase_admin
from firebase_admin import auth

from badgeforge.ports import UserExists, UserRecord, normalize_email

if TYPE_CHECKING:
    from badgeforge.config import Settings

ADMIN_CLAIM = "admin"


def _record(user: auth.UserRecord) -> UserRecord:
    claims = user.custom_claims or {}
    return UserRecord(
        uid=user.uid,
        email=user.email or "",
        display_name=user.display_name or "",
        admin=claims.get(ADMIN_CLAIM) is True,
        email_verified=bool(user.email_verified),
    )


class FirebaseUserDirectory:
    """Accounts in Firebase Auth (FIREBASE_AUTH_EMULATOR_HOST points firebase-admin at the emulator)."""

    def __init__(self, app: firebase_admin.App) -> None:
        self._app = app

    @property
    def app(self) -> firebase_admin.App:
        """The App whose project the ID tokens must come from (api.auth.FirebaseTokens verifies against it)."""
        return self._app

    def get(self, uid: str) -> UserRecord | None:
        try:
            return _record(auth.get_user(uid, app=self._app))
        except auth.UserNotFoundError:
            return None

    def find_by_email(self, email: str) -> UserRecord | None:
        try:
            return _record(auth.get_user_by_email(email.strip(), app=self._app))
        except auth.UserNotFoundError:
            return None

    def create(
        self, email: str, *, password: str | None = None, admin: bool = False, display_name: str = ""
    ) -> UserRecord:
        email = normalize_email(email)
        try:
            user = auth.create_user(
                email=email, password=password or None, display_name=display_name or None, app=self._app
            )
        except auth.EmailAlreadyExistsError as err:
            raise UserExists(f"an account for {email} already exists") from err
        if admin:
            auth.set_custom_user_claims(user.uid, {ADMIN_CLAIM: True}, app=self._app)
        return UserRecord(uid=user.uid, email=email, display_name=display_name, admin=admin)

    def set_admin(self, uid: str, admin: bool) -> None:
        claims = dict(auth.get_user(uid, app=self._app).custom_claims or {})
        if admin:
            claims[ADMIN_CLAIM] = True
        else:
            claims.pop(ADMIN_CLAIM, None)
        auth.set_custom_user_claims(uid, claims or None, app=self._app)


def directory_for(settings: Settings) -> FirebaseUserDirectory:
    """The directory for `badgeforge serve` with BADGEFORGE_AUTH=firebase: only Auth is Firebase's (in practice its
    emulator, FIREBASE_AUTH_EMULATOR_HOST), so the App needs no database or bucket of its own."""
    from badgeforge.adapters.firebase.app import named_app

    return FirebaseUserDirectory(
        named_app(project_id=settings.project_id, database_url=settings.database_url, name="badgeforge-auth")
    )
