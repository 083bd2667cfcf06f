"""Mailer over the official `sendgrid` client (SendGrid v3 Mail Send).

Why the wrapping: the client has no timeout by default (a stuck connection would hold the function until its 540 s
limit) and no retries. We pass a timeout on every call, retry 429/5xx/timeouts a bounded number of times with
growing pauses, and turn the outcome into the port's MailReceipt / MailTemporaryError / MailPermanentError.
202 means "accepted", not delivered; its X-Message-Id is what SendGrid's event webhook reports back.
"""

from __future__ import annotations

import json
import time
import urllib.error
from collections.abc import Callable, Sequence
from typing import Any

from python_http_client import exceptions as http_errors
from sendgrid import SendGridAPIClient
from sendgrid.helpers.mail import ClickTracking, CustomArg, From, Mail, TrackingSettings

from badgeforge.ports import MailPermanentError, MailReceipt, MailTemporaryError, OutgoingMail

SENDGRID_HOST = "https://api.sendgrid.com"


def build_message(mail: OutgoingMail) -> dict[str, Any]:
    """The v3 JSON body: plain text and HTML, custom_args for matching events to jobs, no click-tracking rewrite
    (it would wrap the signed download link in a redirect through SendGrid)."""
    message = Mail(
        from_email=From(mail.from_email, mail.from_name or None),
        to_emails=mail.to,
        subject=mail.subject,
        plain_text_content=mail.text,
        html_content=mail.html,
    )
    for key, value in mail.custom_args.items():
        message.add_custom_arg(CustomArg(str(key), str(value)))
    message.tracking_settings = TrackingSettings(click_tracking=ClickTracking(False, False))
    return message.get()


def _reason(error: http_errors.HTTPError) -> str:
    """SendGrid's own error messages (never the request, which holds the API key in its headers)."""
    try:
        body = json.loads(error.body or b"{}")
        messages = [e.get("message", "") for e in body.get("errors", []) if isinstance(e, dict)]
    except (ValueError, AttributeError):
        messages = []
    detail = "; ".join(m for m in messages if m) or str(error.reason or "")
    return f"SendGrid answered {error.status_code}" + (f": {detail}" if detail else "")


MAX_RETRY_AFTER_SECONDS = 10.0


def _retry_after(error: http_errors.HTTPError) -> float:
    """A 429's Retry-After in seconds, capped so one send stays short (longer waits are the sweep's job)."""
    try:
        seconds = float((error.headers or {}).get("Retry-After", 0))
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, min(seconds, MAX_RETRY_AFTER_SECONDS))


class SendGridMailer:
    """Send one OutgoingMail; retries are bounded so one call never takes longer than about
    attempts * timeout + sum(pauses)."""

    def __init__(
        self,
        api_key: str,
        *,
        host: str = SENDGRID_HOST,
        timeout_seconds: float = 10.0,
        attempts: int = 3,
        pauses: Sequence[float] = (1.0, 4.0),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not api_key:
            raise ValueError("a SendGrid API key is required (SENDGRID_API_KEY secret)")
        self._client = SendGridAPIClient(api_key=api_key, host=host)
        self._timeout = timeout_seconds
        self._attempts = max(1, attempts)
        self._pauses = tuple(pauses) or (0.0,)
        self._sleep = sleep

    def send(self, mail: OutgoingMail) -> MailReceipt:
        body = build_message(mail)
        reason = ""
        wait_at_least = 0.0
        for attempt in range(self._attempts):
            if attempt:
                self._sleep(max(self._pauses[min(attempt - 1, len(self._pauses) - 1)], wait_at_least))
            wait_at_least = 0.0
            try:
                response = self._client.client.mail.send.post(request_body=body, timeout=self._timeout)
            except http_errors.HTTPError as error:
                if error.status_code == 429 or error.status_code >= 500:
                    reason = _reason(error)
                    wait_at_least = _retry_after(error)
                    continue
                raise MailPermanentError(_reason(error)) from None
            except (TimeoutError, urllib.error.URLError, OSError) as error:  # timeout, refused, reset
                reason = f"SendGrid unreachable: {getattr(error, 'reason', None) or error or type(error).__name__}"
                continue
            message_id = response.headers.get("X-Message-Id", "") if response.headers else ""
            return MailReceipt(provider="sendgrid", message_id=message_id)
        raise MailTemporaryError(f"{reason} (after {self._attempts} attempts)")
