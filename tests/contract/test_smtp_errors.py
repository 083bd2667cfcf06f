"""The SMTP mailer (BADGEFORGE_SMTP_URL) sorts server answers into retry-later and give-up."""

from __future__ import annotations

import socket

import pytest

from badgeforge.adapters.local.mailer import SmtpMailer
from badgeforge.ports import MailPermanentError, MailTemporaryError, OutgoingMail
from tests.contract.smtp_server import running_smtp_server

MAIL = OutgoingMail(to="a@example.com", subject="s", text="t", html="<p>t</p>", from_email="b@example.com")


@pytest.mark.parametrize(
    ("reply", "error"), [("451 try later", MailTemporaryError), ("550 no such user", MailPermanentError)]
)
def test_recipient_replies_are_classified(reply, error):
    with running_smtp_server() as server:
        server.rcpt_reply = reply
        with pytest.raises(error):
            SmtpMailer(f"smtp://127.0.0.1:{server.port}", timeout=5).send(MAIL)
        assert server.messages == []


def test_unreachable_server_is_temporary():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(MailTemporaryError):
        SmtpMailer(f"smtp://127.0.0.1:{port}", timeout=2).send(MAIL)


def test_url_parsing():
    mailer = SmtpMailer("smtps://me%40x.org:p%2Fw@mail.example.org?starttls=0")
    assert (mailer.host, mailer.port, mailer.user, mailer.password, mailer.ssl) == (
        "mail.example.org",
        465,
        "me@x.org",
        "p/w",
        True,
    )
    assert SmtpMailer("smtp://mail.example.org:587?starttls=1").starttls
    with pytest.raises(ValueError):
        SmtpMailer("http://mail.example.org")
