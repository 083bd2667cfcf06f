"""API errors as types, turned into JSON `{error: {code, message, field?, row?, column?, key?, params?}}` at the edge.

A user never sees a traceback: every failure leaves the API as this one JSON shape with an HTTP status. The message
(and hint) is in the request's language (web_wording.web_message); `key` and `params` name the catalogue entry it was
written from, so a client can render its own text.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from badge_renderer.errors import BadgeForgeError
from badgeforge.ports import DatabaseFull, TransactionAborted

log = logging.getLogger(__name__)


class ApiError(Exception):
    """A request the API refuses, with the HTTP status and the JSON error body that explains why."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        row: int | None = None,
        column: str | None = None,
        hint: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after  # seconds, sent as Retry-After (429/503): clients know when to come back
        self.body: dict[str, Any] = {"code": code, "message": message}
        for key, value in (("field", field), ("row", row), ("column", column), ("hint", hint)):
            if value not in (None, ""):
                self.body[key] = value


def from_badgeforge_error(err: BadgeForgeError, *, field: str | None = None) -> ApiError:
    """A renderer error (bad CSV, option, image, design) becomes a 400 that still points at row and column (in the
    form's words and the reader's language once it is answered)."""
    body = err.to_dict()
    api = ApiError(400, body.pop("code"), body.pop("message"), field=field)
    api.body.update(body)
    return api


def error_response(status: int, body: dict[str, Any]):
    from .web_wording import web_message

    return jsonify({"error": web_message(body)}), status


def install_error_handlers(app: Flask) -> None:
    """Every error path answers the same JSON shape; unexpected ones are logged and reported as 500."""

    @app.errorhandler(ApiError)
    def _api_error(err: ApiError):
        body, status = error_response(err.status, err.body)
        if err.retry_after is not None:
            body.headers["Retry-After"] = str(err.retry_after)
        return body, status

    @app.errorhandler(BadgeForgeError)
    def _badgeforge_error(err: BadgeForgeError):
        api = from_badgeforge_error(err)
        return error_response(api.status, api.body)

    @app.errorhandler(TransactionAborted)
    def _contended(err: TransactionAborted):
        # Many concurrent requests on one node (a burst of jobs or sign-ins): nothing was written; say when to retry.
        body, status = error_response(
            503, {"code": "busy", "message": "Too many requests are changing this at once; try again in a moment."}
        )
        body.headers["Retry-After"] = "1"
        return body, status

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        code = {
            404: "not_found",
            405: "method_not_allowed",
            413: "too_large",
        }.get(err.code or 500, "http_error")
        return error_response(err.code or 500, {"code": code, "message": err.description or err.name})

    @app.errorhandler(DatabaseFull)
    def _database_full(err: DatabaseFull):
        log.error("API write refused: %s", err)
        message = "The server has run out of space (database or disk is full); nothing was saved. Try again later."
        return error_response(507, {"code": "database_full", "message": message})

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        log.exception("unexpected API error")
        return error_response(500, {"code": "internal", "message": "Something went wrong on our side; try again."})
