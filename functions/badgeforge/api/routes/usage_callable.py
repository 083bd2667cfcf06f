"""adjust_usage over the callable protocol, served locally at the path Hosting rewrites to the Firebase callable.

The protocol: POST {"data": {...}} with Authorization: Bearer -> {"result": ...} or {"error": {"status", "message"}}.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from .. import pipeline
from ..context import api, current_user
from ..errors import ApiError
from ..web_wording import web_text

bp = Blueprint("callable", __name__)

# Callable error codes (as the Firebase SDKs name them) -> HTTP status of the protocol.
_HTTP = {
    "invalid-argument": 400,
    "failed-precondition": 400,
    "unauthenticated": 401,
    "permission-denied": 403,
    "not-found": 404,
    "resource-exhausted": 429,
}


def _callable_error(code: str, message: str):
    message = web_text(message)  # the console's language (Accept-Language), like every other answer
    return jsonify({"error": {"status": code.upper().replace("-", "_"), "message": message}}), _HTTP.get(code, 500)


@bp.post("/adjust_usage")
def adjust_usage():
    from badgeforge.services.usage import UsageError

    try:
        user = current_user()
    except ApiError as err:
        return _callable_error("unauthenticated", err.body["message"])
    if not user.admin:
        return _callable_error("permission-denied", "Only administrators can adjust usage.")
    body = request.get_json(silent=True)
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        return _callable_error("invalid-argument", 'Send {"data": {uid|email, delta|set, reason}}.')
    try:
        return jsonify({"result": pipeline.adjust_usage(api().services, user, data)})
    except UsageError as err:
        return _callable_error(err.code, str(err))
