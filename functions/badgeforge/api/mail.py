"""A fresh download link by email, for the owner whose old link expired (a short note, every value escaped)."""

from __future__ import annotations

from html import escape
from typing import Any

from badgeforge.ports import MailPermanentError, MailTemporaryError, OutgoingMail

from .errors import ApiError


def send_fresh_link(services: Any, to: str, link: str | None, job: dict[str, Any]) -> None:
    if not link:
        raise ApiError(409, "not_ready", "The badges are not ready yet.")
    event = str(job.get("event_name") or "your event")
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
