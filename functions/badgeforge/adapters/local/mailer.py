"""Local mail: each message becomes a .eml file in the outbox, or goes to a real SMTP server (BADGEFORGE_SMTP_URL).

SMTP URL form: smtp://user:password@host:587?starttls=1 or smtps://host:465 (stdlib smtplib, 30 s timeout).
"""

from __future__ import annotations

import os
import secrets
import smtplib
import ssl
import tempfile
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from badgeforge.ports import MailPermanentError, MailReceipt, MailTemporaryError, OutgoingMail
from badgeforge.private_files import private_dir


def build_message(mail: OutgoingMail) -> EmailMessage:
    """A multipart/alternative message: plain text first, HTML second (clients show the last they understand)."""
    message = EmailMessage()
    message["From"] = formataddr((mail.from_name, mail.from_email))
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    message["Message-ID"] = make_msgid(domain=mail.from_email.rpartition("@")[2] or "badgeforge.local")
    for key, value in mail.custom_args.items():
        message[f"X-BadgeForge-{key}"] = value
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


class OutboxMailer:
    """Writes each mail to <outbox>/<UTC time>-<random>.eml; the receipt's message_id is that file's path."""

    def __init__(self, outbox: Path) -> None:
        self.outbox = Path(outbox)

    def send(self, mail: OutgoingMail) -> MailReceipt:
        if "@" not in mail.to:
            raise MailPermanentError(f"not an email address: {mail.to!r}")
        private_dir(self.outbox)
        name = f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}-{secrets.token_hex(4)}.eml"
        data = bytes(build_message(mail))
        fd, tmp = tempfile.mkstemp(dir=self.outbox, prefix=".tmp-")  # 0600: an email holds a live download link
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        target = self.outbox / name
        os.replace(tmp, target)
        return MailReceipt(provider="outbox", message_id=str(target))


class SmtpMailer:
    """Sends through an SMTP server. 4xx replies and connection trouble are temporary; 5xx replies permanent."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        parsed = urlparse(url)
        if parsed.scheme not in ("smtp", "smtps") or not parsed.hostname:
            raise ValueError("BADGEFORGE_SMTP_URL must look like smtp://user:pass@host:587 or smtps://host:465")
        self.ssl = parsed.scheme == "smtps"
        self.host = parsed.hostname
        self.port = parsed.port or (465 if self.ssl else 25)
        self.user = unquote(parsed.username or "")
        self.password = unquote(parsed.password or "")
        self.starttls = parse_qs(parsed.query).get("starttls", ["0"])[0] in ("1", "true", "yes")
        self.timeout = timeout

    def send(self, mail: OutgoingMail) -> MailReceipt:
        message = build_message(mail)
        try:
            if self.ssl:
                client = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
                )
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                if self.starttls:
                    client.starttls(context=ssl.create_default_context())
                if self.user:
                    client.login(self.user, self.password)
                client.send_message(message)
        except smtplib.SMTPRecipientsRefused as err:
            codes = [code for code, _ in err.recipients.values()]
            if all(400 <= code < 500 for code in codes):
                raise MailTemporaryError(f"SMTP server deferred the recipient: {err.recipients}") from err
            raise MailPermanentError(f"SMTP server refused the recipient: {err.recipients}") from err
        except smtplib.SMTPResponseException as err:
            kind = MailTemporaryError if 400 <= err.smtp_code < 500 else MailPermanentError
            raise kind(f"SMTP error {err.smtp_code}: {err.smtp_error!r}") from err
        except (OSError, smtplib.SMTPException) as err:
            raise MailTemporaryError(f"SMTP server unreachable: {err}") from err
        return MailReceipt(provider="smtp", message_id=str(message["Message-ID"]))


def build_mailer(outbox: Path, smtp_url: str = "") -> OutboxMailer | SmtpMailer:
    return SmtpMailer(smtp_url) if smtp_url else OutboxMailer(outbox)
