"""What every route needs: the services, how callers are authenticated, how uploads reach the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from badgeforge.services.desk_sessions import TOKEN_PREFIX as DESK_TOKEN_PREFIX

from .auth import Authenticator, LocalSessions, Principal, bearer_token
from .errors import ApiError
from .job_streams import JobStreams
from .limits import JobRate, PreviewSlots
from .submit import Submitter


@dataclass
class ApiContext:
    services: Any
    authenticator: Authenticator
    submitter: Submitter
    sessions: LocalSessions | None = None  # only in local mode: email+password sign-in
    job_rate: JobRate = field(default_factory=JobRate)
    previews: PreviewSlots = field(default_factory=PreviewSlots)
    streams: JobStreams = field(default_factory=JobStreams)  # GET /api/jobs/<id>/events (routes/job_events.py)

    @property
    def local(self) -> bool:
        return self.sessions is not None


def api() -> ApiContext:
    return current_app.extensions["badgeforge"]


def current_user() -> Principal:
    """The authenticated caller, or a 401 (every API route except sign-in and the download page calls this).
    A desk or kiosk session's token is no account sign-in: 403 here, whatever the route (only the desk routes
    accept it, through services/desk_sessions.py)."""
    token = bearer_token()
    if token.startswith(DESK_TOKEN_PREFIX):
        raise ApiError(403, "desk_session_only", "A desk or kiosk link opens only its desk, not the account.")
    return api().authenticator.principal_from_token(token)


def current_admin() -> Principal:
    """The authenticated caller if they hold the admin flag, else 403 (401 when not signed in at all)."""
    user = current_user()
    if not user.admin:
        raise ApiError(403, "not_admin", "Only administrators can use the console.")
    return user
