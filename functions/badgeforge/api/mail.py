"""A fresh download link by email, for the owner whose old link expired (a short note, every value escaped)."""

from __future__ import annotations

from html import escape
from typing import Any

from badgeforge.ports import MailPermanentError, MailTemporaryError, OutgoingMail
from badgeforge.services import rate_limits
from badgeforge.services.mail_content import header_text

from .errors import ApiError


def take_mail_slot(services: Any, uid: str, job_id: str, now: Any) -> None:
    """Count this fresh-link email before anything is sent (429 with Retry-After when over the limit)."""
    try:
        rate_limits.take_fresh_link_mail(services.db, uid, job_id, services.db.push_key(), now)
    except rate_limits.RateLimited as err:
        raise ApiError(429, "rate_limited", str(err), retry_after=err.retry_after) from err


def send_fresh_link(services: Any, to: str, link: str | None, job: dict[str, Any]) -> None:
    if not link:
        raise ApiError(409, "not_ready", "The badges are not ready yet.")
    event = header_text(str(job.get("event_name") or "")) or "your event"
    settings = getattr(services, "settings", None)
    sender = getattr(settings, "mail_from", None) or getattr(settings, "from_email", None) or "badges@localhost"
    mail = OutgoingMail(
        to=to,
        subject=f"A new download link for your badges: {event}",
        text=f"Here is a new link to your badges for {event}:\n\n{link}\n",
        html=f'<p>Here is a new link to your badges for {escape(event)}:</p><p><a href="{escape(link)}">Download the'
        f" badges (PDF)</a></p>",
        from_email=sender,
        custom_args={"kind": "fresh_link"},
    )
    try:
        services.mailer.send(mail)
    except (MailTemporaryError, MailPermanentError) as err:
        raise ApiError(502, "mail_failed", "We could not send the email just now; try again in a minute.") from err
