"""Self-service accounts in local mode: sign up, verify the email, reset and change the password.

Firebase Authentication does all of this itself in the cloud; locally the UserDirectory holds the accounts and its
AccountTokens the single-use, expiring links (stored as digests). Every email comes from templates/email/account.*
with a text and an HTML part, its sentences from templates/email/messages in the language the request asked for
(Accept-Language). Why the answers never say whether an address has an account: sign-up and reset would otherwise
let anyone list who uses BadgeForge; the mailbox owner learns it from the email instead.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from badgeforge.adapters.local.account_tokens import RESET_PASSWORD, SESSION, VERIFY_EMAIL
from badgeforge.ports import OutgoingMail, UserExists, normalize_email
from badgeforge.services import starting_usage
from badgeforge.services.keys import iso, parse_iso
from badgeforge.services.mail_content import render_account_mail
from badgeforge.services.mail_language import DEFAULT as DEFAULT_LANGUAGE

if TYPE_CHECKING:
    from badgeforge.config import Services

MIN_PASSWORD = 10
MAX_PASSWORD = 256  # scrypt takes any length; a cap keeps one request from hashing megabytes
MAILS_PER_HOUR = 5
"""Account emails (verification, reset) one address may be sent per hour: nobody's inbox is flooded from here."""


class AccountError(Exception):
    """A request the account rules refuse; `code` and `field` go to the API answer as they are."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.field = status, code, field


@dataclass(frozen=True)
class Verified:
    email: str
    granted: int  # generations added now (0: granted before, or the configured starting usage is 0)


def _local(services: Services) -> Any:
    """The local directory (adapters/local/users.py): it has tokens, passwords and verification beyond the port."""
    return services.users


def check_new_password(password: str, email: str = "", field: str = "password") -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(400, "weak_password", f"Choose a password of at least {MIN_PASSWORD} characters.", field)
    if len(password) > MAX_PASSWORD:
        raise AccountError(400, "password_too_long", f"Passwords may have at most {MAX_PASSWORD} characters.", field)
    if email and password.strip().lower() == email.strip().lower():
        raise AccountError(400, "weak_password", "Choose a password that is not your email address.", field)


def _check_email(email: str) -> str:
    try:
        email = normalize_email(email)
    except ValueError as err:
        raise AccountError(400, "bad_email", str(err), "email") from err
    local, _, domain = email.partition("@")
    if not local or "." not in domain or any(c.isspace() for c in email):
        raise AccountError(400, "bad_email", "Enter an email address like name@example.com.", "email")
    return email


def _count_mail(services: Services, email: str) -> None:
    """One more account email to this address, or 429 (counted before sending, in one transaction)."""
    node = f"limits/account_mail/{hashlib.sha256(email.encode()).hexdigest()[:32]}"
    now = services.clock.now()
    refused: list[int] = []

    def body(current: Any) -> Any:
        refused.clear()
        since = parse_iso(current.get("since")) if isinstance(current, dict) else None
        if since is None or now - since >= timedelta(hours=1):
            return {"since": iso(now), "count": 1}
        if int(current.get("count", 0)) >= MAILS_PER_HOUR:
            refused.append(int((since + timedelta(hours=1) - now).total_seconds()) + 1)
            return current
        return {**current, "count": int(current.get("count", 0)) + 1}

    services.db.transaction(node, body)
    if refused:
        minutes = max(1, round(refused[0] / 60))
        raise AccountError(
            429, "too_many_emails", f"This address got {MAILS_PER_HOUR} emails this hour; try again in {minutes} min."
        )


def _send(services: Services, to: str, kind: str, context: dict[str, Any], language: str) -> None:
    settings = services.settings
    subject, text, html = render_account_mail(
        settings_templates(), kind, {"email": to, "language": language, **context}
    )
    mail = OutgoingMail(
        to=to,
        subject=subject,
        text=text,
        html=html,
        from_email=settings.mail_from,
        from_name=settings.mail_from_name,
        custom_args={"kind": kind},
    )
    services.mailer.send(mail)


def settings_templates():
    from badgeforge.config import templates_dir

    return templates_dir()


def _link(services: Services, page: str, token: str) -> str:
    # the token rides in the fragment: browsers never send it to a server or put it in a Referer or a log
    return f"{services.settings.public_base_url}/{page}#token={token}"


def _expires(services: Services, ttl: timedelta) -> datetime:
    return services.clock.now() + ttl


def sign_up(services: Services, email: str, password: str, language: str = DEFAULT_LANGUAGE) -> None:
    """Make an unverified account and email its verification link. For an address that has an account already,
    the email says so (with a reset link) and the answer is the same as for a new one."""
    settings = services.settings
    if settings.signup != "open":
        raise AccountError(403, "invite_only", invite_message(settings))
    email = _check_email(email)
    check_new_password(password, email)
    _count_mail(services, email)
    try:
        record = _local(services).create(email, password=password, email_verified=False)
    except UserExists:
        # the same scrypt cost as creating an account: how long the answer takes must not tell that one exists
        _local(services).check_password_of("", password)
        existing = services.users.find_by_email(email)
        if existing is None:
            return
        token = _local(services).tokens.issue(existing.uid, RESET_PASSWORD, settings.reset_ttl, services.clock.now())
        context = {
            "link": _link(services, "reset.html", token),
            "signin_link": f"{settings.public_base_url}/",
            "expires_at": _expires(services, settings.reset_ttl),
        }
        _send(services, email, "account_exists", context, language)
        return
    send_verification(services, record.uid, record.email, language)


def send_verification(services: Services, uid: str, email: str, language: str = DEFAULT_LANGUAGE) -> None:
    settings = services.settings
    token = _local(services).tokens.issue(uid, VERIFY_EMAIL, settings.verify_ttl, services.clock.now())
    context = {
        "link": _link(services, "verify.html", token),
        "expires_at": _expires(services, settings.verify_ttl),
        "starting_usage": settings.default_allowed_usage,
    }
    _send(services, email, "verify_email", context, language)


def resend_verification(services: Services, email: str, language: str = DEFAULT_LANGUAGE) -> None:
    """A new verification link for an unverified account; nothing (and the same answer) otherwise."""
    email = _check_email(email)
    record = services.users.find_by_email(email)
    if record is None or record.email_verified:
        return
    _count_mail(services, email)
    send_verification(services, record.uid, record.email, language)


def _token_refusal(services: Services, token: str, purpose: str, what: str) -> AccountError:
    state = _local(services).tokens.state(token, purpose, services.clock.now())
    if state == "used":
        return AccountError(410, "link_used", f"This {what} link was used already; each link works once.")
    if state == "expired":
        return AccountError(410, "link_expired", f"This {what} link has expired; ask for a new one.")
    return AccountError(400, "bad_link", f"This {what} link is not valid; copy the whole link from the email.")


def verify_email(services: Services, token: str) -> Verified:
    """Spend a verification link: the account becomes verified and gets the starting usage (once)."""
    uid = _local(services).tokens.consume(token, VERIFY_EMAIL, services.clock.now())
    if uid is None:
        raise _token_refusal(services, token, VERIFY_EMAIL, "verification")
    _local(services).mark_verified(uid)
    record = services.users.get(uid)
    if record is None:
        raise AccountError(404, "unknown_user", "This account no longer exists.")
    _local(services).tokens.revoke(uid, VERIFY_EMAIL, keep=token)
    return Verified(record.email, starting_usage.grant(services, record))


def request_reset(services: Services, email: str, language: str = DEFAULT_LANGUAGE) -> None:
    """Email a reset link if the address has an account; the same answer either way."""
    email = _check_email(email)
    record = services.users.find_by_email(email)
    if record is None:
        return
    _count_mail(services, email)
    settings = services.settings
    token = _local(services).tokens.issue(record.uid, RESET_PASSWORD, settings.reset_ttl, services.clock.now())
    context = {"link": _link(services, "reset.html", token), "expires_at": _expires(services, settings.reset_ttl)}
    _send(services, record.email, "reset_password", context, language)


def reset_password(services: Services, token: str, password: str) -> str:
    """Spend a reset link on a new password; ends every session and every other reset link. Opening the link also
    proves the address, so an unverified account becomes verified (and gets its starting usage)."""
    tokens = _local(services).tokens
    uid = tokens.lookup(token, RESET_PASSWORD, services.clock.now())
    if uid is None:
        raise _token_refusal(services, token, RESET_PASSWORD, "password reset")
    record = services.users.get(uid)
    if record is None:
        raise AccountError(404, "unknown_user", "This account no longer exists.")
    check_new_password(password, record.email)  # before spending the link: a weak choice may be corrected
    if tokens.consume(token, RESET_PASSWORD, services.clock.now()) is None:
        raise _token_refusal(services, token, RESET_PASSWORD, "password reset")
    _local(services).set_password(uid, password)
    tokens.revoke(uid, SESSION, RESET_PASSWORD, keep=token)
    if _local(services).mark_verified(uid):
        starting_usage.grant(services, record)
    return record.email


def change_password(services: Services, uid: str, current: str, new: str, keep_session: str) -> None:
    """A new password for a signed-in account that knows its current one; other sessions end, this one stays."""
    record = services.users.get(uid)
    if record is None:
        raise AccountError(404, "unknown_user", "This account no longer exists.")
    if not _local(services).check_password_of(uid, current):
        raise AccountError(403, "wrong_password", "Your current password is not right.", "current_password")
    check_new_password(new, record.email, "new_password")
    if new == current:
        raise AccountError(400, "same_password", "The new password is the same as the current one.", "new_password")
    _local(services).set_password(uid, new)
    _local(services).tokens.revoke(uid, SESSION, RESET_PASSWORD, keep=keep_session)


def invite_message(settings: Any) -> str:
    """What the sign-in page says to people who may not sign up (or start with nothing)."""
    contact = settings.access_contact
    ask = f"ask {contact}" if contact else "ask the administrator of this BadgeForge"
    if settings.signup != "open":
        return f"BadgeForge here is by invitation: {ask} for an account."
    return f"New accounts start without badge generations: {ask} for some."
