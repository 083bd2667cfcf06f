"""Self-service accounts in local mode: sign up, verify, reset or change the password, two-factor (TOTP).

In Firebase mode Firebase Authentication does all of this in the browser, so these routes answer 404 there.
Answers about an address (sign up, resend, reset) are the same whether it has an account or not.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, jsonify, request

from badgeforge.ports import DirectoryBusy, MailPermanentError, MailTemporaryError
from badgeforge.services import local_accounts, mail_language

from .. import pipeline, second_factor
from ..auth import bearer_token
from ..context import api, current_user
from ..errors import ApiError
from ..web_wording import web_text

bp = Blueprint("accounts", __name__)
SENT = "If that address can use BadgeForge, an email is on its way; open the link in it."


def local_only(route: Callable[..., Any]) -> Callable[..., Any]:
    """404 in Firebase mode; AccountError, a busy directory and mail failures become the API's JSON errors."""

    @wraps(route)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if api().sessions is None:
            raise ApiError(404, "not_found", "Firebase Authentication manages accounts in cloud mode.")
        try:
            return route(*args, **kwargs)
        except local_accounts.AccountError as err:
            raise ApiError(err.status, err.code, str(err), field=err.field) from err
        except DirectoryBusy as err:  # too many passwords being hashed at once
            raise ApiError(503, "busy", str(err), retry_after=2) from err
        except (MailTemporaryError, MailPermanentError) as err:
            raise ApiError(
                503, "mail_failed", "We could not send the email just now; try again in a minute.", retry_after=60
            ) from err

    return wrapper


def _field(body: dict[str, Any], name: str, label: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise ApiError(400, "missing_field", f"Enter your {label}.", field=name)
    return value


def _mail_language() -> str:
    """The account email's language: the browser's first language we have a catalogue for (Accept-Language)."""
    best = request.accept_languages.best_match(mail_language.SUPPORTED)
    return mail_language.choose_language(best)


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


@bp.post("/api/auth/signup")
@local_only
def sign_up():
    body = _body()
    email, password = _field(body, "email", "email"), _field(body, "password", "password")
    local_accounts.sign_up(api().services, email, password, _mail_language())
    return jsonify({"message": web_text(SENT)}), 202


@bp.post("/api/auth/verify")
@local_only
def verify():
    verified = local_accounts.verify_email(api().services, _field(_body(), "token", "link's token"))
    return jsonify({"email": verified.email, "granted": verified.granted})


@bp.post("/api/auth/resend-verification")
@local_only
def resend_verification():
    local_accounts.resend_verification(api().services, _field(_body(), "email", "email"), _mail_language())
    return jsonify({"message": web_text(SENT)}), 202


@bp.post("/api/auth/reset-request")
@local_only
def reset_request():
    local_accounts.request_reset(api().services, _field(_body(), "email", "email"), _mail_language())
    return jsonify({"message": web_text(SENT)}), 202


@bp.post("/api/auth/reset")
@local_only
def reset():
    body = _body()
    email = local_accounts.reset_password(
        api().services, _field(body, "token", "link's token"), _field(body, "password", "new password")
    )
    return jsonify({"email": email})


@bp.post("/api/auth/signout")
@local_only
def sign_out():
    api().sessions.sign_out(bearer_token())
    return jsonify({"ok": True})


@bp.get("/api/account")
@local_only
def account():
    user = current_user()
    users = api().services.users
    record, state = users.get(user.uid), users.second_factors.state(user.uid)
    return jsonify(
        {
            "email": user.email,
            "admin": user.admin,
            "email_verified": bool(record and record.email_verified),
            "totp_enabled": bool(state.secret),
            "recovery_codes_left": state.recovery_left,
        }
    )


@bp.post("/api/account/password")
@local_only
def change_password():
    user, body = current_user(), _body()
    keep = api().sessions.session_id(bearer_token())
    current = _field(body, "current_password", "current password")
    new = _field(body, "new_password", "new password")
    local_accounts.change_password(api().services, user.uid, current, new, keep)
    return jsonify({"ok": True})


def _require_password(uid: str, body: dict[str, Any]) -> None:
    if not api().services.users.check_password_of(uid, _field(body, "password", "password")):
        raise ApiError(403, "wrong_password", "Your password is not right.", field="password")


@bp.post("/api/account/totp/setup")
@local_only
def totp_setup():
    user, body = current_user(), _body()
    _require_password(user.uid, body)  # a session left open on a shared machine cannot lock the owner out
    return jsonify(second_factor.start_setup(api().services.users, user.uid, user.email))


@bp.post("/api/account/totp/enable")
@local_only
def totp_enable():
    user = current_user()
    now = pipeline.now(api().services)
    codes = second_factor.enable(api().services.users, user.uid, _field(_body(), "code", "code"), now)
    return jsonify({"recovery_codes": codes})


@bp.post("/api/account/totp/disable")
@local_only
def totp_disable():
    user, body = current_user(), _body()
    _require_password(user.uid, body)
    users = api().services.users
    if not second_factor.check_code(users, user.uid, _field(body, "code", "code"), pipeline.now(api().services)):
        raise ApiError(403, "wrong_code", "That code is not right (or was used already).", field="code")
    users.second_factors.disable(user.uid)
    return jsonify({"ok": True})
