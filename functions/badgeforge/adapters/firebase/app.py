"""One named firebase_admin App per configuration, so our adapters never depend on (or clash with) the default
App that firebase-functions initialises for callable-token checks."""

from __future__ import annotations

import threading

import firebase_admin

APP_NAME = "badgeforge"
_lock = threading.Lock()


def named_app(*, project_id: str, database_url: str, bucket: str = "", name: str = APP_NAME) -> firebase_admin.App:
    """The App called `name`, created on first use with Application Default Credentials (loaded lazily).

    Emulators need no credentials: an http databaseURL with ?ns= or FIREBASE_DATABASE_EMULATOR_HOST for the
    database, FIREBASE_AUTH_EMULATOR_HOST for Auth.
    """
    options = {"projectId": project_id, "databaseURL": database_url}
    if bucket:
        options["storageBucket"] = bucket
    with _lock:
        try:
            return firebase_admin.get_app(name)
        except ValueError:
            return firebase_admin.initialize_app(options=options, name=name)
