"""Sign-in (local mode), the sign-in mode the pages should offer, and who am I."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from .. import pipeline
from ..context import api, current_user
from ..errors import ApiError

bp = Blueprint("session", __name__)


@bp.get("/api/auth/config")
def auth_config():
    """Tells the sign-in page whether to show the email+password form (local) or Firebase Auth (cloud)."""
    return jsonify({"mode": "local" if api().local else "firebase"})


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
    return jsonify({"token": token, "email": user.email, "admin": user.admin})


@bp.get("/api/me")
def me():
    user = current_user()
    usage = pipeline.usage_of(api().services, user.uid)
    return jsonify({"uid": user.uid, "email": user.email, "admin": user.admin, **usage})
