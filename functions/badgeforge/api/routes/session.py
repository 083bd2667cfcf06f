"""Sign-in (local mode), the sign-in mode the pages should offer, and who am I."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from badgeforge.services import local_accounts

from .. import pipeline
from ..context import api, current_user
from ..errors import ApiError
from ..web_wording import web_text

bp = Blueprint("session", __name__)


@bp.get("/api/auth/config")
def auth_config():
    """Tells the sign-in page which forms to show: email+password (local) or Firebase Auth (cloud), whether people
    may sign up, and what to tell them when accounts are by invitation or start without generations."""
    settings = getattr(api().services, "settings", None)
    signup = getattr(settings, "signup", "open")
    starting = int(getattr(settings, "default_allowed_usage", 0))
    answer = {"mode": "local" if api().local else "firebase", "signup": signup, "starting_usage": starting}
    if settings is not None and (signup != "open" or starting == 0):
        answer["access"] = web_text(local_accounts.invite_message(settings))
    return jsonify(answer)


@bp.post("/api/auth/signin")
def sign_in():
    ctx = api()
    if ctx.sessions is None:
        raise ApiError(404, "not_found", "Sign in with Firebase Authentication in cloud mode.")
    body = request.get_json(silent=True) or {}
    email, password = str(body.get("email", "")), str(body.get("password", ""))
    if not email or not password:
        raise ApiError(
            400, "missing_field", "Enter your email and password.", field="email" if not email else "password"
        )
    # remote_addr, not X-Forwarded-For: a header the client writes must not choose whose throttle it counts against
    token, user = ctx.sessions.sign_in(email, password, request.remote_addr or "")
    if user.pending:
        return jsonify({"second_factor": "totp", "challenge": token})
    return jsonify({"token": token, "email": user.email, "admin": user.admin})


@bp.post("/api/auth/signin/second-factor")
def sign_in_second_factor():
    """The second step for accounts with two-factor on: the challenge from /api/auth/signin and a code."""
    ctx = api()
    if ctx.sessions is None:
        raise ApiError(404, "not_found", "Sign in with Firebase Authentication in cloud mode.")
    body = request.get_json(silent=True) or {}
    challenge, code = str(body.get("challenge", "")), str(body.get("code", ""))
    if not code.strip():
        raise ApiError(400, "missing_field", "Enter the code from your authenticator app.", field="code")
    token, user = ctx.sessions.second_factor(challenge, code, request.remote_addr or "")
    return jsonify({"token": token, "email": user.email, "admin": user.admin})


@bp.get("/api/me")
def me():
    user = current_user()
    services = api().services
    if user.email and services.db.get(f"users/{user.uid}/email") is None:
        # First sign-in: the admin console lists accounts by their email in the database (users.email is indexed).
        # Only the email: the usage defaults still apply until the first job or an admin's change.
        services.db.transaction(f"users/{user.uid}", lambda node: {"email": user.email.lower(), **(node or {})})
    usage = pipeline.usage_of(services, user.uid)
    record = services.users.get(user.uid)
    verified = bool(record and record.email_verified)
    return jsonify({"uid": user.uid, "email": user.email, "admin": user.admin, "email_verified": verified, **usage})
